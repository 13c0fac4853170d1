"""Sandbox services: the application (draft, areas, what is missing), the facts the table's
guards read, the effects of its triggers (conditions, due reports, changes, the exit) and the
links to registration.  Everything flushes; the caller's unit of work commits."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from shapely.geometry import shape

from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.cases.models import Case, Deadline
from supervision.cases.types import Firing
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.geo.models import ProhibitedZone
from supervision.geo.validate import as_geojson, parse_area
from supervision.sandbox.models import ChangeRequest, ConditionSet, SandboxArea, SandboxReport, SandboxTest
from workflows.base import N_

CASE_TYPE = "sandbox"
REPORT_ITEM, PERIOD_END, PERIOD_START = "report", "period_end", "period_start"

# The application's fields the firm must fill before submitting: field -> N_-marked label.
REQUIRED = {
    "model_name": N_("Robot model"),
    "intelligence_level": N_("Intelligence level"),
    "scenarios": N_("Scenarios"),
    "sites": N_("Sites"),
    "units_requested": N_("Number of units"),
    "unit_codes": N_("Unit codes to be tested"),
    "period_start": N_("Start of the test period"),
    "period_end": N_("End of the test period"),
    "supervision_ratio": N_("Human supervision ratio"),
    "emergency_stop": N_("Emergency stop"),
    "remote_takeover": N_("Remote takeover"),
    "insurance_document_id": N_("Insurance evidence (Art. 32)"),
    "data_protection_plan": N_("Data-protection plan (Art. 45)"),
    "ethics_assessment": N_("Ethics self-assessment (Art. 44)"),
    "reporting_cadence_days": N_("Reporting cadence"),
    "areas": N_("At least one allowed area"),
}
EDITABLE_FIELDS = tuple(k for k in REQUIRED if k != "areas")


class Refused(Exception):
    """A sandbox action the firm or officer may not take; ``msgid`` (N_-marked) says why."""

    def __init__(self, msgid: str, **params: Any):
        super().__init__(msgid % params if params else msgid)
        self.msgid, self.params = msgid, params


def test_of(case: Case) -> SandboxTest | None:
    return db.session.execute(db.select(SandboxTest).filter_by(case_id=case.id)).scalar()


def active_areas(test: SandboxTest) -> list[SandboxArea]:
    return [a for a in test.areas if a.removed_at is None]


def missing_fields(test: SandboxTest) -> list[str]:
    """The required fields still empty (their N_-marked labels), in form order."""
    out = []
    for name, text in REQUIRED.items():
        if name == "areas":
            empty = not active_areas(test)
        elif name in ("emergency_stop", "remote_takeover"):
            empty = not getattr(test, name)
        else:
            value = getattr(test, name)
            empty = value is None or value == "" or value == []
        if empty:
            out.append(text)
    return out


# -- the application -----------------------------------------------------------------------


def open_application(*, firm_id: int, actor, department_id: int, title: str,
                     prefill: dict[str, Any] | None = None, referral_case: Case | None = None) -> SandboxTest:
    """A draft sandbox application of ``firm_id`` (pre-filled from a model, or a referral)."""
    case = cases.create_case(case_type=CASE_TYPE, title=title, department_id=department_id,
                             actor=actor, firm_id=firm_id)
    test = SandboxTest(case_id=case.id, firm_id=firm_id, unit_codes=[],
                       referral_case_id=referral_case.id if referral_case is not None else None,
                       **(prefill or {}))
    db.session.add(test)
    db.session.flush()
    if referral_case is not None:
        cases.link_cases(referral_case, case, relation="opened", actor=actor,
                         reason="tier-4 referral to the sandbox")
    return test


def save_application(test: SandboxTest, *, actor, values: dict[str, Any]) -> list[str]:
    """Save the draft (whatever is filled in); one audit event naming the changed fields.
    Returns what is still missing."""
    if not is_editable(test):
        raise Refused(N_("The application can no longer be changed."))
    changed = []
    for name in EDITABLE_FIELDS:
        if name in values and getattr(test, name) != values[name]:
            setattr(test, name, values[name])
            changed.append(name)
    codes = test.unit_codes or []
    if test.units_requested is not None and len(codes) > test.units_requested:
        raise Refused(N_("More unit codes than units applied for (%(n)s)."), n=test.units_requested)
    db.session.flush()
    if changed:
        record("sandbox.application_save", actor=actor, case=test.case, object_type="sandbox_test",
               object_id=test.id, details={"fields": changed})
    return missing_fields(test)


def is_editable(test: SandboxTest) -> bool:
    from workflows.sandbox import EDITABLE, SANDBOX

    return EDITABLE in SANDBOX.states[test.case.state].tags


def add_area(test: SandboxTest, geojson: Any, *, actor, label: str = "") -> SandboxArea:
    """Validate ``geojson`` (``GeometryInvalid`` lists the problems) and add it as an allowed area."""
    if not is_editable(test):
        raise Refused(N_("The application can no longer be changed."))
    area = SandboxArea(test_id=test.id, label=label[:200], geometry=as_geojson(parse_area(geojson)))
    db.session.add(area)
    db.session.flush()
    db.session.refresh(test, ["areas"])
    record("sandbox.area_add", actor=actor, case=test.case, object_type="sandbox_area", object_id=area.id,
           details={"label": label[:200], "polygons": len(area.geometry["coordinates"])})
    return area


def remove_area(test: SandboxTest, area: SandboxArea, *, actor) -> None:
    if not is_editable(test):
        raise Refused(N_("The application can no longer be changed."))
    area.removed_at = utcnow()
    db.session.flush()
    record("sandbox.area_remove", actor=actor, case=test.case, object_type="sandbox_area", object_id=area.id)


def zone_overlaps(test: SandboxTest) -> list[tuple[ProhibitedZone, dict]]:
    """Prohibited zones valid during the test period that overlap an allowed area, with the overlap."""
    start = dt.datetime.combine(test.period_start or local_today(), dt.time())
    zones = db.session.execute(db.select(ProhibitedZone).where(
        (ProhibitedZone.valid_to.is_(None)) | (ProhibitedZone.valid_to > start))).scalars().all()
    out = []
    for area in active_areas(test):
        a = shape(area.geometry)
        for zone in zones:
            overlap = a.intersection(shape(zone.geometry))
            if not overlap.is_empty and overlap.area > 0:
                out.append((zone, overlap.__geo_interface__))
    return out


# -- facts and effects (the case type's hooks) -----------------------------------------------


def facts(case: Case, actor: Any) -> dict[str, Any]:
    test = test_of(case)
    since_notice = cases.triggers_since(case, since=("notice_rejection", "notice_suspension", "notice_termination"))
    fired = cases.triggers_since(case)
    out: dict[str, Any] = {
        "statement_filed": "file_statement" in since_notice,
        "experts_done": "experts_done" in fired,
        "opinions_missing": _opinions_missing(case),
    }
    if test is None:
        return out
    today = local_today()
    conditions = current_conditions(test)
    end = conditions.period_end if conditions else test.period_end
    out.update({
        "missing_fields": missing_fields(test),
        "conditions_missing": bool(missing_fields(test)),
        "period_begun": test.period_start is not None and today >= test.period_start,
        "period_over": end is not None and today > end,
        "change_pending": pending_change(test) is not None,
    })
    return out


def _opinions_missing(case: Case) -> bool:
    """Whether an expert drawn for the case has not given an opinion yet."""
    from supervision.experts.models import ExpertOpinion

    drawn = {r.user_id for r in cases.roles_on(case, role="expert")}
    if not drawn:
        return False
    given = set(db.session.execute(db.select(ExpertOpinion.expert_user_id).where(
        ExpertOpinion.case_id == case.id)).scalars())
    return not drawn <= given


def current_conditions(test: SandboxTest) -> ConditionSet | None:
    return db.session.execute(db.select(ConditionSet).filter_by(test_id=test.id)
                              .order_by(ConditionSet.version.desc()).limit(1)).scalar()


def condition_history(test: SandboxTest) -> list[ConditionSet]:
    return list(db.session.execute(db.select(ConditionSet).filter_by(test_id=test.id)
                                   .order_by(ConditionSet.version)).scalars())


def pending_change(test: SandboxTest) -> ChangeRequest | None:
    return db.session.execute(db.select(ChangeRequest).filter_by(test_id=test.id, status="pending")).scalar()


def _config(name: str) -> Any:
    return current_app.config["SANDBOX"][name]


def _admit(case: Case, actor: Any, firing: Firing) -> None:
    """The admission sets the conditions (version 1) and the day the test may start."""
    test = test_of(case)
    cs = ConditionSet(test_id=test.id, version=1, source="admission", period_start=test.period_start,
                      period_end=test.period_end, unit_codes=list(test.unit_codes),
                      area_ids=[a.id for a in active_areas(test)],
                      safeguards=_safeguards(test), reporting_cadence_days=test.reporting_cadence_days,
                      incident_report_hours=_config("incident_report_hours"),
                      pause_condition=_config("pause_condition"), decided_by_id=actor.id)
    db.session.add(cs)
    db.session.flush()
    if test.model_id is not None:  # the model's code, bounded by the units admitted (units register)
        from supervision.registry.models import RobotModel
        from supervision.units.services import assign_model_code

        assign_model_code(db.session.get(RobotModel, test.model_id), actor=actor, source="sandbox",
                          unit_limit=len(test.unit_codes) or test.units_requested)
    clocks.add_due_item(case, name=PERIOD_START, kind="other", actor=actor, label=N_("Start of the test period"),
                        due_at=test.period_start, on_expiry="start")


def _safeguards(test: SandboxTest) -> str:
    parts = [f"supervision ratio {test.supervision_ratio}"]
    if test.emergency_stop:
        parts.append("emergency stop")
    if test.remote_takeover:
        parts.append("remote takeover")
    return "; ".join(parts)


def _next_report_due(test: SandboxTest, after: dt.date) -> dt.date:
    cs = current_conditions(test)
    return after + dt.timedelta(days=(cs.reporting_cadence_days if cs else test.reporting_cadence_days) or 30)


def _start(case: Case, actor: Any, firing: Firing) -> None:
    """The test runs: the first report falls due, the period's end is set."""
    test = test_of(case)
    cs = current_conditions(test)
    clocks.close(case, PERIOD_START, actor=actor)
    _report_due(case, test, _next_report_due(test, max(local_today(), cs.period_start)), actor)
    clocks.add_due_item(case, name=PERIOD_END, kind="other", actor=actor, label=N_("End of the test period"),
                        due_at=cs.period_end, on_expiry="end")


