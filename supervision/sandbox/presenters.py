"""What the sandbox pages show: the application form's values, the test at a glance (state,
period, days left, conditions and their history, the next report, decisions, timeline) and the
fence map's configuration and data."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import current_app, url_for

from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases.models import Case
from supervision.cases.presenters import timeline
from supervision.core.timeutil import iso_z, local_today, utcnow
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.geo import services as zones
from supervision.geo.models import ProhibitedZone
from supervision.sandbox import access, services
from supervision.sandbox.models import BreachEpisode, ConditionSet, Position, SandboxTest


def form_values(test: SandboxTest) -> SimpleNamespace:
    values = {name: getattr(test, name) for name in services.EDITABLE_FIELDS}
    values["unit_codes"] = "\n".join(test.unit_codes or [])
    values["intelligence_level"] = test.intelligence_level or 0
    return SimpleNamespace(**values)


def parse_codes(text: str) -> list[str]:
    seen: list[str] = []
    for line in (text or "").replace(",", "\n").splitlines():
        code = line.strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen


def values_from(form, test: SandboxTest, *, actor) -> dict[str, Any]:
    """The form's values as the service takes them (an insurance upload stored first)."""
    values = {name: getattr(form, name).data for name in services.EDITABLE_FIELDS
              if name not in ("unit_codes", "insurance_document_id") and hasattr(form, name)}
    values["intelligence_level"] = values.get("intelligence_level") or None
    for key in ("model_name", "scenarios", "sites", "supervision_ratio", "data_protection_plan", "ethics_assessment"):
        values[key] = (values.get(key) or "").strip()
    values["unit_codes"] = services.check_unit_codes(test, parse_codes(form.unit_codes.data))
    upload = form.insurance.data
    if upload and getattr(upload, "filename", ""):
        from supervision.documents.services import UploadRejected, add_document

        try:
            doc = add_document(data=upload.read(), filename=upload.filename, classification="confidential",
                               actor=actor, case=test.case, firm_id=test.firm_id)
        except UploadRejected as err:
            raise services.Refused(err.message, **err.params) from err
        values["insurance_document_id"] = doc.id
    return values


def map_config(case: Case | None, *, draw: bool = False, positions: bool = True) -> dict[str, str]:
    """The data attributes the map script reads (no inline script: a strict CSP).  Without
    ``positions`` the map shows the areas and zones alone, and opening it logs nothing."""
    cfg = current_app.config
    if case is None:
        src = url_for("sandbox.zones_json")
    else:
        src = url_for("sandbox.map_data" if positions else "sandbox.fences_data", case_id=case.id)
    return {
        "data-src": src,
        "data-draw": "1" if draw else "",
        "data-tiles": cfg.get("SANDBOX_TILE_URL") or "",
        "data-tiles-crs": cfg.get("SANDBOX_TILE_CRS") or "wgs84",
        "data-attribution": cfg.get("SANDBOX_TILE_ATTRIBUTION") or "",
    }


def fences_map(case: Case) -> dict[str, str] | None:
    """The case page's map tab: the areas and zones of the case's test (None: no test)."""
    return map_config(case, positions=False) if services.test_of(case) else None


def zone_json(zone: ProhibitedZone) -> dict[str, Any]:
    return {"type": "Feature", "geometry": zone.geometry,
            "properties": {"kind": "zone", "id": zone.id, "name": zone.name,
                           "valid_from": iso_z(zone.valid_from),
                           "valid_to": iso_z(zone.valid_to) if zone.valid_to else None}}


def fences_data(test: SandboxTest) -> dict[str, Any]:
    """The map's fences: the test's allowed areas, the prohibited zones valid during its period
    and their overlaps.  No positions, so showing them is not a view of tracking data."""
    areas = [{"type": "Feature", "geometry": a.geometry, "properties": {"kind": "area", "id": a.id, "name": a.label}}
             for a in services.active_areas(test)]
    start = dt.datetime.combine(test.period_start or local_today(), dt.time())
    end = dt.datetime.combine(test.period_end or local_today(), dt.time()) + dt.timedelta(days=1)
    zone_rows = zones.zones_between(min(start, utcnow()), max(end, utcnow()))
    overlaps = [{"type": "Feature", "geometry": g, "properties": {"kind": "overlap", "zone": z.name}}
                for z, g in services.zone_overlaps(test)]
    return {"areas": areas, "zones": [zone_json(z) for z in zone_rows], "overlaps": overlaps}


