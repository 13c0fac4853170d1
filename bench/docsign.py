"""The one-page decision figure: the app's render + sign beside a bare WeasyPrint + pyHanko run.

Three sides, measured in turn in every round (their order rotates), after warm-up rounds:

* **app**: ``decisions.render.render_pdf`` (restricted URL fetcher, seal-box lookup) on the real
  HTML of an acceptance notice (受理通知书, ``services.render_decision_html`` of a submitted
  case: GB/T 9704 layout, QR code, page-number footer), then ``decisions.signing.sign_pdf``
  (PAdES B-B by the department's key, red visible seal with glyph outlines of Noto Serif CJK SC Bold);
* **bare**: the same visible text as plain paragraphs (title and authority in bold) in Noto Serif
  CJK SC on one A4 page, ``weasyprint.HTML(string=...).write_pdf()``, then
  ``pyhanko.sign.signers.sign_pdf`` with a ``SimpleSigner`` loaded once from the same key and
  certificate files, PAdES, **no visible stamp**;
* **issue**: the whole ``services.issue_decision`` (gap-free number, snapshot hash, HTML with
  QR code, render, sign, store the PDF, Document + Decision rows, audit event, commit).
"""
from __future__ import annotations

import io
import math
import secrets
import statistics
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

KIND = "acceptance"
# A4 with the decision's margins; a smaller size than the decision's 16pt so that the same text
# fits on one page (the decision's own closing block moves to a second page).
BARE_CSS = ("@page { size: A4; margin: 37mm 26mm 35mm 28mm } "
            "html { font-family: 'Noto Serif CJK SC'; font-size: 12pt; line-height: 20pt } "
            "p { margin: 0 0 4pt } b { display: block; text-align: center; font-size: 18pt; margin: 8pt 0 }")


