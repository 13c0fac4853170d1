"""The public register's section ``measures``: market-access measures in public consultation,
passed and not passed, with their conclusions and review dates (``/register/measures``,
``/register.json?section=measures``).  Nothing confidential: no commenter, no internal note."""
from __future__ import annotations

from typing import Any, Mapping

from flask import url_for
from flask_babel import gettext as _

from supervision.cases.models import Case
from supervision.cases.queries import PAGE_SIZE, Listing, page_bounds
from supervision.cases.types import RegisterArgsError, RegisterSection
from supervision.core.timeutil import local_today
from supervision.assessments.models import Consultation, Measure
from supervision.decisions.models import Decision
from supervision.extensions import db
from workflows.assessment import ASSESSMENT, CONSULTATION
from workflows.base import N_

LISTED = (*ASSESSMENT.tagged(CONSULTATION), "passed", "not_passed", "recommendation_issued")
CONCLUSION_KINDS = ("assessment_passed", "assessment_not_passed")
STATUS = {"consultation": N_("Open for comments"), "passed": N_("Passed"), "not_passed": N_("Not passed")}


def _status(state: str) -> str:
    return "consultation" if state in ASSESSMENT.tagged(CONSULTATION) else \
        "not_passed" if state == "not_passed" else "passed"


def listing(args: Mapping[str, str], page: int) -> Listing:
    status = args.get("status") or ""
    if status and status not in STATUS:
        raise RegisterArgsError(_("Unknown status; use consultation, passed or not_passed."))
    states = {"consultation": ASSESSMENT.tagged(CONSULTATION), "passed": ("passed", "recommendation_issued"),
              "not_passed": ("not_passed",)}.get(status, LISTED)
    where = (Case.case_type == "assessment", Case.state.in_(states))
    total = db.session.execute(db.select(db.func.count(Case.id)).where(*where)).scalar_one()
    page, pages = page_bounds(total, page, PAGE_SIZE)
    cases = db.session.execute(db.select(Case).where(*where).order_by(Case.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    ids = [c.id for c in cases]
    measures = {m.case_id: m for m in db.session.execute(db.select(Measure).where(Measure.case_id.in_(ids))).scalars()}
    closes = dict(db.session.execute(db.select(Consultation.case_id, db.func.max(Consultation.closes_on))
                                     .where(Consultation.case_id.in_(ids)).group_by(Consultation.case_id)).all())
    numbers = dict(db.session.execute(db.select(Decision.case_id, Decision.number)
                                      .where(Decision.case_id.in_(ids), Decision.kind.in_(CONCLUSION_KINDS))).all())
    rows = []
    for c in cases:
        m = measures.get(c.id)
        rows.append(_row(c, m, closes.get(c.id), numbers.get(c.id)))
    return Listing(rows=rows, total=total, page=page, pages=pages, page_size=PAGE_SIZE)


def _row(case: Case, m: Measure | None, closes_on, conclusion_number) -> dict[str, Any]:
    review = m.review_date if m is not None else None
    return {
        "case_number": case.number, "title": case.title,
        "title_url": url_for("assessments.public_measure", case_id=case.id, _external=True) if closes_on else None,
        "status": _status(case.state),
        "consultation_closes_on": closes_on.isoformat() if closes_on else None,
        "conclusion": conclusion_number, "concluded_on": m.concluded_on.isoformat() if m and m.concluded_on else None,
        "review_date": review.isoformat() if review else None,
        "review_overdue": bool(review and review < local_today()),
    }


def _shown(key: str, value: Any) -> str:
    from supervision.core.i18n import label

    if key == "status":
        return label(STATUS.get(value, value))
    return str(value)


SECTION = RegisterSection(
    "measures", N_("Market-access measures (Art. 47 assessments)"), listing,
    columns=(("case_number", N_("Case number")), ("title", N_("Measure")), ("status", N_("Status")),
             ("consultation_closes_on", N_("Comments until")), ("conclusion", N_("Conclusion")),
             ("review_date", N_("Review date"))),
    link_args=("status",), display=_shown)
