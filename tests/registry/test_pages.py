"""The registry's pages: the model form (drafts, validation), the firm's list, the case panel,
the public register and objections, and firm separation (404 with a valid CSRF token)."""
from __future__ import annotations

import re

import pytest

from supervision.cases.models import Case
from supervision.documents.services import add_document
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.models import ModelVersion, Objection, RobotModel
from tests.registry.conftest import PDF, TIER2, declare_certificate, fire, make_registration, state, to_review
from tests.conftest import sealed_url

FORM = {"name": "Guide G1", "manufacturer": "Acme", "form_factor": "wheeled", "intelligence_level": "2",
        "scenarios": ["commerce"], "mass_kg": "18", "max_speed_mps": "1.2", "standards": "GB 4943.1-2022",
        "software_version": "1.4"}


def counts():
    db.session.commit()
    return (db.session.execute(db.select(db.func.count(RobotModel.id))).scalar(),
            db.session.execute(db.select(db.func.count(ModelVersion.id))).scalar())


@pytest.fixture
def firm_a(world, web):
    assert web.login("a@firm-a.test").status_code == 302
    return web


def test_form_shows_the_meaning_of_each_level(firm_a):
    html = firm_a.get("/registry/models/new").get_data(as_text=True)
    assert "conditional autonomy in known, structured environments" in html
    assert 'value="elderly_care"' in html


def test_half_filled_application_is_saved_as_a_draft(firm_a):
    resp = firm_a.post("/registry/models/new", {"name": "Half done", "manufacturer": "Acme",
                                                "action": "draft"}, token_from="/registry/models/new")
    assert resp.status_code == 303
    case = db.session.execute(db.select(Case)).scalar()
    assert case.state == "draft"
    assert services.registration_of(case).version.manufacturer == "Acme"
    assert "Half done" in firm_a.get("/registry/models").get_data(as_text=True)


def test_submitting_an_incomplete_application_marks_the_missing_fields(firm_a):
    resp = firm_a.post("/registry/models/new", {"name": "Half done", "action": "submit"},
                       token_from="/registry/models/new")
    assert resp.status_code == 422
    assert resp.get_data(as_text=True).count("Required before the application can be submitted.") == 8
    assert counts() == (0, 0)


@pytest.mark.parametrize("field, value, message", [
    ("mass_kg", "NaN", "Enter a number."),
    ("mass_kg", "-3", "Enter a mass between 0.01 and 100000 kg."),
    ("mass_kg", "1e30", "Enter a mass between 0.01 and 100000 kg."),
    ("max_speed_mps", "Infinity", "Enter a number."),
    ("max_speed_mps", "-0.5", "Enter a speed between 0 and 1000 m/s."),
    ("max_speed_mps", "fast", "Not a valid decimal value."),
    ("intelligence_level", "9", "Not a valid choice."),
])
def test_bad_numbers_get_a_clear_message_and_change_nothing(firm_a, field, value, message):
    resp = firm_a.post("/registry/models/new", {**FORM, field: value, "action": "submit"},
                       token_from="/registry/models/new")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert counts() == (0, 0)


def test_complete_application_is_submitted_from_the_form(firm_a):
    resp = firm_a.post("/registry/models/new", {**FORM, "action": "submit"}, token_from="/registry/models/new")
    assert resp.status_code == 303
    case = db.session.execute(db.select(Case)).scalar()
    assert case.state == "submitted"
    page = firm_a.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="registration-panel"' in page and "Guide G1" in page


def test_firm_page_says_what_is_owed_with_the_due_date(world, firm_a):
    reg = make_registration(world, TIER2)
    to_review(world, reg)
    html = firm_a.get("/registry/models").get_data(as_text=True)
    assert "Tier 2 and above need a valid certificate: your certification body records it for this model on the platform." in html


def test_officer_sees_rationale_and_tier_4_prompt(world, web):
    reg = make_registration(world, {**TIER2, "intelligence_level": 5, "scenarios": ["security_patrol"],
                                    "public_space": True})
    to_review(world, reg)
    web.login("officer@t.test")
    html = web.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert 'data-tier="4"' in html and 'id="sandbox-prompt"' in html
    assert "Total score 7: Tier 4 (prudent supervision)." in html
    resp = web.post(f"/registry/cases/{reg.case_id}/refer", {"note": "Sandbox first."},
                    token_from=f"/cases/{reg.case_id}")
    assert resp.status_code == 303
    assert 'id="sandbox-referral"' in web.get(f"/cases/{reg.case_id}").get_data(as_text=True)