def _report_due(case: Case, test: SandboxTest, due: dt.date, actor: Any) -> Deadline:
    return clocks.add_due_item(case, name=REPORT_ITEM, kind="report", actor=actor,
                               label=N_("Periodic report"), due_at=due)


def _report(case: Case, actor: Any, firing: Firing, *, final: bool = False) -> None:
    test = test_of(case)
    due = clocks.find(case, REPORT_ITEM)
    doc = firing.inputs.get("document")
    db.session.add(SandboxReport(test_id=test.id, due_date=due.due_date if due else None, final=final,
                                 summary=str(firing.inputs.get("summary") or ""),
                                 document_id=getattr(doc, "id", None), submitted_by_id=actor.id if
                                 getattr(actor, "is_authenticated", False) else None))
    if due is not None:
        clocks.close(case, REPORT_ITEM, actor=actor)
    if not final:
        _report_due(case, test, _next_report_due(test, due.due_date if due else local_today()), actor)


def _end(case: Case, actor: Any, firing: Firing) -> None:
    if firing.inputs.get("summary"):
        _report(case, actor, firing, final=True)
    else:
        clocks.close(case, REPORT_ITEM, actor=actor, status="cancelled")
    clocks.close(case, PERIOD_END, actor=actor, status="cancelled")


def _request_change(case: Case, actor: Any, firing: Firing) -> None:
    test = test_of(case)
    new_end = firing.inputs.get("new_end")
    if isinstance(new_end, str) and new_end:
        new_end = dt.date.fromisoformat(new_end)
    db.session.add(ChangeRequest(test_id=test.id, kind=firing.inputs["change_kind"], new_end=new_end or None,
                                 comment=str(firing.inputs.get("comment") or ""), requested_by_id=actor.id))


