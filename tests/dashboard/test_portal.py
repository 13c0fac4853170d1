"""The firm's home page: what it owes across all its cases in date order with days left, and
the tabs (models and registrations, codes issued, sandbox tests)."""
from __future__ import annotations

import datetime as dt
import re

from supervision.cases import clocks, timers
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.sandbox import services
from tests.dashboard.conftest import sign_in


def overdue_report(test) -> None:
    """The test's report fell due two days ago and the timer has flagged it."""
    due = clocks.find(test.case, services.REPORT_ITEM)
    due.due_date = local_today() - dt.timedelta(days=2)
    due.due_at = due.due_at - dt.timedelta(days=(due.due_at.date() - due.due_date).days)
    clocks.sync(test.case)
    db.session.commit()
    timers.tick()
    db.session.commit()


def test_a_firm_lands_on_its_home_page_and_sees_the_report_it_owes(world, web, running):
    sign_in(web, "a@firm-a.test")
    home = web.get("/home")
    assert home.status_code == 302 and home.headers["Location"].endswith("/firm")
    page = web.get("/firm").get_data(as_text=True)
    rows = re.findall(r'<tr class="[^"]*" data-case="(\d+)" data-deadline="(\w+)">', page)
    assert (str(running.case_id), services.REPORT_ITEM) in rows
    due = clocks.find(running.case, services.REPORT_ITEM)
    assert due.due_date.isoformat() in page and "30 days left" in page and "Periodic report" in page
    # The regulator's own periods (screening, decision) are never listed as the firm's.
    assert "Screening" not in page


def test_the_owed_list_is_in_date_order_and_an_overdue_report_is_flagged(world, web, running):
    overdue_report(running)
    sign_in(web, "a@firm-a.test")
    page = web.get("/firm").get_data(as_text=True)
    assert "2 days overdue" in page
    assert 'class="overdue" data-case="%d" data-deadline="report"' % running.case_id in page
    assert "Overdue" in page
    dates = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)', page.split('id="owed"')[1])
    assert dates == sorted(dates)


def test_another_firm_sees_nothing_firm_a_owes(world, web, running):
    sign_in(web, "b@firm-b.test")
    page = web.get("/firm").get_data(as_text=True)
    assert 'data-case="%d"' % running.case_id not in page and "Your firm owes nothing" in page


def test_regulators_have_no_firm_home_page(world, web):
    sign_in(web, "officer@t.test")
    assert web.get("/firm").status_code == 403


def test_the_tabs_show_models_codes_and_sandbox_tests(world, web, running, codes):
    sign_in(web, "a@firm-a.test")
    models = web.get("/firm?tab=models").get_data(as_text=True)
    assert 'id="portal-models"' in models and "Patrol A" in models and "Registered" in models
    codes_page = web.get("/firm?tab=codes").get_data(as_text=True)
    assert 'id="portal-codes"' in codes_page and "Patrol A" in codes_page
    sandbox = web.get("/firm?tab=sandbox").get_data(as_text=True)
    assert running.case.number in sandbox and "Testing" in sandbox
    assert web.get("/firm?tab=nonsense").status_code == 404


def test_the_models_tab_shows_a_new_model_on_the_next_request_and_only_to_its_firm(world, web, app, running):
    """The tab is kept under the data version: a model saved since shows at once, and the tab
    kept for firm A is never what firm B gets (both signed in first: a sign-in writes)."""
    from tests.conftest import Browser
    from tests.registry.conftest import make_registration

    other = Browser(app.test_client())
    sign_in(web, "a@firm-a.test")
    sign_in(other, "b@firm-b.test")
    before = web.get("/firm?tab=models").get_data(as_text=True)
    assert "Patrol A" in before and "Robot New" not in before
    assert "Patrol A" not in other.get("/firm?tab=models").get_data(as_text=True)
    make_registration(world, name="Robot New")
    db.session.commit()
    assert "Robot New" in web.get("/firm?tab=models").get_data(as_text=True)
    assert "Robot New" not in other.get("/firm?tab=models").get_data(as_text=True)


def test_the_models_tab_shows_one_page_and_says_how_many_there_are(world, web, running, monkeypatch):
    from supervision.registry import firm_models
    from tests.registry.conftest import make_registration

    monkeypatch.setattr(firm_models, "PAGE_SIZE", 3)
    for i in range(4):
        make_registration(world, name=f"Robot {i}")
    db.session.commit()
    sign_in(web, "a@firm-a.test")
    page = web.get("/firm?tab=models&lang=en").get_data(as_text=True)
    total = db.session.execute(db.select(db.func.count(RobotModel.id)).where(
        RobotModel.firm_id == world.firm_a.id)).scalar()
    assert len(re.findall(r'<tr data-model-id="\d+"', page)) == 3
    assert f"3 of {total} models shown, those you owe something on first." in page