def test_override_without_reason_is_refused(world, web):
    reg = make_registration(world)
    to_review(world, reg)
    web.login("officer@t.test")
    web.post(f"/registry/cases/{reg.case_id}/override", {"tier": "3", "reason": ""},
             token_from=f"/cases/{reg.case_id}")
    assert reg.classification.tier == 1
    web.post(f"/registry/cases/{reg.case_id}/override", {"tier": "3", "reason": "Near a school."},
             token_from=f"/cases/{reg.case_id}")
    db.session.commit()
    assert reg.classification.tier == 3


def _in_notice(world):
    reg = make_registration(world, TIER2, name="Guide G9")
    to_review(world, reg)
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    return reg


def test_public_register_lists_notice_and_registered_without_confidential_data(world, client):
    reg = _in_notice(world)
    html = client.get("/register").get_data(as_text=True)
    assert "Guide G9" in html and f'data-object="{reg.case_id}"' in html
    # The signed checkpoints of the audit log are published beside the register.
    assert 'href="/transparency" id="register-checkpoints"' in html
    data = client.get("/register.json?section=public_notice").get_json()
    assert [e["model"] for e in data["entries"]] == ["Guide G9"]
    assert data["entries"][0]["tier"] == 2
    text = html + str(data)
    for secret in ("CR-1", "Cert Centre", "GB 4943.1-2022", "Acme Robotics", "1.4"):
        assert secret not in text


def test_anyone_may_object_and_is_rate_limited(world, web):
    reg = _in_notice(world)
    url = f"/register/notice/{reg.case_id}"
    who = {"objector": "Li", "contact": "li@example.test"}
    assert web.post(url, {"text": "It blocks the fire exit.", **who}, token_from=url).status_code == 303
    resp = web.get("/register")
    ref = db.session.execute(db.select(Objection.reference)).scalar()
    assert ref.startswith("OBJ-") and f"Your objection was received under reference {ref}." in resp.get_data(as_text=True)
    assert state(reg.case_id) == "public_notice"  # the objection keeps the model in notice
    # Four more objections from the same address in the hour are accepted, the sixth is not.
    for i in range(4):
        assert web.post(url, {"text": f"Objection number {i + 2}.", **who}, token_from=url).status_code == 303
    resp = web.post(url, {"text": "Objection number 6.", **who}, token_from=url)
    assert resp.status_code == 429
    assert "You have filed 5 objections in the last hour." in resp.get_data(as_text=True)
    assert state(reg.case_id) == "public_notice"
    assert db.session.execute(db.select(db.func.count(Objection.id))).scalar() == 5


def test_an_anonymous_objection_is_refused(world, web):
    reg = _in_notice(world)
    url = f"/register/notice/{reg.case_id}"
    resp = web.post(url, {"text": "It blocks the fire exit."}, token_from=url)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Give your name: the regulator answers every objection." in page
    assert "Give an e-mail or postal address for the answer." in page
    assert db.session.execute(db.select(db.func.count(Objection.id))).scalar() == 0


def test_objection_text_is_required(world, web):
    reg = _in_notice(world)
    url = f"/register/notice/{reg.case_id}"
    resp = web.post(url, {"text": ""}, token_from=url)
    assert resp.status_code == 422 and "Write your objection." in resp.get_data(as_text=True)
    assert state(reg.case_id) == "public_notice"


def test_firm_b_gets_404_for_firm_a_models_cases_notices_and_files(world, web):
    reg = make_registration(world, TIER2)
    to_review(world, reg)
    fire(reg, "request_clarification", world.officer, comment="Explain the speed test.")
    doc = add_document(data=PDF, filename="test-report.pdf", classification="internal", actor=world.applicant_a,
                       case=reg.case, firm_id=world.firm_a.id)
    model_id, case_id, doc_id = reg.model_id, reg.case_id, doc.id
    before = (counts(), state(case_id))
    web.login("b@firm-b.test")
    for path in (f"/registry/models/{model_id}", f"/registry/models/{model_id}/edit", f"/cases/{case_id}",
                 f"/cases/{case_id}/documents", sealed_url("document", doc_id)):
        assert web.get(path).status_code == 404, path
    posts = {
        f"/registry/models/{model_id}/edit": {**FORM, "action": "draft"},
        f"/registry/models/{model_id}/apply": {},
        f"/cases/{case_id}/act": {"trigger": "answer_clarification", "version": "99", "comment": "hi"},
    }
    for path, data in posts.items():
        assert web.post(path, data, token_from="/registry/models").status_code == 404, path
    db.session.expire_all()
    assert (counts(), state(case_id)) == before
    assert "Guide" not in web.get("/registry/models").get_data(as_text=True)