def _decide_change(granted: bool):
    def effect(case: Case, actor: Any, firing: Firing) -> None:
        test = test_of(case)
        req = pending_change(test)
        req.status, req.decided_by_id, req.decided_at = ("granted" if granted else "refused"), actor.id, utcnow()
        if not granted:
            return
        old = current_conditions(test)
        cs = ConditionSet(
            test_id=test.id, version=old.version + 1, source=req.kind, period_start=old.period_start,
            period_end=req.new_end or old.period_end, unit_codes=list(old.unit_codes),
            area_ids=list(old.area_ids), safeguards=old.safeguards + (f"; {req.comment}" if req.kind == "conditions"
                                                                       and req.comment else ""),
            reporting_cadence_days=old.reporting_cadence_days, incident_report_hours=old.incident_report_hours,
            pause_condition=old.pause_condition, decided_by_id=actor.id)
        db.session.add(cs)
        db.session.flush()
        if cs.period_end != old.period_end:
            clocks.add_due_item(case, name=PERIOD_END, kind="other", actor=actor,
                                label=N_("End of the test period"), due_at=cs.period_end, on_expiry="end")
    return effect


def _close_test(case: Case, actor: Any, firing: Firing) -> None:
    """A test that ended owes nothing more, and its breach episodes end with it."""
    from supervision.sandbox.models import BreachEpisode

    for name in (REPORT_ITEM, PERIOD_END, PERIOD_START):
        clocks.close(case, name, actor=actor, status="cancelled")
    db.session.execute(db.update(BreachEpisode).where(BreachEpisode.case_id == case.id,
                                                      BreachEpisode.closed_at.is_(None)).values(closed_at=utcnow()))


