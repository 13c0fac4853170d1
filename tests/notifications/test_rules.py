"""A rule matches an event when every criterion it sets holds; an empty criterion is no restriction."""
from __future__ import annotations

import pytest

from supervision.notifications.rules import Event, Rule


def event(name="case.transition", trigger="request_information", tags=("information_request",)) -> Event:
    return Event(name=name, case_id=1, actor_id=2, trigger=trigger, tags=frozenset(tags))


def rule(**criteria) -> Rule:
    return Rule("r", audience="firm", subject="s", body="b",
                **{k: frozenset(v) for k, v in criteria.items()})


def test_a_rule_without_criteria_matches_every_event():
    assert rule().matches(event())
    assert rule().matches(event(name="deadline.overdue", trigger=None, tags=()))


@pytest.mark.parametrize("criteria, expected", [
    ({"events": {"case.transition"}}, True),
    ({"events": {"case.assign", "case.claim"}}, False),
    ({"triggers": {"request_information", "request_supplement"}}, True),
    ({"triggers": {"submit"}}, False),
    ({"tags": {"information_request", "decision"}}, True),     # any shared tag is enough
    ({"tags": {"decision"}}, False),
    ({"events": {"case.transition"}, "triggers": {"request_information"}, "tags": {"decision"}}, False),
    ({"events": {"case.transition"}, "triggers": {"request_information"}, "tags": {"information_request"}}, True),
])
def test_every_criterion_the_rule_sets_must_hold(criteria, expected):
    assert rule(**criteria).matches(event()) is expected


def test_a_trigger_criterion_never_matches_an_event_without_trigger():
    assert not rule(triggers={"submit"}).matches(event(name="deadline.overdue", trigger=None, tags=("overdue",)))
    assert rule(tags={"overdue"}).matches(event(name="deadline.overdue", trigger=None, tags=("overdue",)))
