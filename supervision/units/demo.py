"""Demo robot units: prefixes for both firms, coded units of firm A's registered models with
histories in several states (sold, in service, under maintenance, recalled, scrapped, one
transfer pending, one transferred to firm B, one corrected event), made through the services."""
from __future__ import annotations

import datetime as dt

from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units import events, recalls, services
from supervision.units.models import UnitEvent
from workflows.unit_lifecycle import CBV

ARM, GUIDE = "ZX-Arm A3 (已注册)", "ZX-Guide G5 (已注册)"


def _at(day: int, hour: int = 10) -> str:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))).isoformat()


def _ev(trigger: str, codes: list[str], day: int, where: str | None = None, **extra) -> dict:
    step, disposition, _action = CBV[trigger]
    event = {"epcList": codes, "eventTime": _at(day), "bizStep": step, "disposition": disposition, **extra}
    if where and where.startswith("geo:"):
        event["readPoint"] = {"id": where}
    elif where:
        event["bizLocation"] = {"address": where}
    return event


def load(*, users, firm_a, firm_b, **_) -> None:
    admin, applicant, applicant_b = (users["admin@example.com"], users["applicant@example.com"],
                                     users["applicant-b@example.com"])
    for firm, prefix in ((firm_a, "ZX0001"), (firm_b, "YB0002")):
        if services.prefix_of(firm) is None:  # another case type's demo may have assigned it
            services.assign_prefix(firm, actor=admin, prefix=prefix)
    models = {m.name: m for m in db.session.execute(db.select(RobotModel).filter_by(firm_id=firm_a.id)).scalars()}
    arm, guide = models.get(ARM), models.get(GUIDE)
    if arm is None or guide is None or services.batch_refusal(arm, firm_a) or services.batch_refusal(guide, firm_a):
        return  # the registry demo changed: no registered models to code
    c = [u.code for u in services.batch_units(services.request_batch(arm, firm=firm_a, actor=applicant, size=12))]
    g = [u.code for u in services.batch_units(services.request_batch(guide, firm=firm_a, actor=applicant, size=4))]
    plant, shop = "杭州市滨江区智行工厂", "杭州市西湖区展厅"
    transfer_to_b = [{"type": "owning_party", "destination": firm_b.credit_code}]
    events.record(firm=firm_a, actor=applicant, channel="demo", events=[
        _ev("manufacture", c[:10] + g, 2, plant),
        _ev("ship", c[2:8] + g, 4, plant),
        _ev("sell", [c[0], c[1], c[2], c[3], c[4]] + g, 6, shop),
        _ev("put_in_service", [c[1], c[2], c[4]] + g, 8, "geo:30.2741,120.1551"),
        _ev("start_maintenance", [c[2]], 12),
        _ev("scrap", [c[5]], 14, plant),
        _ev("transfer", [c[6]], 16, destinationList=transfer_to_b),
        _ev("transfer", [c[7]], 16, destinationList=transfer_to_b),
        _ev("scrap", [c[8]], 18, details={"note": "录入错误"}),
    ])
    events.record(firm=firm_b, actor=applicant_b, channel="demo", events=[_ev("accept_transfer", [c[7]], 17)])
    wrong = db.session.execute(db.select(UnitEvent.event_id).where(UnitEvent.trigger == "scrap")
                               .order_by(UnitEvent.id.desc()).limit(1)).scalar()
    events.record(firm=firm_a, actor=applicant, channel="demo", events=[{
        "eventTime": _at(19), "errorDeclaration": {"eventID": wrong, "reason": "incorrect_data",
                                                   "explanation": "该机未报废"}}])
    recalls.report_recall(guide, firm=firm_a, actor=applicant,
                          reason="电池可能过热。/ The battery may overheat.",
                          measures="免费更换电池。/ Free battery replacement.")