EFFECTS = {
    "approve_admission": (_admit,),
    "start": (_start,),
    "submit_report": (_report,),
    "end": (_end,),
    "request_change": (_request_change,),
    "grant_change": (_decide_change(True),),
    "refuse_change": (_decide_change(False),),
    "approve_termination": (_close_test,),
    "approve_exit": (_close_test,),
}


def application_from_referral(reg_case: Case, *, actor) -> SandboxTest:
    """The firm answers a tier-4 referral: a sandbox draft pre-filled from the referred model's
    version, linked to the registration case both ways (one per referral)."""
    from supervision.registry.services import referral_of, registration_of

    reg = registration_of(reg_case)
    if reg is None or referral_of(reg) is None:
        raise Refused(N_("This model was not referred to the sandbox."))
    existing = db.session.execute(db.select(SandboxTest).filter_by(referral_case_id=reg_case.id)).scalar()
    if existing is not None:
        return existing
    v = reg.version
    prefill = {"model_id": reg.model_id, "model_name": reg.model.name,
               "intelligence_level": v.intelligence_level, "scenarios": ", ".join(v.scenarios)}
    return open_application(firm_id=reg_case.firm_id, actor=actor, department_id=reg_case.department_id,
                            title=reg.model.name, prefill=prefill, referral_case=reg_case)


def referral_state(reg_case: Case) -> dict[str, Any]:
    """For a registration case's page: whether it was referred, and the sandbox draft it opened."""
    from supervision.registry.services import referral_of, registration_of

    reg = registration_of(reg_case) if reg_case.case_type == "registration" else None
    referred = reg is not None and referral_of(reg) is not None
    test = db.session.execute(db.select(SandboxTest).filter_by(referral_case_id=reg_case.id)).scalar() \
        if referred else None
    return {"referred": referred, "test": test}


# -- graduation: a registration application for the model --------------------------------


def open_registration(case: Case, *, actor) -> Case:
    """A graduated test's model gets a pre-filled registration draft, linked both ways."""
    from supervision.cases.models import CaseLink

    if case.state != "graduated":
        raise Refused(N_("Only a graduated test opens a registration application."))
    existing = db.session.execute(  # the registration it opened (a breach's incident is "opened" too)
        db.select(CaseLink).join(Case, Case.id == CaseLink.other_case_id)
        .where(CaseLink.case_id == case.id, CaseLink.relation == "opened", Case.case_type == "registration")).scalar()
    if existing is not None:
        return existing.other
    test = test_of(case)
    reg_case = _registration_draft(test, actor)
    cases.link_cases(case, reg_case, relation="opened", actor=actor, reason="graduation from the sandbox")
    return reg_case


def _registration_draft(test: SandboxTest, actor) -> Case:
    """A registration case for the tested model (a new model pre-filled from the test plan
    when the application named none)."""
    from supervision.registry import services as registry
    from supervision.registry.models import RobotModel

    model = db.session.get(RobotModel, test.model_id) if test.model_id else None
    if model is None:
        reg = registry.create_model(firm=test.case.firm, actor=actor, name=test.model_name,
                                    values={"intelligence_level": test.intelligence_level})
    else:
        reg = registry.open_case_of(model) or registry.start_application(model, actor=actor)
    return reg.case


def check_unit_codes(test: SandboxTest, codes: list[str]) -> list[str]:
    """Only the firm's own coded units (made or held by it) may be tested, at most the number
    applied for; codes are normalised as the units register writes them."""
    from supervision.units.codes import normalise
    from supervision.units.models import Unit

    codes = list(dict.fromkeys(normalise(c) for c in codes if c.strip()))
    if not codes:
        return codes
    mine = set(db.session.execute(db.select(Unit.code).where(
        Unit.code.in_(codes), (Unit.holder_id == test.firm_id) | (Unit.manufacturer_id == test.firm_id))).scalars())
    foreign = [c for c in codes if c not in mine]
    if foreign:
        raise Refused(N_("Not coded units of your firm: %(codes)s"), codes=", ".join(foreign[:10]))
    return codes
