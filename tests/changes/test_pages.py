"""The change pages: a registered model's edit leads to "apply for a change" (its particulars are
frozen), the firm applies from the registration's page, the change case shows what it changes,
and another firm cannot apply on a registration that is not its own."""
from __future__ import annotations

import pytest

from supervision.cases.models import Case
from supervision.changes.models import ChangeApplication
from supervision.extensions import db
from tests.changes.conftest import registered

FORM = {"name": "ZX-Arm A1 Pro", "manufacturer": "Acme Robotics", "form_factor": "wheeled",
        "intelligence_level": "1", "scenarios": ["manufacturing"], "mass_kg": "10", "max_speed_mps": "1.0",
        "standards": "GB 11291.1-2011", "software_version": "2.0"}


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def firm_a(world, web):
    assert web.login("a@firm-a.test").status_code == 302
    return web


def test_editing_a_registered_model_leads_to_a_change_application(world, firm_a):
    reg = registered(world)
    edit = f"/registry/models/{reg.model_id}/edit"
    resp = firm_a.get(edit)
    assert resp.status_code == 303 and resp.location.endswith(f"/cases/{reg.case_id}#change-panel")
    resp = firm_a.post(edit, {**FORM, "name": "Renamed behind the regulator's back", "action": "draft"},
                       token_from=f"/registry/models/{reg.model_id}")
    assert resp.status_code == 303
    db.session.expire_all()
    assert reg.model.name == "ZX-Arm A1"
    assert "Renamed behind" not in firm_a.get("/register").get_data(as_text=True)
    page = firm_a.get(f"/registry/models/{reg.model_id}").get_data(as_text=True)
    assert 'id="apply-change-link"' in page and 'id="edit-model"' not in page


def test_the_firm_applies_for_a_change_from_the_registration_page(world, firm_a):
    reg = registered(world)
    page = firm_a.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert 'id="apply-change"' in page and 'id="apply-renewal"' in page
    form_url = f"/changes/registrations/{reg.case_id}/change"
    form = firm_a.get(form_url).get_data(as_text=True)
    assert 'value="ZX-Arm A1"' in form  # pre-filled with what is registered
    assert '<table class="levels">' in form  # the levels explained, as on the model form
    resp = firm_a.post(form_url, FORM, token_from=form_url)
    assert resp.status_code == 303
    app = db.session.execute(db.select(ChangeApplication)).scalar()
    assert resp.location.endswith(f"/cases/{app.case_id}")
    shown = firm_a.get(f"/cases/{app.case_id}").get_data(as_text=True)
    assert 'id="changed-particulars"' in shown and "ZX-Arm A1 Pro" in shown and "2.0" in shown
    # A second application waits for the first to be decided.
    assert 'id="apply-change"' not in firm_a.get(f"/cases/{reg.case_id}").get_data(as_text=True)


def test_an_unchanged_application_is_refused_on_the_form(world, firm_a):
    reg = registered(world)
    form_url = f"/changes/registrations/{reg.case_id}/change"
    resp = firm_a.post(form_url, {**FORM, "name": "ZX-Arm A1", "software_version": "1.0"}, token_from=form_url)
    assert resp.status_code == 200 and "Nothing differs from the registered particulars." in resp.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Case.id)).where(Case.case_type == "registration_change")).scalar() == 0


def test_the_firm_applies_for_renewal(world, firm_a):
    reg = registered(world)
    resp = firm_a.post(f"/changes/registrations/{reg.case_id}/renewal", token_from=f"/cases/{reg.case_id}")
    assert resp.status_code == 303
    app = db.session.execute(db.select(ChangeApplication)).scalar()
    assert app.kind == "renewal" and resp.location.endswith(f"/cases/{app.case_id}")


def test_another_firm_cannot_apply(world, web):
    reg = registered(world)
    web.login("b@firm-b.test")
    assert web.get(f"/changes/registrations/{reg.case_id}/change").status_code in (403, 404)
    resp = web.post(f"/changes/registrations/{reg.case_id}/renewal", token_from="/registry/models")
    assert resp.status_code in (403, 404)
    assert db.session.execute(db.select(ChangeApplication)).scalar() is None


def test_the_officer_accepts_first_then_sees_the_proposal_actions(world, web):
    reg = registered(world)
    from tests.changes.conftest import accept, apply_change

    app = apply_change(world, reg)
    web.login("officer@t.test")
    page = web.get(f"/cases/{app.case_id}").get_data(as_text=True)
    assert "Do not accept" in page and "Send supplement notice" in page and 'id="registration-link"' in page
    assert "Propose grant" not in page
    accept(world, app)
    page = web.get(f"/cases/{app.case_id}").get_data(as_text=True)
    assert "Propose grant" in page and "Propose refusal" in page
