"""The case page: the actions a user may take now, refusals with reasons, the timeline in the
user's language, clock pauses, optimistic locking, and bad input answered cleanly."""
from __future__ import annotations

import datetime as dt

import re

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services
from supervision.cases.models import Case
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, then, version_of

CHANGED = "This case was changed by someone else. Reload the page and try again."


def offered(html: str) -> dict[str, bool]:
    """Actions on the page: trigger -> whether it can be fired now (False: shown as refused)."""
    return {m.group(1): not m.group(2)
            for m in re.finditer(r'data-action="([a-z_]+)"( data-refused="1")?', html)}


def previewed_of(html: str) -> str:
    """The facts hash the approve form carries from the draft decision shown with it."""
    return re.search(r'name="previewed_facts" value="([0-9a-f]{64})"', html).group(1)


def transitions_of(case_id: int) -> list[str]:
    return list(db.session.execute(
        db.select(AuditEvent.trigger).where(AuditEvent.case_id == case_id,
                                            AuditEvent.action == "case.transition")
        .order_by(AuditEvent.seq)).scalars())


def set_language(web, lang: str, back: str) -> None:
    resp = web.post("/language", {"lang": lang, "next": back}, token_from=back)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(back)


@pytest.fixture
def submitted(world):
    case = world.case()
    put_in_state(case, "submitted")
    return case


def test_each_role_sees_the_actions_the_table_gives_it(world, web, submitted):
    sign_in(web, "officer@t.test")
    assert offered(web.get(f"/cases/{submitted.id}").get_data(as_text=True)) == {
        "accept": True, "not_accept": True, "request_supplement": True}
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "a@firm-a.test")
    assert offered(web.get(f"/cases/{submitted.id}").get_data(as_text=True)) == {"withdraw": True}
    web.client.post("/logout", data={"csrf_token": web.csrf(f"/cases/{submitted.id}")})
    sign_in(web, "auditor@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    assert offered(html) == {}
    assert "Submitted" in html


def test_a_refused_action_is_shown_with_its_reason(world, web):
    case = world.case()
    put_in_state(case, "classification_review")
    services.fire(case, "propose_refusal", actor=world.dual, reason="Outside Art. 3.")
    sign_in(web, "dual@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert offered(html) == {"approve": False, "return": False}
    assert "You proposed this decision; another approver must decide it (four eyes)." in html
    # Posting it anyway is refused by the server as well, and nothing changes.
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "approve", "version": version_of(html)},
                    token_from=f"/cases/{case.id}")
    resp = then(web, resp)
    assert "another approver must decide it (four eyes)" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "decision_proposed"


def test_the_dual_role_user_approves_a_colleagues_proposal_in_the_browser(world, web):
    case = world.case()
    put_in_state(case, "classification_review")
    services.fire(case, "propose_refusal", actor=world.officer, reason="Outside Art. 3.")
    sign_in(web, "dual@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert offered(html)["approve"] is True
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "approve", "version": version_of(html),
                                              "previewed_facts": previewed_of(html)},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "refused"


def test_firing_from_the_page_with_a_reason(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    resp = web.post(f"/cases/{submitted.id}/act",
                    {"trigger": "not_accept", "version": version_of(html), "reason": "Not a robot (Art. 3).",
                     "competent_authority": "Market Regulation"},
                    token_from=f"/cases/{submitted.id}")
    resp = then(web, resp)
    page = resp.get_data(as_text=True)
    assert "Done: Do not accept." in page
    assert "Not a robot (Art. 3)." in page  # on the timeline
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "not_accepted"


def test_a_required_reason_left_empty_is_refused_with_a_message(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "not_accept", "version": version_of(html)},
                    token_from=f"/cases/{submitted.id}")
    resp = then(web, resp)
    assert "Give the reasons for this action." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "submitted"


def test_a_stale_version_gets_409_and_changes_nothing(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    stale = version_of(html)
    services.claim(submitted, actor=world.officer2)  # someone else changed the case meanwhile
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": stale},
                    token_from=f"/cases/{submitted.id}")
    assert resp.status_code == 409
    assert CHANGED in resp.get_data(as_text=True)
    db.session.expire_all()
    case = db.session.get(Case, submitted.id)
    assert (case.state, case.version, case.assignee_id) == ("submitted", stale + 1, world.officer2.id)
    assert transitions_of(case.id) == []


