"""The shared workflow machinery, on a small made-up workflow (no Flask, no database)."""
from __future__ import annotations

import pytest

from workflows.base import (N_, REASON, Context, InvalidTrigger, State, TransitionRefused, Workflow,
                            four_eyes, t)


def _needs_budget(ctx: Context) -> str | None:
    return None if ctx.facts.get("budget") else N_("No budget.")


def _big(ctx: Context) -> str | None:
    return None if ctx.facts.get("amount", 0) > 100 else "small"


def _small(ctx: Context) -> str | None:
    return None if ctx.facts.get("amount", 0) <= 100 else "big"


def make() -> Workflow:
    return Workflow(
        name="purchase", version=3, label=N_("Purchase"), initial="draft",
        states=[State("draft", "Draft"), State("asked", "Asked"), State("board", "Board"),
                State("bought", "Bought", final=True), State("dropped", "Dropped", final=True)],
        transitions=[
            t("ask", "draft", "asked", ["clerk"], "Ask", guards=["budget"]),
            t("decide", "asked", "board", ["boss"], "Decide", guards=["four_eyes"], when="big"),
            t("decide", "asked", "bought", ["boss"], "Decide", guards=["four_eyes"], when="small"),
            t("drop", ("draft", "asked"), "dropped", ["clerk"], "Drop", fields=[REASON]),
        ],
        guards={"budget": _needs_budget, "four_eyes": four_eyes},
        conditions={"big": _big, "small": _small},
    )


class Thing:
    def __init__(self, state: str = "draft"):
        self.state = state


def ctx(roles, actor_id=1, inputs=None, **facts) -> Context:
    return Context(actor_id, frozenset(roles), facts, inputs or {})


def test_a_workflow_carries_its_name_and_version():
    wf = make()
    assert (wf.name, wf.version) == ("purchase", 3)


def test_a_trigger_not_in_the_current_state_raises():
    wf = make()
    thing = Thing("bought")
    with pytest.raises(InvalidTrigger):
        wf.fire(thing, "ask", ctx({"clerk"}, budget=True))
    with pytest.raises(InvalidTrigger):
        wf.fire(thing, "no_such_trigger", ctx({"clerk"}))
    assert thing.state == "bought"


def test_the_machine_has_no_automatic_to_state_triggers():
    wf = make()
    assert "to_bought" not in wf.machine.events
    with pytest.raises(InvalidTrigger):
        wf.fire(Thing(), "to_bought", ctx({"clerk", "boss"}))


def test_a_role_outside_the_row_is_refused_as_forbidden():
    wf = make()
    thing = Thing()
    with pytest.raises(TransitionRefused) as err:
        wf.fire(thing, "ask", ctx({"boss"}, budget=True))
    assert err.value.forbidden
    assert err.value.reasons == ["Your role may not take this action."]
    assert thing.state == "draft"


def test_guards_refuse_with_their_reasons():
    wf = make()
    thing = Thing()
    with pytest.raises(TransitionRefused) as err:
        wf.fire(thing, "ask", ctx({"clerk"}, budget=False))
    assert err.value.reasons == ["No budget."]
    assert not err.value.forbidden
    assert thing.state == "draft"
    wf.fire(thing, "ask", ctx({"clerk"}, budget=True))
    assert thing.state == "asked"


def test_required_inputs_are_reasons_too():
    wf = make()
    thing = Thing()
    with pytest.raises(TransitionRefused) as err:
        wf.fire(thing, "drop", ctx({"clerk"}, inputs={"reason": "   "}))
    assert err.value.reasons == ["Give the reasons for this action."]
    wf.fire(thing, "drop", ctx({"clerk"}, inputs={"reason": "not needed"}))
    assert thing.state == "dropped"


def test_when_routing_picks_the_destination():
    wf = make()
    big, small = Thing("asked"), Thing("asked")
    row = wf.fire(big, "decide", ctx({"boss"}, amount=500))
    assert (row.dest, big.state) == ("board", "board")
    row = wf.fire(small, "decide", ctx({"boss"}, amount=50))
    assert (row.dest, small.state) == ("bought", "bought")


def test_four_eyes_refuses_the_proposer_only():
    wf = make()
    thing = Thing("asked")
    with pytest.raises(TransitionRefused) as err:
        wf.fire(thing, "decide", ctx({"boss"}, actor_id=7, proposed_by_id=7, amount=5))
    assert err.value.reasons == [
        "You proposed this decision; another approver must decide it (four eyes)."]
    assert thing.state == "asked"
    wf.fire(thing, "decide", ctx({"boss"}, actor_id=8, proposed_by_id=7, amount=5))
    assert thing.state == "bought"


def test_one_machine_serves_every_model():
    wf = make()
    machine = wf.machine
    things = [Thing() for _ in range(50)]
    for i, thing in enumerate(things):
        wf.fire(thing, "ask", ctx({"clerk"}, budget=True))
        if i % 2:
            wf.fire(thing, "drop", ctx({"clerk"}, inputs={"reason": "r"}))
    assert wf.machine is machine
    assert machine.models == []  # no model was attached to it for good
    assert [th.state for th in things[:4]] == ["asked", "dropped", "asked", "dropped"]


def test_available_lists_the_actors_triggers_with_refusals():
    wf = make()
    offered = wf.available("draft", ctx({"clerk"}, budget=False))
    assert [(tr.trigger, reasons) for tr, reasons in offered] == [("ask", ["No budget."]), ("drop", [])]
    assert wf.available("draft", ctx({"boss"})) == []


def test_allowed_triples_and_may():
    wf = make()
    assert wf.allowed() == {("draft", "ask", "clerk"), ("asked", "decide", "boss"),
                            ("draft", "drop", "clerk"), ("asked", "drop", "clerk")}
    assert wf.may("asked", "decide", frozenset({"boss"}))
    assert not wf.may("asked", "decide", frozenset({"clerk"}))


def test_a_table_with_an_unknown_state_or_guard_is_rejected():
    with pytest.raises(AssertionError):
        Workflow(name="x", version=1, label="X", initial="a", states=[State("a", "A")],
                 transitions=[t("go", "a", "b", ["r"], "Go")], guards={})
    with pytest.raises(AssertionError):
        Workflow(name="x", version=1, label="X", initial="a",
                 states=[State("a", "A"), State("b", "B")],
                 transitions=[t("go", "a", "b", ["r"], "Go", guards=["nope"])], guards={})


def test_rows_of_one_trigger_must_agree_on_roles():
    with pytest.raises(AssertionError):
        Workflow(name="x", version=1, label="X", initial="a",
                 states=[State("a", "A"), State("b", "B"), State("c", "C")],
                 transitions=[t("go", "a", "b", ["r"], "Go", when="yes"),
                              t("go", "a", "c", ["s"], "Go", when="yes")],
                 guards={}, conditions={"yes": lambda c: None})
