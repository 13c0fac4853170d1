"""Two people report an event on the same unit at once: the one whose units changed between
reading and writing them records nothing and is told so on the form, with what they typed kept
and the units' states as they are now."""
from __future__ import annotations

import pytest

from supervision.extensions import db
from supervision.units import events
from supervision.units.models import UnitEvent, UnitSubmission
from tests.units.conftest import MANUFACTURE, state_of, step

CHANGED = "This unit was changed by someone else meanwhile"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _nothing_recorded() -> bool:
    return all(db.session.execute(db.select(db.func.count()).select_from(t)).scalar() == 0
               for t in (UnitEvent, UnitSubmission))


def test_the_service_refuses_a_submission_whose_units_moved_and_writes_nothing(coded, units_change_meanwhile):
    with pytest.raises(events.UnitsChanged):
        events.record(firm=coded.world.firm_a, actor=coded.world.applicant_a,
                      events=[step(MANUFACTURE, *coded.codes[:2])], channel="form")
    db.session.commit()
    assert _nothing_recorded() and state_of(coded.codes[0]) == "code_assigned"


def test_the_event_form_says_the_unit_changed_and_keeps_what_was_typed(coded, web, units_change_meanwhile):
    web.login("a@firm-a.test")
    typed = {"codes": "\n".join(coded.codes[:2]), "step": "commissioning/active", "event_time": "2026-12-01T09:30",
             "offset": "+08:00", "address": "Plant 7, Binjiang", "note": "line 3 test bench"}
    r = web.post("/units/events/new", typed, token_from="/units/events/new")
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert CHANGED in html and "Check its state below and send again" in html
    assert "case was changed" not in html
    # the form as it was typed, and the units' states now, each linking to the unit
    assert "Plant 7, Binjiang" in html and "line 3 test bench" in html and "2026-12-01T09:30" in html
    assert f"{coded.codes[0]}\n{coded.codes[1]}" in html.replace("\r\n", "\n")
    assert html.count(f"/units/u/{coded.codes[0]}") == 1 and "Code assigned" in html
    assert _nothing_recorded()


def test_sending_the_kept_form_again_records_the_event(coded, web, units_change_meanwhile, monkeypatch):
    web.login("a@firm-a.test")
    typed = {"codes": coded.codes[0], "step": "commissioning/active", "event_time": "2026-12-01T09:30",
             "offset": "+08:00"}
    assert web.post("/units/events/new", typed, token_from="/units/events/new").status_code == 409
    monkeypatch.undo()  # nobody else is changing the unit now
    r = web.post("/units/events/new", typed, token_from="/units/events/new")
    assert r.status_code == 303 and state_of(coded.codes[0]) == "manufactured"


def test_two_people_reporting_on_one_unit_at_once_record_it_once(app, coded, monkeypatch):
    """Two sessions read the unit before either writes: one records, the other is told."""
    import threading

    from supervision.accounts.models import User
    from supervision.core import uow

    code, user_id = coded.codes[0], coded.world.applicant_a.id
    both_read = threading.Barrier(2, timeout=30)
    read = events._Run._load

    def load(self, unit_codes, ids=()):
        found = read(self, unit_codes, ids)
        both_read.wait()
        return found

    monkeypatch.setattr(events._Run, "_load", load)
    outcomes: list[str] = []

    def report() -> None:
        with app.app_context():
            actor = db.session.get(User, user_id)
            try:
                with uow.unit_of_work():
                    events.record(firm=actor.organisation, actor=actor, events=[step(MANUFACTURE, code)],
                                  channel="form")
                outcomes.append("recorded")
            except events.UnitsChanged:
                outcomes.append("changed")
            except Exception as err:  # pragma: no cover - reported by the assertion below
                outcomes.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=report) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(outcomes) == ["changed", "recorded"]
    assert state_of(code) == "manufactured"
    assert db.session.execute(db.select(db.func.count()).select_from(UnitSubmission)).scalar() == 1


def test_a_recall_whose_units_moved_is_shown_again_with_its_text(coded, web, request):
    from supervision.units.models import UnitRecall
    from tests.units.conftest import record

    record(coded.world, [step(MANUFACTURE, *coded.codes)])
    request.getfixturevalue("units_change_meanwhile")
    web.login("a@firm-a.test")
    r = web.post("/units/recalls/new", {"model_id": coded.model.id, "batch_id": 0, "reason": "Brake sensor drift",
                                        "measures": "Replace the sensor"}, token_from="/units/recalls/new")
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "Units of this model were changed by someone else meanwhile" in html
    assert "Brake sensor drift" in html and "Replace the sensor" in html
    assert db.session.execute(db.select(db.func.count()).select_from(UnitRecall)).scalar() == 0
    assert state_of(coded.codes[0]) == "manufactured"