def test_the_409_message_is_in_the_users_language(world, web, submitted, zh_catalog):
    sign_in(web, "officer@t.test")
    set_language(web, "zh", f"/cases/{submitted.id}")
    stale = version_of(web.get(f"/cases/{submitted.id}").get_data(as_text=True))
    services.claim(submitted, actor=world.officer2)
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": stale},
                    token_from=f"/cases/{submitted.id}")
    assert resp.status_code == 409
    assert zh_catalog[CHANGED] in resp.get_data(as_text=True)


def test_a_stale_claim_gets_409(world, web, submitted):
    sign_in(web, "officer@t.test")
    stale = version_of(web.get(f"/cases/{submitted.id}").get_data(as_text=True))
    services.fire(submitted, "accept", actor=world.officer2)
    resp = web.post(f"/cases/{submitted.id}/claim", {"version": stale}, token_from="/cases")
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).assignee_id == world.officer2.id  # who accepted it


def test_the_timeline_and_clock_pause_in_both_languages(world, web, submitted, zh_catalog):
    services.fire(submitted, "accept", actor=world.officer)
    services.fire(submitted, "start_review", actor=world.officer)
    services.fire(submitted, "request_clarification", actor=world.officer, comment="Send the wiring diagram.")
    sign_in(web, "officer@t.test")
    path = f"/cases/{submitted.id}"

    set_language(web, "en", path)
    en = web.get(path).get_data(as_text=True)
    assert '<html lang="en">' in en
    timeline = en[en.index('class="timeline"'):]
    assert "Case created" in timeline
    assert "Request clarification" in timeline
    assert "Classification review → Clarification requested" in timeline
    assert "Send the wiring diagram." in timeline
    assert "ongoing" not in en          # a clarification after acceptance does not stop the clock

    set_language(web, "zh", path)
    zh = web.get(path).get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh
    timeline = zh[zh.index('class="timeline"'):]
    assert "案件已创建" in timeline
    assert "要求说明" in timeline
    assert "分级审查 → 已要求说明" in timeline
    assert "Request clarification" not in timeline

    # The firm answers; testing (行政许可法 Art. 45) stops the clock, and when it is done the
    # clock resumes and the pause is closed with its length.
    services.fire(submitted, "answer_clarification", actor=world.applicant_a, comment="Attached.")
    services.fire(submitted, "pause_for_procedure", actor=world.officer, procedure="testing",
                  expected_until=dt.date(2026, 12, 30), reason="Obstacle avoidance to be tested.")
    set_language(web, "en", path)
    en = web.get(path).get_data(as_text=True)
    assert "Clock pauses" in en and "ongoing" in en
    assert "paused, " in en and "working days left" in en
    services.fire(submitted, "resume_review", actor=world.officer, comment="Test report received.")
    en = web.get(path).get_data(as_text=True)
    assert "ongoing" not in en
    assert re.search(r"Hearing, testing or appraisal: [0-9: -]+ – [0-9: -]+ \(\d+ working days\)", en)


def test_the_supplement_items_show_on_the_timeline(world, web, submitted):
    services.fire(submitted, "request_supplement", actor=world.officer,
                  items=("Send the wiring diagram.", "Send the speed test."))
    sign_in(web, "officer@t.test")
    path = f"/cases/{submitted.id}"
    set_language(web, "en", path)
    en = web.get(path).get_data(as_text=True)
    timeline = en[en.index('class="timeline"'):]
    assert "Send the wiring diagram." in timeline and "Send the speed test." in timeline


def test_the_help_page_shows_the_diagram_and_the_table(world, web):
    sign_in(web, "officer@t.test")
    resp = web.get("/help/workflows/registration")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<svg" in html and "<?xml" not in html
    assert "Classification review" in html.split("<svg", 1)[1]  # node labels in the diagram
    tables = html.split("</svg>", 1)[1]
    assert "Decision proposed" in tables and "Propose refusal" in tables and "Four eyes" in tables
    # labels in the user's language, no code names beside them (codes only in JSON and exports)
    assert "decision_proposed" not in tables and "four_eyes" not in tables and "propose_refusal" not in tables
    assert web.get("/help/workflows/nonsense").status_code == 404


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/cases/99999999999999999999", "/cases/0", "/cases/2147483648",
                                  "/cases/123456"])