class _Text(HTMLParser):
    """The visible text blocks of a decision's HTML; bold where the document prints it bold."""

    BLOCKS = {"div", "p", "h1", "h2", "li", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[bool, str]] = []
        self.skip = 0
        self.bold: list[bool] = []
        self.buf: list[str] = []

    def _flush(self) -> None:
        text = "".join(self.buf).strip()
        if text:
            self.blocks.append((any(self.bold), text))
        self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "svg", "title"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self._flush()
            if tag != "hr":
                self.bold.append(tag in ("h1", "h2") or "authority-mark" in (dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        if tag in ("style", "svg", "title"):
            self.skip -= 1
        elif tag in self.BLOCKS and tag != "hr":
            self._flush()
            if self.bold:
                self.bold.pop()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def bare_html(decision_html: str) -> str:
    """A minimal one-page HTML with the decision's own text (so the same glyphs are embedded)."""
    from html import escape

    parser = _Text()
    parser.feed(decision_html)
    parser.close()
    body = "".join(f"<b>{escape(t)}</b>" if bold else f"<p>{escape(t)}</p>" for bold, t in parser.blocks)
    return f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>{BARE_CSS}</style><body>{body}</body></html>'


def bare_signer(department):
    """A pyHanko ``SimpleSigner`` from the department's key and certificate files."""
    from pyhanko.sign import signers

    from supervision.decisions import signing

    folder = signing.key_dir()
    return signers.SimpleSigner.load(str(folder / f"dept-{department.id}.key.pem"),
                                     str(folder / f"dept-{department.id}.cert.pem"),
                                     ca_chain_files=(str(signing.ca_cert_path()),))


def bare_sign(pdf: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name="Signature", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def stats(values_s: list[float]) -> dict[str, float]:
    """Median and p90 (nearest rank) in milliseconds."""
    ordered = sorted(values_s)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {"median_ms": round(statistics.median(ordered) * 1000, 1), "p90_ms": round(p90 * 1000, 1),
            "n": len(ordered)}


def fonts(path: Path) -> list[str]:
    """Fonts ``pdffonts`` finds (pages and annotation appearances), with whether embedded."""
    try:
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ["(pdffonts not available)"]
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 5:
            emb = parts[-5] if len(parts) >= 7 else "?"
            rows.append(f"{parts[0]} ({'embedded' if emb == 'yes' else 'NOT embedded'})")
    return sorted(set(rows))


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(people, case, *, rounds: int, warmup: int, out: Path) -> dict[str, Any]:
    """Run the three sides ``warmup + rounds`` times; the figures cover the last ``rounds``."""
    import datetime as dt

    from weasyprint import HTML

    from supervision.core import uow
    from supervision.core.timeutil import SHANGHAI
    from supervision.cases.types import Firing
    from supervision.decisions import kinds, render, services, signing

    officer, department = people.officers[0], people.department
    kind = kinds.get(KIND)
    facts = services.document_facts(kind, case, Firing("accept", "submitted", "accepted", {}, {}))
    day = dt.datetime.now(SHANGHAI).date()
    number = services.format_number(kind.number_pattern.format(dept=department.doc_prefix), day.year, 1)
    html = services.render_decision_html(case, KIND, number=number, token=secrets.token_urlsafe(24),
                                         language="zh", day=day, facts=facts)
    plain = bare_html(html)
    stamp = signing.StampText(authority=department.name_zh)
    signer = bare_signer(department)
    times: dict[str, list[float]] = {k: [] for k in ("app_render", "app_sign", "app_total",
                                                     "bare_render", "bare_sign", "bare_total", "issue")}
    samples: dict[str, Any] = {}  # the last PDF of each side, kept as a sample

    def app() -> list[float]:
        t0 = time.perf_counter()
        rendered = render.render_pdf(html)
        t1 = time.perf_counter()
        samples["app"] = signing.sign_pdf(rendered.pdf, department=department, box=rendered.seal_box,
                                          stamp=stamp, reason=f"{kind.title_zh} {number}")
        t2 = time.perf_counter()
        return [t1 - t0, t2 - t1, t2 - t0]

    def bare() -> list[float]:
        t0 = time.perf_counter()
        pdf = HTML(string=plain).write_pdf()
        t1 = time.perf_counter()
        samples["bare"] = bare_sign(pdf, signer)
        t2 = time.perf_counter()
        return [t1 - t0, t2 - t1, t2 - t0]

    def issue() -> list[float]:
        t0 = time.perf_counter()
        with uow.unit_of_work():
            decision = services.issue_decision(case, KIND, actor=officer, facts=facts)
        elapsed = time.perf_counter() - t0
        samples["issue_id"] = decision.id
        return [elapsed]

    sides = [("app", app, ("app_render", "app_sign", "app_total")),
             ("bare", bare, ("bare_render", "bare_sign", "bare_total")),
             ("issue", issue, ("issue",))]
    for i in range(warmup + rounds):
        shift = i % len(sides)
        for _name, fn, keys in sides[shift:] + sides[:shift]:
            values = fn()
            if i >= warmup:
                for key, value in zip(keys, values):
                    times[key].append(value)

    from supervision.decisions.models import Decision
    from supervision.documents import storage
    from supervision.extensions import db

    issued = db.session.get(Decision, samples["issue_id"])
    samples["issue"] = storage.read(issued.pdf_sha256)
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {k: stats(v) for k, v in times.items()}
    for side in ("app", "bare", "issue"):
        path = out / f"decision-{side}.pdf"
        path.write_bytes(samples[side])
        check = signing.validate(samples[side])
        result[f"{side}_pdf"] = {"path": str(path), "bytes": len(samples[side]), "pages": pages(samples[side]),
                                 "fonts": fonts(path), "signature_valid": check.valid,
                                 "signature_problem": check.problem}
    (out / "decision-app.html").write_text(html)
    (out / "decision-bare.html").write_text(plain)
    result["ratio_render_sign"] = round(result["app_total"]["median_ms"] / result["bare_total"]["median_ms"], 2)
    result["ratio_render"] = round(result["app_render"]["median_ms"] / result["bare_render"]["median_ms"], 2)
    result["ratio_sign"] = round(result["app_sign"]["median_ms"] / result["bare_sign"]["median_ms"], 2)
    # Each round measures both sides within a second of each other: the median of the per-round
    # ratios is less sensitive to the machine's load drifting during the run.
    result["ratio_paired"] = round(statistics.median(
        a / b for a, b in zip(times["app_total"], times["bare_total"])), 2)
    result["ratio_issue"] = round(result["issue"]["median_ms"] / result["bare_total"]["median_ms"], 2)
    result["aim_met"] = result["ratio_render_sign"] <= 1.2
    result.update(kind=KIND, rounds=rounds, warmup=warmup)
    return result
