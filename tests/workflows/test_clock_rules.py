"""A clock in a workflow table: its length, unit, expiry trigger and start event (pure Python)."""
from __future__ import annotations

import pytest

from workflows.base import Clock, State, Workflow, t
from workflows.registration import ACCEPTANCE, REGISTRATION


def test_a_clock_counts_working_days_by_default_and_takes_its_length_by_position():
    clock = Clock("acceptance", 5, "Acceptance decision")
    assert (clock.length, clock.unit, clock.on_expiry, clock.starts_from) == (5, "working_days", None, None)
    assert clock.working_days == 5
    assert Clock("reply", 24, unit="hours").working_days is None
    assert REGISTRATION.states["submitted"].clock == ACCEPTANCE and ACCEPTANCE.length == 5


@pytest.mark.parametrize("kw", [{"unit": "weeks"}, {"length": -1}, {"length": 1.5}, {"length": True}])
def test_a_clock_refuses_an_unknown_unit_or_a_length_that_is_not_a_whole_number(kw):
    with pytest.raises(ValueError):
        Clock(**{"name": "x", "length": 5, **kw})


def _flow(expiry: str) -> Workflow:
    return Workflow(name="x", version=1, label="x", initial="a",
                    states=(State("a", "A", clock=Clock("reply", 24, unit="hours", on_expiry=expiry)),
                            State("b", "B", final=True)),
                    transitions=(t("lapse", "a", "b", ["system"], "Lapse"),), guards={})


def test_the_expiry_trigger_must_be_offered_where_the_clock_runs():
    assert _flow("lapse").may("a", "lapse", frozenset({"system"}))
    with pytest.raises(AssertionError, match="expiry of 'reply'"):
        _flow("lapse_it")
