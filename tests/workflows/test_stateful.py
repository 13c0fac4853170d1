"""Every workflow driven at random through the real services (hypothesis ``RuleBasedStateMachine``).

Random users of every role (two firms, regulators, an auditor, an expert, an administrator) fire
random triggers, possible or not, with the inputs each transition declares, on one case of each
installed case type.  After each step: every case is in the state the workflow table allows
(the source when refused, a destination of the trigger's rows when fired); one audit event per
successful transition and none for a refusal; the audit log verifies; no firm can see another
firm's case or its documents.

Bounded for CI by a fixed number of steps in all (``BUDGET``, shared by the examples and the case
types: a new case type does not lengthen the run); every example starts from the same opening
cases, made once through the services and put back from a copy of their rows.  Set
``STATEFUL_EXAMPLES`` and ``STATEFUL_STEPS`` (steps per example) for a longer run.
"""
from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import inspect as sa_inspect

from supervision import policies
from supervision.audit.models import AuditEvent
from supervision.audit.verify import verify_database
from supervision.cases import services, types
from supervision.cases.models import Case
from supervision.core import uow
from supervision.core.errors import Conflict
from supervision.decisions.services import DecisionError
from supervision.documents.models import Document
from supervision.documents.uploads import Upload
from supervision.extensions import db
from supervision.jobs import runners
from workflows.base import InvalidTrigger, TransitionRefused
from tests.conftest import copy_rows, empty_tables, replace_case_type, restore_rows

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "8"))
# CI's budget: this many steps in all, shared by the examples and by the installed case types (a
# new case type does not lengthen the run).  STATEFUL_STEPS sets the steps of each example instead.
BUDGET = 560
STEPS = int(os.environ.get("STATEFUL_STEPS", "0")) or max(1, BUDGET // EXAMPLES)
# Fresh cases of each type made before the walk, to replace the cases that end (made on the way
# when they run out).
SPARES = 3
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# What a refusal may look like: the table or a guard said no, the upload was refused, or a
# decision could not be issued (the request answers 422 and its unit of work rolls back).
REFUSALS = (TransitionRefused, InvalidTrigger, DecisionError, Conflict)


def _start_registration(world, codes):
    return world.case(firm=world.firm_a, actor=world.applicant_a)


def _start_assessment(world, codes):
    from tests.assessments.conftest import propose

    return propose(world)


def _start_sandbox(world, codes):
    from tests.sandbox.conftest import complete_plan

    return complete_plan(world, codes, firm=world.firm_b, applicant=world.applicant_b).case


def _start_incident(world, codes):
    from tests.incidents.conftest import report

    return report(world, severity=2, unit_codes=codes[world.firm_a.id][:1]).case


def _start_conduct(world, codes):
    from tests.conduct.conftest import open_case

    return open_case(world, firm=world.firm_a)


def _start_registration_change(world, codes):
    from tests.changes.conftest import apply_change, registered

    return apply_change(world, registered(world, name="Changed model")).case


def _start_compensation(world, codes):
    """A claim follows a rescission made through the registry's real procedure (its own facts,
    not the stand-in the other registration cases here run on)."""
    from flask import current_app

    from supervision.registry.case_type import REGISTRATION
    from tests.compensation.conftest import claim

    restore = replace_case_type(current_app, "registration", facts=REGISTRATION.facts)
    try:
        return claim(world).case
    finally:
        restore()


# One way to open a case of each installed case type (a new case type adds its own here).
STARTERS = {"registration": _start_registration, "assessment": _start_assessment,
            "sandbox": _start_sandbox, "incident": _start_incident, "conduct": _start_conduct,
            "registration_change": _start_registration_change, "compensation": _start_compensation}


def _value(field, draw):
    if field.type == "document":
        return Upload(PDF, "evidence.pdf")
    if field.type == "list":
        return ("First item", "Second item")
    if field.type == "choice" and field.choices:
        return draw(st.sampled_from([value for value, _label in field.choices]))
    if field.type == "date":
        return (dt.date.today() + dt.timedelta(days=draw(st.integers(1, 400)))).isoformat()
    return draw(st.sampled_from(["Checked against Art. 48.", "依据第四十八条核实。", "x" * 300]))


def test_every_installed_case_type_is_driven():
    assert set(types.installed()) <= set(STARTERS), "add a starter for the new case type"


@pytest.fixture
def keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


def test_random_users_and_triggers_keep_every_workflow_consistent(app, world, keys, complete_applications):
    from tests.sandbox.conftest import coded_units

    codes = coded_units(world)
    users: list = []
    applicants: dict = {}

    def cast():
        """The users of ``world`` from the session (after the rows were put back)."""
        for name, value in vars(world).items():
            if isinstance(value, db.Model):
                setattr(world, name, db.session.get(type(value), sa_inspect(value).identity))
        users[:] = [world.applicant_a, world.applicant_b, world.officer, world.officer2, world.approver,
                    world.dual, world.other_officer, world.auditor, world.admin, world.expert]
        applicants.clear()
        applicants.update({world.firm_a.id: world.applicant_a, world.firm_b.id: world.applicant_b})

    # The opening cases, one of each installed case type, and the fresh ones that take the place
    # of an ended case: made once (some take seconds through the registry's procedure) and put
    # back before each example.
    fresh: dict[str, list[int]] = {name: [] for name in sorted(types.installed())}
    for _ in range(1 + SPARES):
        for name in fresh:
            with uow.unit_of_work():
                fresh[name].append(STARTERS[name](world, codes).id)
    rows = copy_rows()
    moved: dict[str, set[str]] = {name: set() for name in types.installed()}  # triggers that fired

    class Workflows(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.cases: list[int] = []
            self.state: dict[int, str] = {}
            self.fired: dict[int, int] = {}
            runners.drain(app)  # the mail sender's work of the last example ends first
            db.session.remove()
            empty_tables()
            restore_rows(rows)
            cast()
            self.spares = {name: ids[1:] for name, ids in fresh.items()}
            for case_id in (ids[0] for ids in fresh.values()):
                self.cases.append(case_id)
                self.state[case_id] = db.session.get(Case, case_id).state
                self.fired[case_id] = self._transitions(case_id)

        @staticmethod
        def _transitions(case_id: int) -> int:
            return db.session.execute(db.select(db.func.count(AuditEvent.seq)).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "case.transition")).scalar_one()

        @rule(data=st.data())
        def fire(self, data):
            case = db.session.get(Case, data.draw(st.sampled_from(self.cases), label="case"))
            wf = services.workflow_of(case)
            # Mostly triggers the table has from this state, sometimes any trigger at all.
            here = wf.triggers(case.state)
            pool = here if here and data.draw(st.integers(0, 3), label="pick") else \
                sorted({tr.trigger for tr in wf.transitions})
            trigger = data.draw(st.sampled_from(pool), label="trigger")
            rows = wf.rows(case.state, trigger)
            # Mostly someone whose role on the case the table names for it, sometimes anyone:
            # with more case types installed, deep states are still reached.
            able = [u for u in users if rows and wf.may(case.state, trigger, policies.case_roles(u, case))]
            who = able if able and data.draw(st.integers(0, 3), label="who") else users
            actor = data.draw(st.sampled_from(who), label="actor")
            inputs = {f.name: _value(f, data.draw) for f in rows[0].fields} if rows else {}
            before, version, events = case.state, case.version, self._transitions(case.id)
            try:
                with uow.unit_of_work():
                    services.fire(case, trigger, actor=actor, **inputs)
            except REFUSALS:
                db.session.expire_all()
                case = db.session.get(Case, case.id)
                assert (case.state, case.version) == (before, version), f"{trigger} refused but changed the case"
                assert self._transitions(case.id) == events, f"{trigger} refused but recorded"
                return
            assert rows, f"{wf.name}: {trigger} fired from {before}, which the table does not allow"
            assert case.state in {r.dest for r in rows}, f"{wf.name}: {trigger} led to {case.state}"
            assert self._transitions(case.id) == events + 1, f"{trigger}: not one audit event"
            self.fired[case.id] += 1
            moved[case.case_type].add(trigger)
            if wf.states[case.state].final:  # an ended case is replaced by a new one of its type
                if self.spares[case.case_type]:
                    new = db.session.get(Case, self.spares[case.case_type].pop(0))
                else:
                    with uow.unit_of_work():
                        new = STARTERS[case.case_type](world, codes)
                self.cases[self.cases.index(case.id)] = new.id
                self.state[new.id] = new.state
                self.fired[new.id] = self._transitions(new.id)

        @invariant()
        def states_events_and_isolation_hold(self):
            db.session.expire_all()
            for case_id in self.cases:
                case = db.session.get(Case, case_id)
                wf = services.workflow_of(case)
                assert case.state in wf.states, case.state
                # Only firings move a case: no transition is recorded behind them.
                assert self._transitions(case_id) == self.fired[case_id]
                if case.firm_id is not None:
                    for firm_id, applicant in applicants.items():
                        if firm_id != case.firm_id:
                            assert not policies.can_view_case(applicant, case)
                            docs = db.session.execute(db.select(Document).where(Document.case_id == case_id)).scalars()
                            assert not any(policies.can_view_document(applicant, d) for d in docs)
            result = verify_database()
            assert result.ok, (result.first_bad, result.problem)

    run_state_machine_as_test(Workflows, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        suppress_health_check=list(HealthCheck)))
    # Not vacuous: every case type got past its first steps.
    assert all(len(fired) >= 2 for fired in moved.values()), moved
