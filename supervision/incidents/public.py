"""The public register's incident section: closed incidents of severity 1-2 that the officer
chose to publish — the case number, the firm, when, the severity, the officer's summary and the
measures ordered.  Nothing else of the report (no people, places, units or personal data)."""
from __future__ import annotations

from typing import Any, Mapping

from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.cases.queries import Listing, paged_listing
from supervision.cases.types import RegisterArgsError, RegisterSection
from supervision.core.i18n import label, pick
from supervision.extensions import db
from supervision.incidents.models import Incident
from workflows.base import N_

PAGE_SIZE = 50
COLUMNS = (("number", N_("Case number")), ("firm", N_("Firm")), ("occurred_on", N_("Date")),
           ("severity", N_("Severity")), ("summary", N_("Summary")), ("measures", N_("Measures taken")),
           ("closed_on", N_("Closed on")))


def _query(args: Mapping[str, str]):
    q = (args.get("q") or "").strip()
    if len(q) > 100:
        raise RegisterArgsError(label(N_("The search text is too long.")))
    stmt = (db.select(Case.number, Organisation.name_zh, Organisation.name_en, Incident.occurred_at,
                      Incident.severity, Incident.public_summary, Incident.public_measures, Incident.closed_on)
            .join(Incident, Incident.case_id == Case.id)
            .join(Organisation, Organisation.id == Case.firm_id)
            .where(Case.case_type == "incident", Case.state == "closed", Incident.published.is_(True),
                   Incident.severity <= 2))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Incident.public_summary.ilike(like) | Organisation.name_zh.ilike(like)
                          | Organisation.name_en.ilike(like) | Case.number.ilike(like))
    return stmt


def _row(r) -> dict[str, Any]:
    from supervision.core.timeutil import local_date

    return {"number": r.number, "firm": pick(r.name_zh, r.name_en),
            "occurred_on": local_date(r.occurred_at).isoformat(), "severity": r.severity,
            "summary": r.public_summary, "measures": "; ".join(m for m in r.public_measures.splitlines() if m),
            "closed_on": r.closed_on.isoformat() if r.closed_on else None}


def listing(args: Mapping[str, str], page: int) -> Listing:
    return paged_listing(_query(args), page, order_by=Case.id.desc(), row=_row, page_size=PAGE_SIZE)


REGISTER_SECTIONS = (RegisterSection("incidents", N_("Incidents closed after remediation (severity 1-2)"), listing,
                                     columns=COLUMNS, link_args=("q",)),)
