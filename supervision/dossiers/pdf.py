"""The dossier's readable PDF: summary, parties, timeline, decisions, documents, audit trail.

A long audit trail is rendered in parts of ``PART_SIZE`` events and the parts are joined with
pypdf, so memory and layout time stay bounded (STACK trap 4).  The dossier needs no images or
stylesheets from outside, so the URL fetcher refuses everything (trap 7).
"""
from __future__ import annotations

import io
import json
from typing import Any, Callable

from flask import render_template
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from supervision.audit.labels import describe
from supervision.dossiers import sections

PART_SIZE = 250


class _NoFetch(URLFetcher):
    def fetch(self, url, headers=None):
        raise ValueError(f"the dossier PDF loads no resources (asked for {url[:80]})")


def _html_to_pdf(html: str) -> tuple[bytes, int]:
    document = HTML(string=html, base_url="about:blank", url_fetcher=_NoFetch()).render()
    return document.write_pdf(), len(document.pages)


def _event_rows(events) -> list[dict[str, Any]]:
    rows = []
    for ev in events:
        text = describe(ev)
        details = json.loads(ev.details) if ev.details else {}
        rows.append({"seq": ev.seq, "at": ev.created_at, "actor": ev.actor_email or "—",
                     "roles": text.roles, "action": text.action, "transition": text.transition,
                     "from_state": text.from_state, "to_state": text.to_state,
                     "reason": ev.reason or details.get("comment"), "hash": ev.hash,
                     "is_transition": bool(ev.trigger)})
    return rows


def render(*, case, summary, events, documents, decisions, checkpoint, wf,
           progress: Callable[[float], None] = lambda f: None) -> bytes:
    rows = _event_rows(events)
    summary_pdf, pages = _html_to_pdf(render_template(
        "dossiers/pdf_summary.html", case=case, summary=summary, wf=wf, checkpoint=checkpoint,
        timeline=[r for r in rows if r["is_transition"]],
        documents=[d["meta"] for d in documents], decisions=[d["meta"] for d in decisions],
        facts=sections.rows_for(case), event_count=len(rows), first_page=1))
    parts = [summary_pdf]
    chunks = [rows[i:i + PART_SIZE] for i in range(0, len(rows), PART_SIZE)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        # Page numbers run on across the parts once they are joined.
        part, count = _html_to_pdf(render_template(
            "dossiers/pdf_trail.html", case=case, events=chunk, part=n, parts=len(chunks),
            first_page=pages + 1))
        parts.append(part)
        pages += count
        progress(n / len(chunks))
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
