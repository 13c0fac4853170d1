"""A throw-away workflow for the deadline tests: a reply due in hours that lapses when it runs
out (fired by the system actor only), a hold that pauses it, and a defence period that runs
from the recorded service of a notice."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.cases import services
from supervision.cases.types import CaseType
from workflows.base import Clock, Context, State, Workflow, t

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

REPLY = Clock("reply", 24, "Reply to the request", unit="hours", on_expiry="lapse")
DEFENCE = Clock("defence", 5, "Period to state a defence", unit="calendar_days", starts_from="served_at")


def _still_owed(ctx: Context) -> str | None:
    return None


FLOW = Workflow(
    name="flow_test", version=1, label="Deadline test flow", initial="open",
    states=(
        State("open", "Open"),
        State("waiting", "Waiting for a reply", clock=REPLY),
        State("on_hold", "On hold", pauses="reply"),
        State("noticed", "Notice sent", clock=DEFENCE),
        State("answered", "Answered", final=True),
        State("lapsed", "Lapsed", final=True),
    ),
    transitions=(
        t("ask", "open", "waiting", ["officer"], "Ask"),
        t("hold", "waiting", "on_hold", ["officer"], "Hold"),
        t("release", "on_hold", "waiting", ["officer"], "Release"),
        t("answer", "waiting", "answered", ["applicant"], "Answer"),
        t("lapse", "waiting", "lapsed", ["system"], "Lapse", guards=["still_owed"]),
        t("notify", "open", "noticed", ["officer"], "Send notice"),
    ),
    guards={"still_owed": _still_owed},
)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0):
    """Freeze time at that wall-clock time in Shanghai."""
    return time_machine.travel(dt.datetime(y, m, d, hour, minute, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def flow(app, monkeypatch):
    """The flow, installed as a case type for this test only."""
    monkeypatch.setitem(app.extensions["case_types"], FLOW.name, CaseType(workflow=FLOW, number_prefix="FLO"))
    return FLOW


def flow_case(world):
    return services.create_case(case_type=FLOW.name, title="Deadline flow", actor=world.applicant_a,
                                department_id=world.department.id, firm_id=world.firm_a.id)