def test_rulesets_admin_creates_a_new_version_only(world, web):
    web.login("admin@t.test")
    html = web.get("/registry/rulesets/new").get_data(as_text=True)
    assert "level_points" in html
    resp = web.post("/registry/rulesets/new", {"rules": "{not json", "note": "x"}, token_from="/registry/rulesets/new")
    assert resp.status_code == 422 and "This is not valid JSON." in resp.get_data(as_text=True)
    rules = services.current_ruleset().rules
    db.session.commit()
    import json
    resp = web.post("/registry/rulesets/new", {"rules": json.dumps(rules), "note": "same table, new note"},
                    token_from="/registry/rulesets/new")
    assert resp.status_code == 303
    html = web.get("/registry/rulesets").get_data(as_text=True)
    assert re.search(r'data-version="2"', html) and re.search(r'data-version="1"', html)


def _firm_rows(web, query: str = "") -> list[tuple[int, str]]:
    """The firm's list as shown in English: (model id, what it owes) per row, in order."""
    html = web.get(f"/registry/models{query}{'&' if query else '?'}lang=en").get_data(as_text=True)
    return [(int(i), owes) for i, owes in re.findall(
        r'data-model-id="(\d+)">(?:(?!</tr>).)*?data-label="What you owe">([^<]*)</td>', html, re.S)]


def test_firm_page_costs_the_same_statements_however_many_models(world, firm_a, monkeypatch):
    """The statements of the firm's list do not grow with the models stored nor with those
    shown: a page of two and a full page of four out of fourteen cost the same."""
    from supervision.registry import firm_models
    from tests.cases.test_case_list import _statements_for

    monkeypatch.setattr(firm_models, "PAGE_SIZE", 4)
    for i in range(2):
        to_review(world, make_registration(world, TIER2, name=f"Robot {i}"))
    few = _statements_for(firm_a, "/registry/models")
    for i in range(2, 14):
        reg = make_registration(world, TIER2, name=f"Robot {i}")
        if i % 3:
            to_review(world, reg)
        if i % 4 == 0:
            declare_certificate(world, reg)
    assert _statements_for(firm_a, "/registry/models") == few
    assert _statements_for(firm_a, "/registry/models?page=3") == few
    shown = [i for page in range(1, 5) for i, _owes in _firm_rows(firm_a, f"?page={page}")]
    assert len(shown) == len(set(shown)) == 14


def test_firm_page_lists_first_the_models_the_firm_owes_something_on(world, firm_a):
    """A tier-2 model in review without a valid certificate is owed (listed first, with what to
    do); once its certificate is recorded, the next request shows it owing nothing."""
    in_review = make_registration(world, TIER2, name="Robot R")
    to_review(world, in_review)
    certified = make_registration(world, TIER2, name="Robot C")
    to_review(world, certified)
    declare_certificate(world, certified)
    draft = make_registration(world, TIER2, name="Robot D")
    db.session.commit()
    rows = _firm_rows(firm_a)
    owes_certificate = "Tier 2 and above need a valid certificate: your certification body records it for this model on the platform."
    assert rows == [(in_review.model_id, owes_certificate),
                    (draft.model_id, "Complete the application and submit it."),
                    (certified.model_id, "—")]
    declare_certificate(world, in_review)
    db.session.commit()
    assert _firm_rows(firm_a) == [(draft.model_id, "Complete the application and submit it."),
                                  (in_review.model_id, "—"), (certified.model_id, "—")]


def test_firm_page_kept_for_one_firm_is_never_shown_to_another(world, web, app):
    """Both firms signed in first (a sign-in writes), then each reads its list under the same
    data version: the list kept for firm A is not what firm B gets."""
    from tests.conftest import Browser

    ours = make_registration(world, TIER2, name="Robot Ours")
    theirs = make_registration(world, TIER2, name="Robot Theirs", firm=world.firm_b, actor=world.applicant_b)
    db.session.commit()
    other = Browser(app.test_client())
    web.login("a@firm-a.test")
    other.login("b@firm-b.test")
    assert [i for i, _owes in _firm_rows(web)] == [ours.model_id]
    assert [i for i, _owes in _firm_rows(other)] == [theirs.model_id]
    assert [i for i, _owes in _firm_rows(web)] == [ours.model_id]


