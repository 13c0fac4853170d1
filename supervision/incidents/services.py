"""Incident services: the report (by a firm, a regulator, or a fence breach), the report clocks
by severity, the reports the firm files against them, the facts and effects of the table, and
the actions on a linked sandbox test or registration (fired through that case's own table).
Everything flushes; the caller's unit of work commits."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from flask import current_app

from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.cases.models import Case, CaseLink, DeadlineKind
from supervision.cases.types import Firing
from supervision.core.actors import SYSTEM
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.incidents.models import DATA_CATEGORIES, REPORT_KINDS, Incident, IncidentReport
from workflows.base import N_, TransitionRefused
from workflows.incident import INCIDENT, OPEN

CASE_TYPE = "incident"
REMEDIATION = "remediation"
LATE_REPORT = "incident.late_report"
CLOCK_LABELS = {"initial_report": N_("Initial report"), "follow_up_report": N_("Follow-up report"),
                "final_report": N_("Final report")}


class Refused(Exception):
    """An incident action that may not be taken; ``msgid`` (N_-marked) says why."""

    def __init__(self, msgid: str, **params: Any):
        super().__init__(msgid % params if params else msgid)
        self.msgid, self.params = msgid, params


def incident_of(case: Case) -> Incident | None:
    return db.session.execute(db.select(Incident).filter_by(case_id=case.id)).scalar()


# -- the clock rules (configuration) ---------------------------------------------------------


def check_clock_configuration(config: Mapping[Any, Any]) -> None:
    """Refuse an ``INCIDENT_CLOCKS`` setting that is not ``{severity 1-4: {report: {length, unit}}}``."""
    from workflows.base import Clock

    for severity, rules in config.items():
        if int(severity) not in (1, 2, 3, 4):
            raise ValueError(f"INCIDENT_CLOCKS: severity {severity!r} is not 1-4")
        for name, conf in rules.items():
            if name not in CLOCK_LABELS:
                raise ValueError(f"INCIDENT_CLOCKS[{severity}]: unknown report {name!r}")
            Clock(name, conf["length"], unit=conf["unit"])  # validates length and unit


def clock_rules(severity: int) -> dict[str, tuple[int, str]]:
    """The reports owed for ``severity``: name -> (length, unit), in the order they fall due."""
    config = current_app.config.get("INCIDENT_CLOCKS") or {}
    rules = config.get(severity) or config.get(str(severity)) or {}
    return {name: (int(conf["length"]), str(conf["unit"])) for name, conf in rules.items()}


def _filed(incident: Incident) -> set[str]:
    return set(db.session.execute(db.select(IncidentReport.kind).filter_by(incident_id=incident.id)).scalars())


def start_clocks(incident: Incident, *, actor) -> None:
    """(Re)start every report clock of the incident's severity that is still owed, from the
    moment the firm became aware; a report no longer owed at this severity is cancelled."""
    case, filed = incident.case, _filed(incident)
    rules = clock_rules(incident.severity)
    for name, label in CLOCK_LABELS.items():
        if name in filed:
            continue
        if name in rules:
            length, unit = rules[name]
            clocks.add_due_item(case, name=name, kind="report", actor=actor, label=label, unit=unit,
                                length=length, at=incident.aware_at)
        else:
            clocks.close(case, name, actor=actor, status="cancelled")


# -- the report ------------------------------------------------------------------------------


def check_units(firm_id: int, codes: list[str]) -> list[str]:
    """The firm's own coded units only (made or held by it), normalised as the register writes them."""
    from supervision.units.codes import normalise
    from supervision.units.models import Unit

    codes = list(dict.fromkeys(normalise(c) for c in codes if c.strip()))
    if not codes:
        return codes
    mine = set(db.session.execute(db.select(Unit.code).where(
        Unit.code.in_(codes), (Unit.holder_id == firm_id) | (Unit.manufacturer_id == firm_id))).scalars())
    foreign = [c for c in codes if c not in mine]
    if foreign:
        raise Refused(N_("Not coded units of this firm: %(codes)s"), codes=", ".join(foreign[:10]))
    return codes


def firm_models(firm_id: int) -> list[tuple[int, str]]:
    from supervision.registry.models import RobotModel

    return [(r.id, r.name) for r in db.session.execute(
        db.select(RobotModel.id, RobotModel.name).where(RobotModel.firm_id == firm_id).order_by(RobotModel.name))]


