"""HTML → PDF with WeasyPrint, reading nothing but the app's own static files, within a time and
memory limit (``core.limited``: a child process, unless ``PDF_RENDER_ISOLATED`` is off).

WeasyPrint would otherwise fetch any ``file:`` path or remote address a document names
(STACK trap 7), so every render goes through ``RestrictedFetcher``.  The renderer also reports
where the seal area (the element with ``id="seal"``) landed, so the visible signature can be
placed over the authority's name and date.
"""
from __future__ import annotations

import gc
import os
import threading
import warnings
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from supervision.core import limited

PX_TO_PT = 0.75  # CSS px (1/96 in) to PDF points (1/72 in)


class FetchRefused(ValueError):
    """A document asked for something outside the app's static files."""


class RestrictedFetcher(URLFetcher):
    """Serves files below ``static_dir`` and refuses every other URL (no network, no files)."""

    def __init__(self, static_dir: str):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.static_dir = os.path.realpath(static_dir)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"refused: {url[:80]}")
        path = os.path.realpath(unquote(parts.path))
        if os.path.commonpath([path, self.static_dir]) != self.static_dir or not os.path.isfile(path):
            raise FetchRefused(f"refused: {url[:80]}")
        return super().fetch(url, headers)


def static_dir() -> str:
    return current_app.static_folder  # type: ignore[return-value]


def fetcher() -> RestrictedFetcher:
    return RestrictedFetcher(static_dir())


_local = threading.local()


def font_config() -> FontConfiguration:
    """One font configuration per thread, kept between renders: building it (fontconfig's view
    of the system fonts) is about 40% of a one-page decision's render time.  Documents carry no
    @font-face of their own, so nothing leaks from one render into the next."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    # The seal area on its page, in PDF points from the bottom left: (page index, x1, y1, x2, y2).
    seal_box: tuple[int, float, float, float, float] | None


def render_pdf(html: str, *, pdf_variant: str | None = None) -> Rendered:
    """Render ``html``; ``pdf_variant="pdf/a-3b"`` gives the archival variant.  Raises
    ``limited.LimitExceeded`` when the document takes more time or memory than configured."""
    config = current_app.config
    if config.get("PDF_RENDER_ISOLATED"):
        return limited.run(render_here, html, static_dir(), pdf_variant,
                           seconds=config["PDF_RENDER_SECONDS"], memory_mb=config["PDF_RENDER_MEMORY_MB"])
    return render_here(html, static_dir(), pdf_variant)


def render_here(html: str, static: str, pdf_variant: str | None = None) -> Rendered:
    """Render in this process (the child of ``limited.run``, or tests): no app needed."""
    base_url = "file://" + static.rstrip("/") + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=RestrictedFetcher(static)).render(
        font_config=font_config())
    seal = None
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get("seal")  # (x1, y1, x2, y2) in CSS px from the top left
        if anchor is not None:
            x1, y1, x2, y2 = anchor
            seal = (index, x1 * PX_TO_PT, (page.height - y2) * PX_TO_PT,
                    x2 * PX_TO_PT, (page.height - y1) * PX_TO_PT)
    if pdf_variant:
        # WeasyPrint opens its sRGB profile for PDF/A and never closes it: collect it here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            pdf = document.write_pdf(pdf_variant=pdf_variant)
            gc.collect()
    else:
        pdf = document.write_pdf()
    return Rendered(pdf=pdf, pages=len(document.pages), seal_box=seal)

