"""The public register's sandbox section: projects admitted, in test and exited — name, firm,
scenario, period, status; nothing confidential (no units, areas, positions or plans)."""
from __future__ import annotations

import csv
import functools
import io
from typing import Any, Mapping

from flask import Response

from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.cases.queries import Listing, paged_listing
from supervision.cases.types import RegisterArgsError, RegisterSection
from supervision.core.i18n import label, pick
from supervision.extensions import db
from supervision.sandbox.models import ConditionSet, SandboxTest
from workflows.base import N_
from workflows.sandbox import PUBLIC, SANDBOX

PAGE_SIZE = 50
COLUMNS = (("number", N_("Case number")), ("name", N_("Project")), ("firm", N_("Firm")),
           ("scenario", N_("Scenario")), ("period_start", N_("Test from")), ("period_end", N_("Test until")),
           ("status", N_("Status")))


def _query(args: Mapping[str, str]):
    q = (args.get("q") or "").strip()
    if len(q) > 100:
        raise RegisterArgsError(label(N_("The search text is too long.")))
    latest = (db.select(ConditionSet.test_id, db.func.max(ConditionSet.version).label("v"))
              .group_by(ConditionSet.test_id).subquery())
    stmt = (db.select(Case.number, Case.title, Case.state, Organisation.name_zh, Organisation.name_en,
                      SandboxTest.scenarios, ConditionSet.period_start, ConditionSet.period_end)
            .join(SandboxTest, SandboxTest.case_id == Case.id)
            .join(Organisation, Organisation.id == Case.firm_id)
            .join(latest, latest.c.test_id == SandboxTest.id)
            .join(ConditionSet, (ConditionSet.test_id == SandboxTest.id) & (ConditionSet.version == latest.c.v))
            .where(Case.case_type == "sandbox", Case.state.in_(SANDBOX.tagged(PUBLIC))))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Case.title.ilike(like) | Organisation.name_zh.ilike(like)
                          | Organisation.name_en.ilike(like) | Case.number.ilike(like))
    return stmt


def _row(r) -> dict[str, Any]:
    return {"number": r.number, "name": r.title, "firm": pick(r.name_zh, r.name_en), "scenario": r.scenarios,
            "period_start": r.period_start.isoformat(), "period_end": r.period_end.isoformat(), "status": r.state}


def listing(args: Mapping[str, str], page: int) -> Listing:
    return paged_listing(_query(args), page, order_by=Case.id.desc(), row=_row, page_size=PAGE_SIZE)


def as_csv(args: Mapping[str, str]) -> Response:
    """Every entry of the section as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _ in COLUMNS])
    for r in db.session.execute(_query(args).order_by(Case.id.desc()).limit(100_000)).all():
        writer.writerow([_row(r)[key] for key, _ in COLUMNS])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=sandbox-register.csv"})


def _shown(key: str, value: Any) -> str:
    return label(SANDBOX.state_label(value)) if key == "status" else str(value)


@functools.cache
def _public_conditions():
    """The conditions in force of the tests on the register, newest test first.  Built once:
    every public unit page runs it, and building it anew cost more than running it."""
    latest = (db.select(ConditionSet.test_id, db.func.max(ConditionSet.version).label("v"))
              .group_by(ConditionSet.test_id).subquery())
    return (db.select(Case.number, Case.title, Case.state, ConditionSet.unit_codes, ConditionSet.period_start,
                      ConditionSet.period_end)
            .join(SandboxTest, SandboxTest.case_id == Case.id)
            .join(latest, latest.c.test_id == SandboxTest.id)
            .join(ConditionSet, (ConditionSet.test_id == SandboxTest.id) & (ConditionSet.version == latest.c.v))
            .where(Case.case_type == "sandbox", Case.state.in_(SANDBOX.tagged(PUBLIC)))
            .order_by(Case.id.desc()))


def unit_status(unit) -> dict[str, Any] | None:
    """What a unit's public page says of the sandbox test it is admitted to (the conditions in
    force list its code), if that test is on the register; None otherwise.  A few public tests
    at most, so their conditions are read and matched here."""
    rows = db.session.execute(_public_conditions()).all()
    for r in rows:
        if unit.code in (r.unit_codes or ()):
            return {"case": r.number, "project": r.title, "status": r.state,
                    "statusLabel": label(SANDBOX.state_label(r.state)),
                    "periodStart": r.period_start.isoformat(), "periodEnd": r.period_end.isoformat()}
    return None


REGISTER_SECTIONS = (RegisterSection("sandbox", N_("Sandbox projects admitted, in test and exited"), listing,
                                     columns=COLUMNS, link_args=("q",), display=_shown),)
