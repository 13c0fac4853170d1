"""The dossier's readable PDF: summary, parties, decisions, documents, timeline and audit trail.

The summary is one part; the timeline and the audit trail follow in parts of ``PART_SIZE`` rows,
and the parts are joined with pypdf, so memory and layout time stay bounded however long the
case's history is (STACK trap 4), and each part renders within a time and memory limit
(``core.limited``).  The dossier needs no images or stylesheets from outside, so
the URL fetcher refuses everything (trap 7).

What keeps a long history fast (for 1,000 events about half the time and two thirds of the peak
memory of the first version): all parts share one ``FontConfiguration`` (the fonts are opened
once); each row of the timeline and the trail is a single block whose lines are separated by
newlines (``white-space: pre-line``), because WeasyPrint's cost grows with the number of
elements more than with the text; a row's labels are translated once per distinct (action,
transition, states, roles); and the PDF uses the regular faces only — every face a part uses
costs a copy of its whole font file (26 MB for Noto Serif CJK) while that part is written.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from flask import current_app, render_template
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from supervision.audit.labels import describe
from supervision.core import limited
from supervision.core.timeutil import to_local
from supervision.dossiers import sections

PART_SIZE = 500  # rows per part of the timeline and of the audit trail


class _NoFetch(URLFetcher):
    def fetch(self, url, headers=None):
        raise ValueError(f"the dossier PDF loads no resources (asked for {url[:80]})")


@dataclass(frozen=True)
class Row:
    """One audit event as the PDF prints it."""

    seq: int
    head: str           # "#12 · 2026-05-01 10:28:03"
    text: str           # who, what, the state change and the reason
    hash: str
    transition: bool    # a workflow transition (it is on the timeline too)


def event_rows(events: Iterable[Any]) -> list[Row]:
    """The printed rows of ``events`` (rows with the audit event's columns), in order."""
    texts: dict[tuple, tuple[str, str]] = {}  # translated once per distinct kind of event
    rows = []
    for ev in events:
        key = (ev.action, ev.workflow, ev.trigger, ev.from_state, ev.to_state, ev.actor_roles)
        if key not in texts:
            t = describe(ev)
            what = t.transition or t.action
            if t.to_state:
                what += f" · {t.from_state or ''} → {t.to_state}"
            texts[key] = (what, f" ({t.roles})" if t.roles else "")
        what, roles = texts[key]
        reason = ev.reason or (json.loads(ev.details).get("comment") if ev.details else None)
        text = f"{ev.actor_email or '—'}{roles} · {what}"
        rows.append(Row(ev.seq, f"#{ev.seq} · {to_local(ev.created_at):%Y-%m-%d %H:%M:%S}",
                        f"{text} · {reason}" if reason else text, ev.hash, bool(ev.trigger)))
    return rows


def write_part(html: str, fonts: FontConfiguration | None = None) -> tuple[bytes, int]:
    """One part's PDF and its page count (in this process; no app needed)."""
    document = HTML(string=html, base_url="about:blank", url_fetcher=_NoFetch()).render(
        font_config=fonts or FontConfiguration())
    return document.write_pdf(), len(document.pages)


class _Parts:
    """Renders HTML parts with shared fonts; page numbers run on across the parts."""

    def __init__(self):
        self.fonts = FontConfiguration()
        self.pdfs: list[bytes] = []
        self.pages = 0

    def add(self, template: str, **context: Any) -> None:
        html = render_template(template, first_page=self.pages + 1, **context)
        config = current_app.config
        if config.get("PDF_RENDER_ISOLATED"):  # a child process with a time and memory limit
            pdf, pages = limited.run(write_part, html, seconds=config["PDF_RENDER_SECONDS"],
                                     memory_mb=config["PDF_RENDER_MEMORY_MB"])
        else:
            pdf, pages = write_part(html, self.fonts)
        self.pdfs.append(pdf)
        self.pages += pages

    def joined(self) -> bytes:
        if len(self.pdfs) == 1:
            return self.pdfs[0]
        writer = PdfWriter()
        for part in self.pdfs:
            writer.append(io.BytesIO(part))
        self.pdfs.clear()
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _chunks(rows: Sequence[Row]) -> list[Sequence[Row]]:
    return [rows[i:i + PART_SIZE] for i in range(0, len(rows), PART_SIZE)]


def render(*, case, summary, events, documents, decisions, checkpoint, wf,
           progress: Callable[[float], None] = lambda f: None) -> bytes:
    rows = event_rows(events)
    timeline = [r for r in rows if r.transition]
    parts = _Parts()
    parts.add("dossiers/pdf_summary.html", case=case, summary=summary, wf=wf, checkpoint=checkpoint,
              documents=[d["meta"] for d in documents], decisions=[d["meta"] for d in decisions],
              facts=sections.rows_for(case), event_count=len(rows),
              transition_count=len(timeline))
    series = [("dossiers/pdf_timeline.html", _chunks(timeline)),
              ("dossiers/pdf_trail.html", _chunks(rows) or [[]])]
    total, done = sum(len(chunks) for _, chunks in series), 0
    for template, chunks in series:
        for n, chunk in enumerate(chunks, start=1):
            parts.add(template, case=case, rows=chunk, part=n, parts=len(chunks))
            done += 1
            progress(done / total)
    return parts.joined()
