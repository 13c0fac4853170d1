"""The draw: eligibility, refusal with the count, replay, re-draw, decline and replacement."""
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.experts import draw as drawing
from supervision.experts import services
from supervision.experts.models import ExpertDraw
from supervision.extensions import db
from tests.experts.conftest import make_expert, review_case


def expert_ids(case):
    return {r.user_id for r in cases.roles_on(case, role="expert")}


def test_draw_attaches_the_chosen_experts_and_records_everything(world, pool):
    case = review_case(world)
    row = services.draw_experts(case, n=3, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    assert expert_ids(case) == set(row.result) and len(row.result) == 3
    assert row.eligible == sorted(e.user_id for e in pool)
    assert row.algorithm == "v1" and len(row.seed) == 32 and row.actor_id == world.officer.id
    assert services.replay(row)
    roles = cases.roles_on(case, role="expert")
    assert {(r.source, r.source_ref) for r in roles} == {("draw", str(row.id))}
    events = db.session.execute(db.select(AuditEvent).filter_by(action="expert.draw")).scalars().all()
    assert len(events) == 1 and events[0].object_id == str(row.id)


def test_too_few_eligible_is_refused_with_the_count(world, pool):
    case = review_case(world)
    with pytest.raises(services.Refused, match="6 eligible"):
        services.draw_experts(case, n=7, fields=["robotics_safety"], actor=world.officer)
    with pytest.raises(services.Refused, match="1 eligible"):
        services.draw_experts(case, n=2, fields=["law"], actor=world.officer)
    assert db.session.execute(db.select(ExpertDraw)).first() is None


def test_firm_employees_conflicts_and_inactive_experts_are_not_eligible(world, pool):
    case = review_case(world)
    employee = make_expert(world, organisation_id=world.firm_a.id)
    conflicted = pool[1]
    services.declare_conflict(conflicted, organisation_id=world.firm_a.id, reason="consults for them",
                              valid_from=dt.date(2020, 1, 1), valid_to=None, actor=conflicted.user)
    expired = pool[2]
    services.declare_conflict(expired, organisation_id=world.firm_a.id, reason="past board seat",
                              valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1), actor=expired.user)
    dept = pool[3]
    services.declare_conflict(dept, organisation_id=world.department.id, reason="seconded to the bureau",
                              valid_from=dt.date(2020, 1, 1), valid_to=None, actor=dept.user)
    services.set_expert_active(pool[4], False, actor=world.admin)
    eligible = services.eligible_pool(case, fields=["robotics_safety"])
    assert employee.user_id not in eligible
    assert {conflicted.user_id, dept.user_id, pool[4].user_id}.isdisjoint(eligible)
    assert expired.user_id in eligible
    assert eligible == sorted([pool[0].user_id, expired.user_id, pool[5].user_id])
    # a case of the other firm: the employee and the firm-A conflict do not matter
    other = world.case(firm=world.firm_b, actor=world.applicant_b)
    assert {employee.user_id, conflicted.user_id} <= set(services.eligible_pool(other, fields=["robotics_safety"]))


def test_a_redraw_needs_a_reason_and_both_draws_stay(world, pool):
    case = review_case(world)
    first = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    with pytest.raises(services.Refused, match="reason"):
        services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    second = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer,
                                   reason="one more opinion per field")
    db.session.commit()
    assert second.previous_id == first.id
    assert set(first.result).isdisjoint(second.eligible)  # those already on the case
    assert len(services.draws_of(case)) == 2 and len(expert_ids(case)) == 4


def test_decline_ends_the_role_and_draws_a_replacement_from_the_rest(world, pool):
    case = review_case(world)
    first = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    decliner = db.session.get(type(world.officer), first.result[0])
    replacement = services.decline(case, user=decliner, reason="travelling abroad", actor=decliner)
    db.session.commit()
    assert replacement.previous_id == first.id and replacement.n == 1
    assert decliner.id not in replacement.eligible and first.result[1] not in replacement.eligible
    assert expert_ids(case) == {first.result[1], replacement.result[0]}
    ended = cases.roles_on(case, role="expert", active=False)
    assert [r.end_reason for r in ended if r.ended_at] == ["travelling abroad"]
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
    assert actions.count("expert.draw") == 2 and "case.role_end" in actions


def test_replay_notices_a_tampered_result(world, pool):
    case = review_case(world)
    row = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    others = [i for i in row.eligible if i not in row.result]
    row.result_ids = json.dumps([row.result[0], others[0]])
    assert not services.replay(row)


@settings(max_examples=50, deadline=None)
@given(pool=st.dictionaries(st.integers(1, 10_000),
                            st.tuples(st.frozensets(st.sampled_from("abcd"), min_size=1), st.booleans(),
                                      st.booleans(), st.booleans()), min_size=0, max_size=25),
       wanted=st.frozensets(st.sampled_from("abcd"), min_size=1), n=st.integers(1, 6),
       seed=st.text(min_size=1, max_size=40))
def test_the_draw_never_returns_an_ineligible_expert_and_always_replays(pool, wanted, n, seed):
    """Pure: experts are (fields, active, from the firm, conflicted); eligibility as the service
    computes it; the draw picks only from that pool and gives the same result every time."""
    eligible = [i for i, (fields, active, firm, conflict) in pool.items()
                if fields & wanted and active and not firm and not conflict]
    shuffled = list(reversed(eligible))
    if len(eligible) < n:
        with pytest.raises(drawing.TooFewEligible) as err:
            drawing.draw(eligible, n, seed)
        assert err.value.eligible == len(eligible)
        return
    chosen = drawing.draw(shuffled, n, seed)
    assert len(chosen) == n == len(set(chosen)) and set(chosen) <= set(eligible)
    assert drawing.draw(sorted(eligible), n, seed) == chosen
