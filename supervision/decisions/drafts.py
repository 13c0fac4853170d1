"""What an approver reads before approving: the proposer's reasons and the draft decision.

The draft is rendered from the same template and facts as the decision the approval would
issue, with "草稿 DRAFT" and the facts hash printed in the page margins; it is neither
numbered, signed nor stored.  The case page hands the same hash to the approve form, and the
engine refuses the approval when the facts have changed since (``cases.services.fire``'s
``previewed_facts``): what is signed is what was read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale
from markupsafe import escape

from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core import limited
from supervision.decisions import kinds as kind_config
from supervision.decisions import render
from supervision.decisions.services import DecisionError, document_facts, facts_sha256, render_decision_html
from supervision.extensions import db
from workflows.base import APPROVAL, N_, PROPOSAL

DRAFT_MARK = "草稿 DRAFT"
# What the draft's QR code and verification address carry: nothing issued answers to it.
DRAFT_MARKER = "draft"


@dataclass(frozen=True)
class Proposal:
    """The proposal an approver decides: who made it, when and with what reasons."""

    by: str
    at: dt.datetime
    label: str            # the proposal's action (N_-marked)
    reasons: str | None


@dataclass(frozen=True)
class Draft:
    """The decisions one approval trigger would issue, on the facts with this hash."""

    trigger: str
    kinds: tuple[kind_config.DecisionKind, ...]
    facts_sha256: str


def proposal_of(case: Case) -> Proposal | None:
    """The pending proposal's event (the latest proposal firing), if the case holds one."""
    if not case.proposal:
        return None
    wf = cases.workflow_of(case)
    triggers = sorted({tr.trigger for tr in wf.transitions if tr.kind == PROPOSAL})
    ev = db.session.execute(
        db.select(AuditEvent.trigger, AuditEvent.from_state, AuditEvent.created_at, AuditEvent.reason,
                  AuditEvent.actor_id, AuditEvent.actor_email)
        .where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(triggers))
        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if ev is None:
        return None
    who = db.session.get(User, ev.actor_id) if ev.actor_id else None
    rows = wf.rows(ev.from_state or "", ev.trigger)
    return Proposal(who.name if who else (ev.actor_email or ""), ev.created_at,
                    rows[0].label if rows else ev.trigger, ev.reason)


def _kinds_for(case: Case, trigger: str, actor) -> tuple[kind_config.DecisionKind, ...]:
    """The decisions firing ``trigger`` would issue; for an approval that leads to a public
    notice first (nothing issued yet), the decision proposed."""
    ct = cases.case_type_of(case)
    row = cases.workflow_of(case).route(case.state, trigger, cases.context_for(case, actor))
    if row is None:
        return ()
    kinds = tuple(k for k in ct.decision_kinds if k.issued_by(trigger, row.dest))
    return kinds or tuple(k for k in ct.decision_kinds if k.key == case.proposal)


def drafts(case: Case, actor, actions) -> dict[str, Draft]:
    """For each approval among ``actions`` (the page's (transition, refusals) pairs) that the
    actor may fire now and that issues a decision: its draft."""
    out: dict[str, Draft] = {}
    digest = None
    for tr, refusals in actions:
        if tr.kind != APPROVAL or refusals:
            continue
        kinds = _kinds_for(case, tr.trigger, actor)
        if kinds:
            digest = digest or facts_sha256(case)
            out[tr.trigger] = Draft(tr.trigger, kinds, digest)
    return out


def _firing(case: Case, trigger: str, actor):
    from supervision.cases.types import Firing

    ctx = cases.context_for(case, actor)
    row = cases.workflow_of(case).route(case.state, trigger, ctx)
    return Firing(trigger, case.state, row.dest if row else case.state, {}, ctx.facts)


def _marked(html: str, *, facts: str, language: str) -> str:
    """The decision's HTML with the draft mark in the top margin and the facts hash in the
    bottom one, on every page (margin boxes: the body's layout is the decision's own)."""
    note = "未签发，不得作为正式文书使用" if language != "en" else "not issued, not valid as a decision"
    css = (
        "@page { @top-center { content: \"%s · %s\"; color: #d40000; font-size: 14pt; font-weight: bold;"
        " vertical-align: middle; }"
        " @bottom-center { content: \"facts sha256 %s\"; font-size: 7pt; color: #555; vertical-align: middle; } }"
        % (DRAFT_MARK, escape(note), facts))
    head, sep, tail = html.partition("</style>")
    return head + css + sep + tail if sep else html


def render_draft(case: Case, kind_key: str, *, actor, trigger: str, language: str = "zh") -> tuple[bytes, str]:
    """The draft decision of ``kind_key`` as a marked PDF, and the facts hash it shows."""
    kind = kind_config.get(kind_key)
    facts = facts_sha256(case)
    number = "（草稿）" if language != "en" else "(draft)"
    with force_locale(language):
        html = render_decision_html(case, kind.key, number=number, token=DRAFT_MARKER, language=language,
                                    facts=document_facts(kind, case, _firing(case, trigger, actor)))
    try:
        rendered = render.render_pdf(_marked(html, facts=facts, language=language))
    except limited.LimitExceeded:
        raise DecisionError(N_("The decision's document could not be rendered within the time and memory "
                               "allowed: shorten the texts it prints and try again.")) from None
    return rendered.pdf, facts
