"""Opinions: once stored, unchanged; a correction is a new linked row; only drawn experts."""
import pytest

from supervision.experts import services
from supervision.experts.models import ExpertOpinion
from supervision.extensions import db
from tests.experts.conftest import review_case


def drawn(world, pool, n=2):
    case = review_case(world)
    row = services.draw_experts(case, n=n, fields=["robotics_safety"], actor=world.officer)
    users = [next(e.user for e in pool if e.user_id == uid) for uid in row.result]
    return case, users


def test_an_opinion_cannot_be_changed_only_corrected(world, pool):
    case, (expert, _other) = drawn(world, pool)
    first = services.submit_opinion(case, actor=expert, recommendation="approve", reasons="sound design",
                                    no_conflict=True)
    with pytest.raises(services.Refused, match="cannot be changed"):
        services.submit_opinion(case, actor=expert, recommendation="reject", reasons="changed my mind",
                                no_conflict=True)
    fix = services.submit_opinion(case, actor=expert, recommendation="approve_with_conditions",
                                  reasons="sound design", conditions="field test first", no_conflict=True,
                                  corrects=first)
    db.session.commit()
    assert fix.corrects_id == first.id
    assert db.session.get(ExpertOpinion, first.id).recommendation == "approve"
    assert services.opinion_of(case, expert).id == fix.id


def test_only_drawn_experts_with_no_conflict_may_give_an_opinion(world, pool):
    case, (expert, _other) = drawn(world, pool)
    outsider = next(e.user for e in pool if e.user_id not in {r for r in services.latest_draw(case).result})
    with pytest.raises(services.Refused, match="not an expert on this case"):
        services.submit_opinion(case, actor=outsider, recommendation="approve", reasons="x", no_conflict=True)
    with pytest.raises(services.Refused, match="no conflict"):
        services.submit_opinion(case, actor=expert, recommendation="approve", reasons="x", no_conflict=False)
    with pytest.raises(services.Refused, match="recommendation"):
        services.submit_opinion(case, actor=expert, recommendation="maybe", reasons="x", no_conflict=True)
    assert services.opinions_of(case) == []
