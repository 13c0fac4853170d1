"""The audit log page and the verification page (auditors and administrators; reading only)."""
from __future__ import annotations

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.extensions import db
from tests.audit.helpers import make_events, tamper


def count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)).scalar_one()


@pytest.mark.parametrize("email", ["auditor@t.test", "admin@t.test"])
def test_auditors_and_admins_read_the_log(world, web, email):
    web.login(email)
    resp = web.get("/audit/")
    assert resp.status_code == 200
    assert f'id="event-{count()}"' in resp.get_data(as_text=True)


@pytest.mark.parametrize("email", ["officer@t.test", "approver@t.test", "a@firm-a.test", "expert@t.test"])
def test_others_may_not_read_the_log(world, web, email):
    web.login(email)
    assert web.get("/audit/").status_code in (403, 404)
    assert web.get("/audit/verify").status_code in (403, 404)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    resp = client.get("/audit/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_events_read_in_english(world, web):
    case = world.case()
    cases.fire(case, "withdraw", actor=world.applicant_a, reason="not for sale any more")
    web.login("auditor@t.test")
    html = web.get("/audit/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Case action: Withdraw application" in html
    assert "Draft → Withdrawn" in html
    assert "not for sale any more" in html
    assert "Signed in" in html
    assert "User created" in html
    assert "Applicant" in html  # the actor's role


def test_events_read_in_chinese_by_default(world, web):
    web.login("auditor@t.test")
    resp = web.get("/audit/", headers={"Accept-Language": "zh-CN"})
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in resp.get_data(as_text=True)


def test_pages_go_back_by_before(world, web):
    make_events(250)
    web.login("auditor@t.test")
    newest = count()
    first = web.get("/audit/").get_data(as_text=True)
    assert f'id="event-{newest}"' in first and f'id="event-{newest - 99}"' in first
    assert f'id="event-{newest - 100}"' not in first
    assert f'href="/audit/?before={newest - 99}"' in first
    second = web.get(f"/audit/?before={newest - 99}").get_data(as_text=True)
    assert f'id="event-{newest - 100}"' in second and f'id="event-{newest - 199}"' in second
    assert f'id="event-{newest - 99}"' not in second
    last = web.get("/audit/?before=3").get_data(as_text=True)
    assert 'id="event-2"' in last and 'id="event-1"' in last and 'id="event-3"' not in last
    assert "before=1" not in last


@pytest.mark.parametrize("before", ["99999999999999999999999999", "-5", "0", "abc", "1e9", "",
                                    "12%00", " 7 ", "9223372036854775808"])
def test_malformed_before_shows_the_newest_page(world, web, before):
    web.login("auditor@t.test")
    resp = web.get("/audit/", query_string={"before": before})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    if before.strip() != "7":
        assert f'id="event-{count()}"' in html


def test_verify_page_reports_an_intact_log(world, web):
    web.login("auditor@t.test")
    before = count()
    resp = web.get("/audit/verify", headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f"The audit log is intact: {before} events verified." in html
    assert count() == before  # verification only reads


def test_verify_page_names_the_first_bad_event(world, web):
    make_events(5)
    web.login("auditor@t.test")
    target = count() - 2
    tamper("UPDATE audit_events SET reason = 'edited' WHERE seq = :s", s=target)
    html = web.get("/audit/verify", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"The audit log is NOT intact: event {target} does not hold" in html
    assert f"{target - 1} events before it were verified." in html