def model_names(incident: Incident) -> list[str]:
    from supervision.registry.models import RobotModel

    if not incident.model_ids:
        return []
    return list(db.session.execute(db.select(RobotModel.name).where(RobotModel.id.in_(incident.model_ids))
                                   .order_by(RobotModel.name)).scalars())


def firm_sandbox_cases(firm_id: int) -> list[Case]:
    return list(db.session.execute(db.select(Case).where(
        Case.firm_id == firm_id, Case.case_type == "sandbox").order_by(Case.id.desc()).limit(50)).scalars())


def _check(firm_id: int, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["unit_codes"] = check_units(firm_id, list(values.get("unit_codes") or []))
    own = {mid for mid, _ in firm_models(firm_id)}
    models = [int(m) for m in values.get("model_ids") or []]
    if set(models) - own:
        raise Refused(N_("Choose the firm's own models."))
    out["model_ids"] = models
    cats = list(values.get("data_categories") or [])
    if set(cats) - set(DATA_CATEGORIES):
        raise Refused(N_("Choose the categories of personal data from the list."))
    occurred, aware = values["occurred_at"], values["aware_at"]
    if aware < occurred:
        raise Refused(N_("The firm cannot have become aware before the incident happened."))
    if aware > utcnow() + dt.timedelta(minutes=5):
        raise Refused(N_("The time the firm became aware lies in the future."))
    sandbox_case_id = values.get("sandbox_case_id")
    if sandbox_case_id and sandbox_case_id not in {c.id for c in firm_sandbox_cases(firm_id)}:
        raise Refused(N_("Choose one of the firm's sandbox tests."))
    if (values.get("lon") is None) != (values.get("lat") is None):
        raise Refused(N_("Give both longitude and latitude, or neither."))
    return out


FIELDS = ("what", "occurred_at", "aware_at", "place", "lon", "lat", "unit_codes", "model_ids", "injuries",
          "damage", "data_categories", "people_affected", "immediate_measures", "safety_accident",
          "emergency_reported_at", "authority_reported_at", "people_notified_at", "sandbox_case_id")


def report_incident(*, actor, firm_id: int, department_id: int, severity: int, values: dict[str, Any],
                    source: str, title: str, attachment=None, breach_episode_id: int | None = None) -> Incident:
    """Open an incident case with its report; the clocks of the provisional severity start from
    the moment the firm became aware.  A firm's own report is its initial report."""
    if severity not in (1, 2, 3, 4):
        raise Refused(N_("Choose a severity from 1 to 4."))
    values = _check(firm_id, values) if source != "breach" else dict(values)
    case = cases.create_case(case_type=CASE_TYPE, title=title[:300], department_id=department_id,
                             actor=actor, firm_id=firm_id)
    incident = Incident(case_id=case.id, firm_id=firm_id, source=source, provisional_severity=severity,
                        severity=severity, breach_episode_id=breach_episode_id,
                        **{k: values.get(k) for k in FIELDS if values.get(k) is not None})
    db.session.add(incident)
    db.session.flush()
    record("incident.report", actor=actor, case=case, object_type="incident", object_id=incident.id,
           details={"source": source, "severity": severity, "units": incident.unit_codes,
                    "aware_at": incident.aware_at.isoformat()})
    start_clocks(incident, actor=actor)
    if attachment is not None:
        from supervision.documents.services import add_document

        add_document(data=attachment.data, filename=attachment.filename, classification="confidential",
                     actor=actor, case=case, firm_id=firm_id)
    if incident.sandbox_case_id:
        test_case = db.session.get(Case, incident.sandbox_case_id)
        if source == "breach":  # the test's fence opened it
            cases.link_cases(test_case, case, relation="opened", actor=actor, reason="fence breach episode")
        else:
            cases.link_cases(case, test_case, relation="related", actor=actor, reason="incident in the sandbox test")
    if source == "firm":
        _file(incident, actor, "initial_report", incident.what, None)
    from supervision.incidents.models import SOURCES

    cases.notify_event(case, "incident.reported", actor, action_label=SOURCES[source])
    if source != "firm":
        cases.notify_event(case, "incident.opened", actor, action_label=SOURCES[source])
    return incident


def missing_reports_elsewhere(incident: Incident) -> list[str]:
    """The reports owed to other authorities by law that the incident does not record as made
    (N_-marked), for the officer to see."""
    out = []
    if incident.safety_accident and incident.emergency_reported_at is None:
        out.append(N_("Report to the emergency management authority within 1 hour "
                      "(生产安全事故报告和调查处理条例 Art. 9)"))
    if incident.personal_data:
        if incident.authority_reported_at is None:
            out.append(N_("Report to the cyberspace authority (个人信息保护法 Art. 57)"))
        if incident.people_notified_at is None:
            out.append(N_("Notice to the people affected (个人信息保护法 Art. 57)"))
    return out


def reports_of(incident: Incident) -> list[IncidentReport]:
    return list(db.session.execute(db.select(IncidentReport).filter_by(incident_id=incident.id)
                                   .order_by(IncidentReport.id)).scalars())


def _file(incident: Incident, actor, kind: str, summary: str, document) -> IncidentReport:
    """Record a report of ``kind``; the clock it met closes, flagged late if it had run out."""
    case = incident.case
    due = clocks.find(case, kind)
    now = utcnow()
    late = due is not None and now > due.due_at
    row = IncidentReport(incident_id=incident.id, kind=kind, summary=summary,
                         document_id=getattr(document, "id", None), due_at=due.due_at if due else None,
                         late=late, submitted_by_id=getattr(actor, "id", None), submitted_at=now)
    db.session.add(row)
    db.session.flush()
    if due is not None:
        clocks.close(case, kind, actor=actor)
    if late:
        record(LATE_REPORT, actor=actor, case=case, object_type="incident_report", object_id=row.id,
               details={"kind": kind, "due_at": due.due_at.isoformat(), "submitted_at": now.isoformat()})
        cases.notify_event(case, LATE_REPORT, actor, action_label=REPORT_KINDS[kind])
    return row


# -- facts and effects (the case type's hooks) -----------------------------------------------


def facts(case: Case, actor: Any) -> dict[str, Any]:
    incident = incident_of(case)
    return {"severity": incident.severity if incident else None}


def _triage(case: Case, actor: Any, firing: Firing) -> None:
    """Triage confirms or changes the severity; on a change the report clocks restart."""
    incident = incident_of(case)
    severity = int(firing.inputs["severity"])
    if severity != incident.severity:
        incident.severity = severity
        db.session.flush()
        start_clocks(incident, actor=actor)


def _order(case: Case, actor: Any, firing: Firing) -> None:
    deadline = _date(firing.inputs["deadline"])
    incident = incident_of(case)
    incident.public_measures = "\n".join(str(m) for m in firing.inputs.get("measures") or ())
    clocks.add_due_item(case, name=REMEDIATION, kind=DeadlineKind.REMEDIATION.value, actor=actor, label=N_("Remediation"),
                        due_at=deadline)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _remediation_reported(case: Case, actor: Any, firing: Firing) -> None:
    clocks.close(case, REMEDIATION, actor=actor)


def _send_back(case: Case, actor: Any, firing: Firing) -> None:
    clocks.add_due_item(case, name=REMEDIATION, kind=DeadlineKind.REMEDIATION.value, actor=actor, label=N_("Remediation"),
                        due_at=_date(firing.inputs["deadline"]))


def _submit_report(case: Case, actor: Any, firing: Firing) -> None:
    _file(incident_of(case), actor, firing.inputs["report_kind"], str(firing.inputs.get("summary") or ""),
          firing.inputs.get("document"))


def _close(case: Case, actor: Any, firing: Firing) -> None:
    incident = incident_of(case)
    incident.closed_on = utcnow().date()
    if firing.inputs.get("publish") == "yes":
        incident.published = True
        incident.public_summary = str(firing.inputs.get("public_summary") or "").strip()


EFFECTS = {
    "triage": (_triage,),
    "order_remediation": (_order,),
    "report_remediation": (_remediation_reported,),
    "send_back": (_send_back,),
    "submit_report": (_submit_report,),
    "close": (_close,),
}


# -- actions on a linked sandbox test or registration ----------------------------------------

# action -> the relation recorded and, per case type, the triggers of that case's own table that
# carry it out (the first one its state offers).  Named by string: the incident package depends
# on no other case type.
LINKED_ACTIONS: dict[str, tuple[str, str | None, dict[str, tuple[str, ...]]]] = {
    "pause": (N_("Order an immediate pause of the test"), "pauses", {"sandbox": ("pause",)}),
    "suspend": (N_("Start the suspension (prior notice)"), "suspends",
                {"sandbox": ("notice_suspension",), "registration": ("notice_suspension",)}),
    "lift": (N_("Lift the pause or suspension"), None,
             {"sandbox": ("resume", "propose_lifting"), "registration": ("lift_suspension",)}),
}


def _target_trigger(target: Case, action: str) -> str | None:
    wf = cases.workflow_of(target)
    for trig in LINKED_ACTIONS[action][2].get(target.case_type, ()):
        if wf.rows(target.state, trig):
            return trig
    return None


def linked_targets(incident: Incident, actor) -> list[tuple[Case, str, str]]:
    """(case, action, N_-label) the actor may take on the firm's sandbox tests and registrations
    from this incident now (the other case's table decides who may fire what)."""
    if INCIDENT.states[incident.case.state].tags.isdisjoint({OPEN}):
        return []
    types = sorted({ct for _label, _rel, by in LINKED_ACTIONS.values() for ct in by})
    rows = db.session.execute(db.select(Case).where(Case.firm_id == incident.firm_id, Case.case_type.in_(types))
                              .order_by(Case.id)).scalars().all()
    out = []
    for target in rows:
        wf = cases.workflow_of(target)
        roles = cases.context_for(target, actor).actor_roles
        for action, (label, _rel, _by) in LINKED_ACTIONS.items():
            trig = _target_trigger(target, action)
            if trig is not None and wf.may(target.state, trig, roles):
                out.append((target, action, label))
    return out


def act_on_linked(incident: Incident, target: Case, action: str, *, actor, reason: str) -> Case:
    """Fire ``target``'s own trigger for ``action`` with the incident as its reason, and link
    both cases.  The target's table, guards and handler rules apply (``TransitionRefused``)."""
    if action not in LINKED_ACTIONS or target.firm_id != incident.firm_id or target.id == incident.case_id:
        raise Refused(N_("This action does not apply to that case."))
    trigger = _target_trigger(target, action)
    if trigger is None:
        raise TransitionRefused([N_("This action does not apply to that case.")])
    why = f"{incident.case.number}: {reason.strip()}" if reason.strip() else incident.case.number
    inputs: dict[str, Any] = {}
    row = cases.workflow_of(target).rows(target.state, trigger)[0]
    for f in row.fields:
        if f.name in ("reason", "comment"):
            inputs[f.name] = why
        elif f.name == "evidence":
            inputs[f.name] = f"{incident.case.number}: {incident.what}"
    cases.fire(target, trigger, actor=actor, **inputs)
    relation = LINKED_ACTIONS[action][1]
    existing = db.session.execute(db.select(CaseLink).where(
        CaseLink.case_id == incident.case_id, CaseLink.other_case_id == target.id)).scalars().all()
    if relation is not None and relation not in {link.relation for link in existing}:
        cases.link_cases(incident.case, target, relation=relation, actor=actor, reason=why)
    elif relation is None and not existing:
        cases.link_cases(incident.case, target, relation="related", actor=actor, reason=why)
    return target


# -- a fence breach opens an incident ------------------------------------------------------------


def open_for_breach(episode: Any, *, case: Case, kind_label: str, **_: Any) -> Incident | None:
    """One incident per breach episode (the sandbox's ``breach_opened`` signal), opened by the
    system with the configured severity; the test case links to it."""
    existing = db.session.execute(db.select(Incident.id).filter_by(breach_episode_id=episode.id)).scalar()
    if existing is not None:
        return None
    severity = int(current_app.config.get("INCIDENT_BREACH_SEVERITY", 3))
    values = {"what": f"围栏越界 / Fence breach: {episode.unit} — {kind_label}",
              "occurred_at": episode.opened_at, "aware_at": episode.opened_at,
              "lon": episode.first_lon, "lat": episode.first_lat, "unit_codes": [episode.unit],
              "sandbox_case_id": case.id}
    incident = report_incident(actor=SYSTEM, firm_id=case.firm_id, department_id=case.department_id,
                               severity=severity, values=values, source="breach",
                               title=f"{case.title} — {episode.unit}", breach_episode_id=episode.id)
    return incident


def install(app) -> None:
    """Subscribe to the sandbox's breach signal (when the sandbox is installed) and check the
    clock configuration."""
    check_clock_configuration(app.config.get("INCIDENT_CLOCKS") or {})
    try:
        from supervision.sandbox.signals import breach_opened
    except ImportError:  # pragma: no cover - an installation without the sandbox
        return
    breach_opened.connect(_on_breach, weak=False)


def _on_breach(episode, **kw) -> None:
    if CASE_TYPE in current_app.extensions.get("case_types", {}):  # this app has incidents
        open_for_breach(episode, **kw)
