"""Administrators create organisations and users, set roles, disable and enable accounts."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from supervision.accounts import services
from supervision.accounts.models import Organisation, User
from supervision.extensions import db
from tests.core.dbstate import snapshot
from tests.factories import UserFactory, credit_code

CHECK_MSG = ("The check character (the 18th character) of the unified social credit code is wrong: "
             "check for a mistyped character.")
VALID = credit_code(424242)                      # 91330100MA0424242 + its check character
WRONG_CHECK = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


@pytest.fixture
def admin(world, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert web.login("admin@t.test").status_code == 302
    return web


def org_count() -> int:
    db.session.commit()
    return db.session.execute(db.select(db.func.count(Organisation.id))).scalar()


# -- the credit code (GB 32100) -----------------------------------------------------------

def test_credit_code_check_character_is_validated(app):
    assert services.normalise_credit_code(" " + VALID.lower() + " ") == VALID
    with pytest.raises(services.AccountError) as err:
        services.normalise_credit_code(WRONG_CHECK)
    assert err.value.message == CHECK_MSG
    with pytest.raises(services.AccountError) as err:
        services.normalise_credit_code(VALID[:-2])
    assert "it has 18 digits and capital letters" in err.value.message


def test_admin_creates_a_firm(world, admin):
    resp = admin.post("/admin/organisations/new", {"kind": "firm", "name_zh": "丙公司", "name_en": "Firm C",
                                                   "credit_code": VALID}, token_from="/admin/organisations/new")
    assert resp.status_code == 303
    org = db.session.execute(db.select(Organisation).filter_by(credit_code=VALID)).scalar_one()
    assert (org.kind, org.name_zh, org.name_en) == ("firm", "丙公司", "Firm C")
    page = admin.get("/admin/").get_data(as_text=True)
    assert "The organisation was created." in page and VALID in page


@pytest.mark.parametrize("locale, header", [("en", "en"), ("zh", "zh-CN")])
def test_wrong_check_character_is_refused_with_a_clear_message(world, admin, locale, header):
    admin.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = header
    before = org_count()
    resp = admin.post("/admin/organisations/new", {"kind": "firm", "name_zh": "丙公司", "name_en": "Firm C",
                                                   "credit_code": WRONG_CHECK}, token_from="/admin/organisations/new")
    assert resp.status_code == 422
    with force_locale(locale):
        expected = gettext(CHECK_MSG)
    html = resp.get_data(as_text=True)
    assert f'<div class="error" id="credit_code-error">{expected}</div>' in html
    assert f'<html lang="{header}">' in html
    assert org_count() == before


@pytest.mark.parametrize("data, message", [
    ({"kind": "firm", "name_zh": "丙公司", "name_en": "Firm C", "credit_code": ""},
     "A firm needs its unified social credit code."),
    ({"kind": "firm", "name_zh": "丙公司", "name_en": "Firm C", "credit_code": "12345"},
     "This is not a unified social credit code"),
    ({"kind": "department", "name_zh": "", "name_en": "Bureau"}, "Give the Chinese name."),
    ({"kind": "department", "name_zh": "局" * 5000, "name_en": "Bureau"},
     "This field is too long (at most 200 characters)."),
    ({"kind": "galaxy", "name_zh": "局", "name_en": "Bureau"}, "Choose one of the offered options."),
])
def test_bad_organisation_input_changes_nothing(world, admin, data, message):
    before = org_count()
    resp = admin.post("/admin/organisations/new", data, token_from="/admin/organisations/new")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert org_count() == before


def test_duplicate_credit_code_refused(world, admin):
    resp = admin.post("/admin/organisations/new", {"kind": "firm", "name_zh": "重复", "name_en": "Dup",
                                                   "credit_code": world.firm_a.credit_code},
                      token_from="/admin/organisations/new")
    assert resp.status_code == 422
    assert "An organisation with this credit code exists already." in resp.get_data(as_text=True)


# -- users and roles ----------------------------------------------------------------------

def test_admin_creates_a_user_who_can_sign_in(app, world, admin):
    resp = admin.post("/admin/users/new", {"email": "New@Example.org", "name": "New Person",
                                           "organisation_id": str(world.firm_a.id), "roles": "applicant",
                                           "password": "initial-password-1"}, token_from="/admin/users/new")
    assert resp.status_code == 303
    user = db.session.execute(db.select(User).filter_by(email="new@example.org")).scalar_one()
    assert user.roles == {"applicant"} and user.organisation_id == world.firm_a.id
    from tests.conftest import Browser

    assert Browser(app.test_client()).login("new@example.org", "initial-password-1").status_code == 302


@pytest.mark.parametrize("patch, message", [
    ({"roles": "officer"}, "These roles do not fit this kind of organisation."),   # officer in a firm
    ({"email": "Taken@Example.org"}, "A user with this email exists already."),
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"password": "short"}, "The password must have 12 to 512 characters."),
    ({"organisation_id": "abc"}, "Choose one of the offered options."),
    ({"organisation_id": "99999999999999999999999"}, "Choose one of the offered options."),
    ({"roles": "superuser"}, "Choose one of the offered options."),
    ({"roles": None}, "Choose at least one role."),
    ({"name": "n" * 1000}, "This field is too long (at most 120 characters)."),
])
def test_bad_user_input_changes_nothing(world, admin, patch, message):
    data = {"email": "new@example.org", "name": "New", "organisation_id": str(world.firm_a.id),
            "roles": "applicant", "password": "initial-password-1"}
    data.update(patch)
    data = {k: v for k, v in data.items() if v is not None}
    UserFactory(email="taken@example.org", organisation=world.firm_a, roles=["applicant"])
    before = snapshot()
    resp = admin.post("/admin/users/new", data, token_from="/admin/users/new")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert snapshot() == before


def test_roles_must_fit_the_organisation_kind(world):
    with pytest.raises(services.AccountError, match="do not fit"):
        services.set_roles(world.applicant_a, ["applicant", "approver"], actor=world.admin)
    with pytest.raises(services.AccountError, match="do not fit"):
        services.set_roles(world.officer, ["applicant"], actor=world.admin)
    with pytest.raises(services.AccountError, match="An auditor holds no other role."):
        services.set_roles(world.auditor, ["auditor", "officer"], actor=world.admin)
    assert world.officer.roles == {"officer"} and world.auditor.roles == {"auditor"}


def test_admin_sets_roles(world, admin):
    resp = admin.post(f"/admin/users/{world.officer.id}/roles", {"roles": ["officer", "approver"]},
                      token_from="/admin/")
    assert resp.status_code == 303
    db.session.refresh(world.officer)
    assert world.officer.roles == {"officer", "approver"}
    from supervision.audit.models import AuditEvent

    event = db.session.execute(db.select(AuditEvent).filter_by(action="user.set_roles")).scalar_one()
    assert event.actor_email == "admin@t.test" and event.object_id == str(world.officer.id)


@pytest.mark.parametrize("roles, message", [
    (["superuser"], "Choose one of the offered options."),
    ([], "Choose at least one role."),
    (["applicant"], "These roles do not fit this kind of organisation."),
    (["officer", "auditor"], "An auditor holds no other role."),
])
def test_bad_roles_change_nothing(world, admin, roles, message):
    before = snapshot()
    resp = admin.post(f"/admin/users/{world.officer.id}/roles", {"roles": roles}, token_from="/admin/")
    assert resp.status_code == 303
    assert message in admin.get("/admin/").get_data(as_text=True)
    assert snapshot() == before


def test_admin_cannot_lock_themselves_out(world, admin):
    before = snapshot()
    admin.post(f"/admin/users/{world.admin.id}/roles", {"roles": ["officer"]}, token_from="/admin/")
    assert "You cannot take away your own administrator role." in admin.get("/admin/").get_data(as_text=True)
    admin.post(f"/admin/users/{world.admin.id}/active", {}, token_from="/admin/")
    assert "You cannot disable your own account." in admin.get("/admin/").get_data(as_text=True)
    assert snapshot() == before


def test_admin_page_offers_only_fitting_roles(world, admin):
    html = admin.get("/admin/").get_data(as_text=True)
    row = html.split(f'id="user-{world.applicant_a.id}"')[1].split("</tr>")[0]
    assert 'value="applicant"' in row and 'value="officer"' not in row


@pytest.mark.parametrize("url", ["/admin/users/99999999999999999999999/roles",
                                 "/admin/users/2147483648/active", "/admin/users/-1/roles",
                                 "/admin/users/12abc/roles", "/admin/users/424242/roles"])
def test_huge_malformed_or_unknown_ids_are_404(world, admin, url):
    before = snapshot()
    resp = admin.post(url, {"roles": ["officer"]}, token_from="/admin/")
    assert resp.status_code == 404
    assert "The page or object was not found." in resp.get_data(as_text=True)
    assert snapshot(with_audit=False) == {k: v for k, v in before.items() if k != "audit_events"}