def map_data(case: Case, test: SandboxTest, *, viewer) -> dict[str, Any]:
    """The map's layers.  Positions are personal tracking information: a regulator's view of
    them is an audit event; nothing older than the retention period is shown."""
    fences = fences_data(test)
    keep = dt.timedelta(days=current_app.config["SANDBOX"]["position_retention_days"])
    positions = db.session.execute(
        db.select(Position.unit, Position.time, Position.lon, Position.lat, Position.breach)
        .where(Position.case_id == case.id, Position.time >= utcnow() - keep)
        .order_by(Position.id.desc()).limit(500)).all()
    episodes = db.session.execute(db.select(BreachEpisode).where(BreachEpisode.case_id == case.id)
                                  .order_by(BreachEpisode.id.desc()).limit(100)).scalars().all()
    if access.is_regulator(viewer, case):
        record("sandbox.positions_view", actor=viewer, case=case, object_type="sandbox_test", object_id=test.id,
               details={"positions": len(positions), "episodes": len(episodes)})
    return {
        **fences,
        "positions": [{"unit": p.unit, "time": iso_z(p.time), "lon": p.lon, "lat": p.lat, "breach": p.breach}
                      for p in positions],
        "breaches": [{"episode": e.id, "unit": e.unit, "kind": e.kind, "lon": e.first_lon, "lat": e.first_lat,
                      "opened_at": iso_z(e.opened_at), "closed_at": iso_z(e.closed_at) if e.closed_at else None,
                      "count": e.count} for e in episodes],
    }


@dataclass
class AtAGlance:
    state: str
    period: tuple[dt.date | None, dt.date | None]
    days_left: int | None
    conditions: ConditionSet | None
    history: list[ConditionSet]
    next_report: Any
    overdue: list[Any]
    decisions: list[Decision]
    episodes: list[BreachEpisode]
    overlaps: list
    change: Any
    timeline: Any
    opinions: list
    registration_link: Case | None


def at_a_glance(case: Case, test: SandboxTest) -> AtAGlance:
    from supervision.cases.services import links_of

    cs = services.current_conditions(test)
    start, end = (cs.period_start, cs.period_end) if cs else (test.period_start, test.period_end)
    days_left = (end - local_today()).days if end and case.state not in ("graduated", "terminated") else None
    open_items = clocks.open_deadlines(case)
    now = utcnow()
    decisions = db.session.execute(db.select(Decision).where(Decision.case_id == case.id)
                                   .order_by(Decision.id)).scalars().all()
    episodes = db.session.execute(db.select(BreachEpisode).where(BreachEpisode.case_id == case.id)
                                  .order_by(BreachEpisode.id.desc()).limit(20)).scalars().all()
    reg = next((other for rel, other in links_of(case) if other.case_type == "registration"), None)
    return AtAGlance(
        state=case.state, period=(start, end), days_left=days_left, conditions=cs,
        history=services.condition_history(test),
        next_report=next((d for d in open_items if d.name == services.REPORT_ITEM), None),
        overdue=[d for d in open_items if d.flagged_overdue_at is not None or d.due_at < now],
        decisions=decisions, episodes=episodes, overlaps=services.zone_overlaps(test),
        change=services.pending_change(test),
        timeline=timeline(case, include_reads=False, limit=30),
        opinions=_opinions(case), registration_link=reg)


def _opinions(case: Case) -> list:
    """The expert opinions the viewer may see (the firm: recommendations without names)."""
    from supervision.experts.models import ExpertOpinion

    return list(db.session.execute(db.select(ExpertOpinion).where(ExpertOpinion.case_id == case.id)
                                   .order_by(ExpertOpinion.id)).scalars())