def test_unknown_or_huge_case_ids_are_404(world, web, path):
    sign_in(web, "officer@t.test")
    resp = web.get(path)
    assert resp.status_code == 404
    assert "The page or object was not found." in resp.get_data(as_text=True)
    resp = web.post(path + "/act", {"trigger": "accept", "version": 1}, token_from="/cases")
    assert resp.status_code == 404


def test_a_trigger_not_valid_now_is_400(world, web):
    case = world.case()
    put_in_state(case, "classification_review")
    sign_in(web, "officer@t.test")
    version = case.version
    for trigger in ("accept", "no_such_trigger", "to_registered"):
        resp = web.post(f"/cases/{case.id}/act", {"trigger": trigger, "version": version},
                        token_from="/cases")
        assert resp.status_code == 400, trigger
        assert "This action is not possible in the case&#39;s current state." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "classification_review"
    assert transitions_of(case.id) == []


@pytest.mark.parametrize("data", [{"trigger": "accept"}, {"trigger": "accept", "version": "abc"},
                                  {"trigger": "accept", "version": "99999999999999999999"},
                                  {"trigger": "accept", "version": "-1"}, {"version": "1"},
                                  {"trigger": "x" * 500, "version": "1"}])
def test_a_malformed_action_is_400(world, web, submitted, data):
    sign_in(web, "officer@t.test")
    resp = web.post(f"/cases/{submitted.id}/act", data, token_from="/cases")
    assert resp.status_code == 400
    assert "The action could not be read." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "submitted"


def test_a_foreign_case_is_404_for_another_firm_and_403_for_another_department(world, web, submitted):
    sign_in(web, "b@firm-b.test")
    assert web.get(f"/cases/{submitted.id}").status_code == 404
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "withdraw", "version": submitted.version,
                                                   "reason": "x"}, token_from="/cases")
    assert resp.status_code == 404
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "other@t.test")
    assert web.get(f"/cases/{submitted.id}").status_code == 403
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": submitted.version},
                    token_from="/cases")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "submitted"


def test_an_action_outside_the_users_role_is_403(world, web, submitted):
    sign_in(web, "a@firm-a.test")
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": submitted.version},
                    token_from="/cases")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "submitted"


def test_an_auditor_cannot_post_actions(world, web, submitted):
    sign_in(web, "auditor@t.test")
    resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": submitted.version},
                    token_from="/cases")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, submitted.id).state == "submitted"


def _timeline_seqs(html: str) -> list[int]:
    section = html[html.index('id="timeline"'):]
    section = section[:section.index("</ol>")]
    return [int(s) for s in re.findall(r"#(\d+) · ", section)]


def test_a_long_timeline_shows_the_latest_events_and_pages_back(world, web, submitted):
    from supervision.audit.services import record

    for i in range(230):
        record("document.download", actor=world.officer, case=submitted, object_type="document",
               object_id=i, details={"n": i})
    db.session.commit()
    seqs = db.session.execute(db.select(AuditEvent.seq).where(AuditEvent.case_id == submitted.id)
                              .order_by(AuditEvent.seq)).scalars().all()
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    assert _timeline_seqs(html) == seqs[-100:]
    assert f"Showing 100 of {len(seqs)} events." in html
    for expected in (seqs[-200:-100], seqs[:-200]):
        earlier = re.search(r'href="([^"]+)" id="timeline-earlier"', html).group(1).replace("&amp;", "&")
        html = web.get(earlier).get_data(as_text=True)
        assert _timeline_seqs(html) == expected
    assert 'id="timeline-earlier"' not in html and 'id="timeline-latest"' in html


@pytest.mark.parametrize("before", ["abc", "-5", "0", str(2**70)])
def test_a_bad_timeline_page_shows_the_latest_events(world, web, submitted, before):
    sign_in(web, "officer@t.test")
    resp = web.get(f"/cases/{submitted.id}?before={before}")
    assert resp.status_code == 200
    seqs = db.session.execute(db.select(AuditEvent.seq).where(AuditEvent.case_id == submitted.id)
                              .order_by(AuditEvent.seq)).scalars().all()
    assert _timeline_seqs(resp.get_data(as_text=True)) == seqs
