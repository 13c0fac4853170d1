"""The public register as a citizen uses it: pages with totals, search by registration number,
model, firm or credit code (``%`` and ``_`` are plain characters), a tier filter, parameters it
cannot use answered with a message and never an error; the JSON pages the same way; the tier
shown is the one in force; and a page costs the same statements however big the register is."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry import presenters, services
from supervision.registry.models import Registration
from tests.cases.test_case_list import _statements_for
from tests.conftest import World, copy_rows, empty_tables, restore_rows
from tests.registry.conftest import TIER2, declare_certificate, fire, make_registration, to_registered, to_review

ROW = re.compile(r'<tr data-case-id="(\d+)">')


def section(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


def names_in(html: str, table_id: str, regs: dict) -> list[str]:
    by_case = {r.case_id: name for name, r in regs.items()}
    return [by_case[int(i)] for i in ROW.findall(section(html, table_id))]


def registered(html: str, regs: dict) -> list[str]:
    return names_in(html, "registered-table", regs)


def pager(html: str, name: str = "registered") -> str:
    start = html.index(f'data-pager="{name}"')
    return html[start:html.index("</nav>", start)]


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', pager(html))
    return htmllib.unescape(found.group(1)) if found else None


def tier_by_hand(world, name: str, tier: int):
    """A model whose tier the officer overrode during review, through notice to registration."""
    reg = make_registration(world, name=name)
    to_review(world, reg)
    services.override_tier(reg, actor=world.officer, tier=tier, reason="Works next to a primary school.")
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    reg.case.due_date = local_today() - dt.timedelta(days=1)   # the notice period has run out
    db.session.commit()
    fire(reg, "conclude_notice", world.officer)
    assert reg.case.state == "registered"
    return reg


def build_register(world) -> dict:
    """Registered: five Porters and a tier-3 Patrol of firm A, two Bots of firm B; in notice: a
    tier-2 Guide; rescinded: an Old model.  Registration numbers follow this order."""
    out = {}
    for i in range(1, 6):
        out[f"Porter P{i}"] = make_registration(world, name=f"Porter P{i}")
        to_registered(world, out[f"Porter P{i}"])
    for name in ("100%_Bot", "1000 Bot"):
        out[name] = reg = make_registration(world, name=name, firm=world.firm_b, actor=world.applicant_b)
        fire(reg, "submit", world.applicant_b)
        for trigger in ("accept", "start_review", "propose_grant"):
            fire(reg, trigger, world.officer)
        fire(reg, "approve", world.approver)
    out["Patrol T3"] = tier_by_hand(world, "Patrol T3", 3)
    out["Guide G9"] = make_registration(world, TIER2, name="Guide G9")
    to_review(world, out["Guide G9"])
    declare_certificate(world, out["Guide G9"])
    fire(out["Guide G9"], "propose_grant", world.officer)
    fire(out["Guide G9"], "approve", world.approver)
    out["Old O1"] = make_registration(world, name="Old O1")
    to_registered(world, out["Old O1"])
    fire(out["Old O1"], "notice_rescission", world.officer, reason="The grant rested on a forged report.",
         rescission_ground="improper_means", evidence="The test laboratory's letter.")
    fire(out["Old O1"], "file_statement", world.applicant_a, comment="An agent handled the report.")
    fire(out["Old O1"], "propose_rescission", world.officer, reason="The grant rested on a forged report.",
         defence_reply="The applicant answers for its materials.", public_interest="no_serious_harm")
    fire(out["Old O1"], "approve_rescission", world.approver)
    db.session.commit()
    return out


@pytest.fixture(scope="module")
def register_rows(app):
    """The register of ``build_register``, made once through the services (21 signed decisions,
    the slow part) and kept as rows; with the registration ids by model name."""
    with app.app_context():
        ids = {name: reg.id for name, reg in build_register(World()).items()}
        rows = copy_rows()
        db.session.remove()
        empty_tables()
    return rows, ids


@pytest.fixture
def regs(register_rows):
    """The register put back for this test, which only reads it: registrations by model name."""
    rows, ids = register_rows
    restore_rows(rows)
    return {name: db.session.get(Registration, id_) for name, id_ in ids.items()}


REGISTERED = ["Porter P1", "Porter P2", "Porter P3", "Porter P4", "Porter P5", "100%_Bot", "1000 Bot",
              "Patrol T3"]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(presenters, "REGISTER_PAGE_SIZE", 3)


def test_the_register_pages_in_number_order_with_totals(client, regs, small_pages):
    html = client.get("/register").get_data(as_text=True)
    assert registered(html, regs) == REGISTERED[:3]
    assert 'data-total="registered">Entries: 8<' in html
    assert 'data-total="public_notice">Entries: 1<' in html
    assert 'data-total="suspended_or_ended">Entries: 1<' in html
    assert "Page 1 of 3" in pager(html) and link(html, "prev") is None
    seen, path = [], "/register"
    while path:
        html = client.get(path).get_data(as_text=True)
        seen += registered(html, regs)
        path = link(html, "next")
    assert seen == REGISTERED
    page2 = client.get("/register?page=2").get_data(as_text=True)
    assert registered(page2, regs) == REGISTERED[3:6]
    assert "Page 2 of 3" in pager(page2) and link(page2, "prev") == "/register#registered"
    # The other sections stay as they are on every page of this one.
    assert names_in(page2, "notice-table", regs) == ["Guide G9"]
    assert names_in(page2, "ended-table", regs) == ["Old O1"]


@pytest.mark.parametrize("query, expected", [
    ("porter p2", ["Porter P2"]),                  # model, any case
    ("PATROL", ["Patrol T3"]),
    ("firm b", ["100%_Bot", "1000 Bot"]),          # firm, English name
    ("乙公司", ["100%_Bot", "1000 Bot"]),           # firm, Chinese name
    ("bot", ["100%_Bot", "1000 Bot"]),
    ("nothing like this", []),
])
def test_search_by_model_and_firm(client, regs, query, expected):
    html = client.get("/register", query_string={"q": query}).get_data(as_text=True)
    assert registered(html, regs) == expected
    assert f'data-total="registered">Entries: {len(expected)}<' in html
    if not expected:
        assert "No entry matches your search." in section(html, "registered-table")


def test_search_by_registration_number_and_credit_code(client, regs):
    number = regs["Porter P4"].registration_number
    html = client.get("/register", query_string={"q": number}).get_data(as_text=True)
    assert registered(html, regs) == ["Porter P4"]
    code = regs["1000 Bot"].case.firm.credit_code[-7:].lower()   # firm B's, part of it, in lower case
    html = client.get("/register", query_string={"q": f"  {code} "}).get_data(as_text=True)
    assert registered(html, regs) == ["100%_Bot", "1000 Bot"]


def test_search_applies_to_every_section(client, regs):
    html = client.get("/register?q=guide").get_data(as_text=True)
    assert names_in(html, "notice-table", regs) == ["Guide G9"]
    assert registered(html, regs) == [] and names_in(html, "ended-table", regs) == []
    html = client.get("/register?q=old").get_data(as_text=True)
    assert names_in(html, "ended-table", regs) == ["Old O1"]
    assert 'id="register-show-all"' in html


@pytest.mark.parametrize("query, expected", [
    ("%", ["100%_Bot"]),
    ("_", ["100%_Bot"]),
    ("0%_b", ["100%_Bot"]),
    ("0_", []),               # as a wildcard, _ would match both Bots ("0%", "00")
    ("\\", []),
])
def test_like_wildcards_are_plain_characters(client, regs, query, expected):
    html = client.get("/register", query_string={"q": query}).get_data(as_text=True)
    assert registered(html, regs) == expected


def test_tier_filter(client, regs):
    html = client.get("/register?tier=3").get_data(as_text=True)
    assert registered(html, regs) == ["Patrol T3"]
    assert 'data-tier="3"' in section(html, "registered-table")
    assert names_in(html, "notice-table", regs) == []
    html = client.get("/register?tier=2").get_data(as_text=True)
    assert names_in(html, "notice-table", regs) == ["Guide G9"] and registered(html, regs) == []
    html = client.get("/register?tier=1&q=bot").get_data(as_text=True)
    assert registered(html, regs) == ["100%_Bot", "1000 Bot"]
    assert '<option selected value="1">' in html


def test_paging_keeps_the_search_and_tier(client, regs, monkeypatch):
    monkeypatch.setattr(presenters, "REGISTER_PAGE_SIZE", 2)
    html = client.get("/register?q=porter&tier=1").get_data(as_text=True)
    assert registered(html, regs) == ["Porter P1", "Porter P2"]
    nxt = link(html, "next")
    assert "q=porter" in nxt and "tier=1" in nxt
    assert registered(client.get(nxt).get_data(as_text=True), regs) == ["Porter P3", "Porter P4"]


@pytest.mark.parametrize("query, shown", [
    ("page=-5", REGISTERED[:3]), ("page=0", REGISTERED[:3]), ("page=abc", REGISTERED[:3]),
    ("page=99999999999999999999", REGISTERED[6:]), ("page=3", REGISTERED[6:]),
    ("notice_page=x&ended_page=-1", REGISTERED[:3]),
    ("tier=9", REGISTERED[:3]), ("tier=abc", REGISTERED[:3]), ("tier=", REGISTERED[:3]),
    ("q=" + "x" * 5000, REGISTERED[:3]), ("q=%00%ff", []),
])
def test_parameters_it_cannot_use_never_fail(client, regs, small_pages, query, shown):
    resp = client.get("/register?" + query)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert registered(html, regs) == shown
    if query.startswith("tier=") and query != "tier=":
        assert "Unknown tier; showing all tiers." in html
    if query.startswith("q=x"):
        assert "Search for at most 100 characters; the search was not applied." in html


def test_json_pages_with_links_and_the_same_filters(client, regs, small_pages):
    data = client.get("/register.json").get_json()
    assert (data["section"], data["total"], data["page"], data["pages"], data["page_size"]) == ("registered", 8, 1, 3, 3)
    assert [e["model"] for e in data["entries"]] == REGISTERED[:3]
    assert data["previous"] is None
    seen, url = [], "/register.json"
    while url:
        data = client.get(url).get_json()
        seen += [e["model"] for e in data["entries"]]
        url = data["next"]
    assert seen == REGISTERED and data["page"] == 3
    assert client.get(data["previous"]).get_json()["page"] == 2
    assert set(data["entries"][0]) == {"registration_number", "model", "firm", "tier", "status", "form_factor",
                                       "intelligence_level", "scenario_classes", "registered_on",
                                       "valid_until", "public_notice_until"}

    data = client.get("/register.json?tier=3").get_json()
    assert [(e["model"], e["tier"]) for e in data["entries"]] == [("Patrol T3", 3)]
    data = client.get("/register.json", query_string={"q": "_"}).get_json()
    assert [e["model"] for e in data["entries"]] == ["100%_Bot"]
    data = client.get("/register.json?q=bot&page=1").get_json()
    assert data["total"] == 2 and data["next"] is None
    data = client.get("/register.json?section=suspended_or_ended").get_json()
    assert [(e["model"], e["status"]) for e in data["entries"]] == [("Old O1", "rescinded")]
    data = client.get("/register.json?page=abc").get_json()
    assert data["page"] == 1
    data = client.get("/register.json?q=%00&tier=").get_json()   # a NUL is a space: no search
    assert data["total"] == 8
    data = client.get("/register.json?page=400").get_json()
    assert data["page"] == 3 and data["next"] is None


@pytest.mark.parametrize("query, message", [
    ("tier=7", "Unknown tier; showing all tiers."),
    ("section=drafts", "Unknown section"),
    ("q=" + "y" * 101, "Search for at most 100 characters"),
])
def test_json_refuses_a_parameter_it_cannot_use_with_the_reason(client, regs, query, message):
    resp = client.get("/register.json?" + query)
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]


def test_the_tier_shown_is_the_one_in_force(world, client):
    reg = make_registration(world, TIER2, name="Changeable C1")
    to_review(world, reg)
    assert reg.tier == reg.classification.tier == 2
    services.override_tier(reg, actor=world.officer, tier=4, reason="Operates in crowded stations.")
    db.session.commit()
    assert reg.tier == reg.classification.tier == 4
    services.reclassify(reg, actor=world.officer, reason="Objection reviewed: back to the computed tier.")
    assert reg.tier == reg.classification.tier == 2
    services.override_tier(reg, actor=world.officer, tier=3, reason="Used near a kindergarten in practice.")
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    data = client.get("/register.json?section=public_notice").get_json()
    assert [(e["model"], e["tier"]) for e in data["entries"]] == [("Changeable C1", 3)]
    assert client.get("/register.json?section=public_notice&tier=2").get_json()["total"] == 0


def test_a_page_costs_the_same_statements_whatever_the_size(world, client, small_pages):
    reg = make_registration(world, name="First F1")
    to_registered(world, reg)
    paths = ("/register", "/register?q=f&tier=1&page=2", "/register.json", "/register.json?q=f&page=2")
    client.get("/register")   # warm caches
    few = [_statements_for(client, p) for p in paths]
    for i in range(7):
        reg = make_registration(world, name=f"Further F{i}")
        to_registered(world, reg)
    assert [_statements_for(client, p) for p in paths] == few
    assert few[0] <= 4 + 2   # totals, three pages; the session's own statements