def test_firm_page_in_english_and_chinese_from_one_firm(world, firm_a):
    make_registration(world, TIER2, name="Robot L")
    db.session.commit()
    english = firm_a.get("/registry/models?lang=en").get_data(as_text=True)
    chinese = firm_a.get("/registry/models?lang=zh").get_data(as_text=True)
    assert "Complete the application and submit it." in english and ">Draft<" in english
    assert "Complete the application and submit it." not in chinese and "Robot L" in chinese
    assert "lang=en" in english.split('id="firm-applications"')[1] and "lang=en" not in chinese


@pytest.mark.parametrize("field", ["text", "objector", "contact"])
def test_a_nul_character_in_a_form_is_refused_with_a_message_and_nothing_is_stored(world, web, field):
    """No text a person types holds NUL, and PostgreSQL cannot store it: a clear 400, not a 500."""
    reg = _in_notice(world)
    url = f"/register/notice/{reg.case_id}"
    values = {"text": "It blocks the fire exit.", "objector": "Li", "contact": "li@example.test"}
    values[field] = values[field][:3] + "\x00" + values[field][3:]
    resp = web.post(url, values, token_from=url)
    assert resp.status_code == 400
    assert "The form contained a character that is not allowed (NUL)." in resp.get_data(as_text=True)
    assert state(reg.case_id) == "public_notice"
    assert db.session.execute(db.select(db.func.count(Objection.id))).scalar() == 0


def test_a_nul_character_in_a_model_name_is_refused(firm_a):
    before = counts()
    resp = firm_a.post("/registry/models/new", {"name": "Robot\x00X", "action": "save"},
                       token_from="/registry/models/new")
    assert resp.status_code == 400
    assert counts() == before


def test_firm_page_pages_its_models_with_what_it_owes_first(world, firm_a, monkeypatch):
    from supervision.registry import firm_models

    monkeypatch.setattr(firm_models, "PAGE_SIZE", 3)
    regs = [make_registration(world, TIER2, name=f"Robot {i}") for i in range(5)]
    for reg in regs[:4]:
        fire(reg, "submit", world.applicant_a)  # the regulator's turn: nothing owed
    ids = [reg.model_id for reg in regs]

    def shown(page: str) -> list[int]:
        html = firm_a.get(f"/registry/models{page}").get_data(as_text=True)
        return [int(i) for i in re.findall(r'data-model-id="(\d+)"', html)]

    assert shown("") == [ids[4], ids[0], ids[1]]  # the draft (complete and submit it) first
    assert shown("?page=2") == [ids[2], ids[3]]
    assert shown("?page=99") == [ids[2], ids[3]] and shown("?page=-1") == shown("")
    assert "Page 1 of 2" in firm_a.get("/registry/models").get_data(as_text=True)


# -- refusals write nothing (a redirect commits the request's unit of work) ------------------

def _actions() -> list[str]:
    from supervision.audit.models import AuditEvent

    db.session.commit()
    return db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()


def test_an_objection_the_engine_refuses_leaves_no_objection_on_record(world, web, monkeypatch):
    from supervision.cases import services as cases
    from workflows.base import TransitionRefused

    reg = _in_notice(world)
    url = f"/register/notice/{reg.case_id}"
    before = _actions()

    def refuse(*args, **kwargs):
        raise TransitionRefused(["The notice period just ended."])

    monkeypatch.setattr(cases, "fire", refuse)
    resp = web.post(url, {"text": "It blocks the fire exit.", "objector": "Li", "contact": "li@example.test"},
                    token_from=url)
    assert resp.status_code == 303
    assert db.session.execute(db.select(db.func.count(Objection.id))).scalar() == 0
    assert state(reg.case_id) == "public_notice" and _actions() == before


def test_a_refused_submission_keeps_the_saved_draft_and_writes_nothing_else(world, firm_a, monkeypatch):
    """Saving and submitting is one service call: the submission is checked first, so a refused
    one leaves the saved draft (and its events) but no trace of the submission."""
    from workflows.registration import REGISTRATION

    monkeypatch.setattr(type(REGISTRATION), "refusals", lambda self, state, trigger, ctx: (
        ["Submissions are closed today."] if trigger == "submit" else []))
    resp = firm_a.post("/registry/models/new", {**FORM, "action": "submit"}, token_from="/registry/models/new",
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 303
    page = firm_a.get(resp.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Submissions are closed today." in page and "Saved." in page
    case = db.session.execute(db.select(Case)).scalar_one()
    assert case.state == "draft"
    assert "case.transition" not in _actions() and "registry.model_create" in _actions()
