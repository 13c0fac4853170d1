"""Helpers of the Art. 47 assessment tests: a measure proposed by the world's officer, complete
assessments, experts and their opinions."""
from __future__ import annotations

import datetime as dt
import tempfile

import pytest

from supervision.assessments import services
from supervision.cases import services as cases
from supervision.experts import services as experts
from supervision.extensions import db
from tests.factories import UserFactory

_KEYS = tempfile.mkdtemp(prefix="assessment-keys-")
TEXT = "第一条 在公共场所运行的第三级机器人应当设置电子围栏。\n第二条 运营者应当保存运行日志六个月。"
NECESSITY = {"problem": "Robots left their permitted area.", "evidence": "Three incidents in 2026.",
             "alternatives": [{"alternative": "Guidance only", "why_insufficient": "Not followed in pilots."}]}
SAFETY = {"hazards": "Collisions with pedestrians.", "residual_risks": "GPS drift of 2 m.",
          "effect_on_users": "Fewer collisions in public space."}
EFFECTIVENESS = {"outcomes": "No robot outside its area.", "indicators": "Breaches per 1000 hours.",
                 "measurement": "Quarterly, from breach reports.", "cost_to_firms": "One geofence module per unit.",
                 "competition_effect": "Applies to all firms alike.", "review_date": "2028-12-31"}
FAIR = {"market_entry": "No entry barrier beyond the fence.", "free_movement": "No local preference.",
        "costs": "No subsidy or fee.", "conduct": "No effect on pricing.", "conclusion": "Passes the review."}
COMPLETE = {"necessity": NECESSITY, "safety": SAFETY, "effectiveness": EFFECTIVENESS, "fair_competition": FAIR}


def propose(world, *, title="Geofence for tier-3 robots", changes=("obligation:3:geofence_log",)):
    return services.create_measure(
        actor=world.officer, department_id=world.department.id, title=title, text=TEXT,
        problem="Robots leave their permitted area.", scenario_classes=["S2"], tiers=["3"], form_factors=[],
        ruleset_changes=list(changes))


def assess(world, case, kind):
    return services.save_finding(case, kind, actor=world.officer, content=dict(COMPLETE[kind]))


def to_expert_review(world, case):
    cases.fire(case, "start_assessment", actor=world.officer)
    assess(world, case, "necessity")
    cases.fire(case, "complete_necessity", actor=world.officer)
    assess(world, case, "safety")
    cases.fire(case, "complete_safety", actor=world.officer)
    assess(world, case, "effectiveness")
    assess(world, case, "fair_competition")
    cases.fire(case, "complete_effectiveness", actor=world.officer)
    return case


def opinion(world, case):
    """Draw one expert (world.expert) and record their opinion."""
    if experts.expert_of(world.expert) is None:
        experts.create_expert(world.expert, fields=["law"], actor=world.admin)
    experts.draw_experts(case, n=1, fields=["law"], actor=world.officer)
    experts.submit_opinion(case, actor=world.expert, recommendation="supports",
                           reasons="Necessary and proportionate.", no_conflict=True)


def to_conclusion(world, case, *, consult=False):
    to_expert_review(world, case)
    opinion(world, case)
    if consult:
        services.set_summary(case, actor=world.officer, summary="Plain summary: fence tier-3 robots.")
        cases.fire(case, "open_consultation", actor=world.officer)
    else:
        cases.fire(case, "skip_consultation", actor=world.officer, reason="Internal technical measure.")
    return case


def passed(world, case):
    cases.fire(case, "propose_conclusion", actor=world.officer, conclusion="passed", reason="All three hold.")
    cases.fire(case, "approve_conclusion", actor=world.approver)
    db.session.flush()
    return case


def end_consultation(case) -> None:
    """Test set-up: the consultation period is over (time passes)."""
    services.consultation_of(case).closes_on = dt.date(2020, 1, 1)
    db.session.flush()


@pytest.fixture(autouse=True)
def _keys(app):
    """Decisions are signed with a development CA kept in a temporary folder."""
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = _KEYS
    yield
    app.config["DECISION_KEY_DIR"] = before
