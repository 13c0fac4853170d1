"""The unit lifecycle table, stated literally: which role may fire which trigger from where, where
it leads, and that an impossible event is refused with its reason."""
from __future__ import annotations

import pytest

from workflows.base import Context, InvalidTrigger, TransitionRefused
from workflows.unit_lifecycle import CBV, TRIGGER_BY_CBV, UNIT_LIFECYCLE as WF

LIVE = ["manufactured", "in_distribution", "sold", "in_service", "under_maintenance"]
ALL_BUT_SCRAPPED = ["code_assigned", *LIVE, "recalled", "lost"]

EXPECTED_MOVES = {
    ("code_assigned", "manufacture"): "manufactured",
    ("manufactured", "ship"): "in_distribution",
    ("manufactured", "sell"): "sold",
    ("in_distribution", "sell"): "sold",
    ("sold", "put_in_service"): "in_service",
    ("in_service", "start_maintenance"): "under_maintenance",
    ("under_maintenance", "end_maintenance"): "in_service",
    **{(s, "recall"): "recalled" for s in LIVE},
    ("recalled", "repaired"): "in_service",
    ("recalled", "returned"): "in_distribution",
    **{(s, "lose"): "lost" for s in LIVE},
    **{(s, "scrap"): "scrapped" for s in ALL_BUT_SCRAPPED},
}


class Unit:
    def __init__(self, state):
        self.state = state


def ctx(*roles, **facts):
    return Context(None, frozenset(roles), facts)


def test_the_state_changes_are_exactly_these():
    moves = {(src, tr.trigger): tr.dest for tr in WF.transitions for src in tr.source
             if tr.trigger not in ("found", "transfer", "accept_transfer", "void_transfer")}
    assert moves == EXPECTED_MOVES


def test_who_may_fire_what():
    roles = {tr.trigger: set(tr.roles) for tr in WF.transitions}
    assert roles == {
        "manufacture": {"manufacturer"}, "ship": {"holder"}, "sell": {"holder"}, "put_in_service": {"holder"},
        "start_maintenance": {"holder"}, "end_maintenance": {"holder"}, "recall": {"manufacturer"},
        "repaired": {"holder", "manufacturer"}, "returned": {"holder", "manufacturer"}, "lose": {"holder"},
        "found": {"holder"}, "scrap": {"holder"}, "transfer": {"holder"}, "accept_transfer": {"receiver"},
        "void_transfer": {"holder", "receiver"}}


@pytest.mark.parametrize("before, dest", [("manufactured", "in_distribution"), ("in_distribution", "in_distribution"),
                                          ("sold", "sold"), ("in_service", "in_service"),
                                          ("under_maintenance", "in_service")])
def test_a_found_unit_goes_back_to_stock_sale_or_service(before, dest):
    unit = Unit("lost")
    WF.fire(unit, "found", ctx("holder", state_before_lost=before))
    assert unit.state == dest


def test_transfers_leave_the_state_and_need_the_other_side():
    unit = Unit("sold")
    WF.fire(unit, "transfer", ctx("holder"))
    assert unit.state == "sold"
    with pytest.raises(TransitionRefused) as err:  # a second offer while one is pending
        WF.fire(unit, "transfer", ctx("holder", transfer_pending=True))
    assert "pending" in err.value.reasons[0]
    with pytest.raises(TransitionRefused):  # the holder cannot accept its own offer
        WF.fire(unit, "accept_transfer", ctx("holder", transfer_pending=True))
    WF.fire(unit, "accept_transfer", ctx("receiver", transfer_pending=True))
    with pytest.raises(TransitionRefused) as err:
        WF.fire(unit, "accept_transfer", ctx("receiver", transfer_pending=False))
    assert err.value.reasons == ["No transfer of this unit is pending."]


def test_while_a_transfer_is_pending_the_holder_records_nothing_but_a_recall_still_applies():
    unit = Unit("in_service")
    with pytest.raises(TransitionRefused):
        WF.fire(unit, "start_maintenance", ctx("holder", transfer_pending=True))
    WF.fire(unit, "recall", ctx("manufacturer", transfer_pending=True))
    assert unit.state == "recalled"


@pytest.mark.parametrize("state, trigger", [("code_assigned", "sell"), ("scrapped", "repaired"),
                                            ("sold", "manufacture"), ("recalled", "sell"),
                                            ("in_service", "found"), ("scrapped", "scrap")])
def test_impossible_events_are_refused(state, trigger):
    with pytest.raises(InvalidTrigger):
        WF.fire(Unit(state), trigger, ctx("holder", "manufacturer"))


def test_each_cbv_pair_names_one_trigger_and_every_trigger_has_one():
    assert set(CBV) == {tr.trigger for tr in WF.transitions}
    assert len(TRIGGER_BY_CBV) == len(CBV)


def test_the_docstring_writes_out_the_table():
    import workflows.unit_lifecycle as module

    for tr in WF.transitions:
        assert tr.trigger in module.__doc__
    for state in WF.states:
        assert state in module.__doc__
