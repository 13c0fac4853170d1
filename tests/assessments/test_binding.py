"""Rulesets bound to Art. 47: a stricter version needs a passed assessment covering each change
and an adopted instrument; a looser one needs neither; the chain is shown and explained."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from supervision.assessments.models import RulesetBinding
from supervision.extensions import db
from supervision.legal import services as legal
from supervision.registry import services, tiering
from tests.assessments.conftest import passed, propose, to_conclusion
from tests.cases.conftest import sign_in, then

CHANGE = "obligation:3:geofence_log"


def _adopt(world, key="city_measure"):
    return legal.save_instrument(
        key, title_zh="杭州市具身智能机器人分级监管办法", title_en="Hangzhou Measures on Tiered Supervision",
        issuing_body_zh="杭州市人民政府", issuing_body_en="Hangzhou Municipal People's Government",
        document_number="杭政令〔2026〕1号", adopted_on=dt.date(2026, 11, 1), status="adopted", actor=world.admin)


def _stricter():
    rules = copy.deepcopy(services.current_ruleset().rules)
    rules["obligations"]["3"].append("geofence_log")
    rules["obligations"]["4"].append("geofence_log")
    return rules


def test_stricter_changes_are_found():
    before = tiering.DEFAULT_RULES_V1
    after = copy.deepcopy(before)
    after["obligations"]["2"].append("insurance")
    after["tiers"][2]["min_score"] = 3
    after["tiers"][3]["min_score"] = 7
    assert tiering.stricter_changes(before, after) == ["obligation:2:insurance", "boundary:3"]
    assert tiering.stricter_changes(after, before) == ["boundary:4"]


def test_stricter_without_a_passed_assessment_or_an_adopted_instrument_is_refused(world):
    rules = _stricter()
    rules["obligations"]["4"].remove("geofence_log")
    case = propose(world)
    to_conclusion(world, case)
    _adopt(world)
    with pytest.raises(services.RegistryError) as err:  # the assessment is not concluded yet
        services.create_ruleset(actor=world.admin, rules=rules, note="Fence logs", assessment_ref=case.number,
                                instrument="city_measure")
    assert "is not a passed Art. 47 assessment" in err.value.message
    passed(world, case)
    with pytest.raises(services.RegistryError) as err:  # no instrument
        services.create_ruleset(actor=world.admin, rules=rules, note="Fence logs", assessment_ref=case.number)
    assert "name the adopted instrument" in err.value.message
    with pytest.raises(services.RegistryError):  # the example measure is only a draft
        services.create_ruleset(actor=world.admin, rules=rules, note="Fence logs", assessment_ref=case.number,
                                instrument="measure")
    with pytest.raises(services.RegistryError) as err:  # an instrument, but no assessment
        services.create_ruleset(actor=world.admin, rules=rules, note="Fence logs", assessment_ref="",
                                instrument="city_measure")
    assert CHANGE in err.value.params["missing"]
    assert services.current_ruleset().version == 1


def test_an_assessment_covers_only_the_changes_its_measure_lists(world):
    case = propose(world)
    to_conclusion(world, case)
    passed(world, case)
    _adopt(world)
    with pytest.raises(services.RegistryError) as err:  # tier 4 is not covered
        services.create_ruleset(actor=world.admin, rules=_stricter(), note="Fence logs", assessment_ref=case.number,
                                instrument="city_measure")
    assert err.value.params["missing"] == "obligation:4:geofence_log"


def test_with_both_it_activates_and_the_chain_is_shown(world, web):
    case = propose(world, changes=(CHANGE, "obligation:4:geofence_log"))
    to_conclusion(world, case)
    passed(world, case)
    _adopt(world)
    rs = services.create_ruleset(actor=world.admin, rules=_stricter(), note="Fence logs", assessment_ref=case.number,
                                 instrument="city_measure")
    assert rs.version == 2
    rows = db.session.execute(db.select(RulesetBinding).order_by(RulesetBinding.change)).scalars().all()
    assert [(r.change, r.case_id, r.instrument) for r in rows] == [
        (CHANGE, case.id, "city_measure"), ("obligation:4:geofence_log", case.id, "city_measure")]
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get("/registry/rulesets").get_data(as_text=True)
    assert f"rests on Hangzhou Measures on Tiered Supervision, assessed in case {case.number}" in page
    assert "评〔2026〕" in page
    case_page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="bindings"' in case_page and CHANGE in case_page


def test_a_classification_rationale_names_the_chain(world):
    from supervision.registry.models import Ruleset

    case = propose(world, changes=(CHANGE, "obligation:4:geofence_log"))
    to_conclusion(world, case)
    passed(world, case)
    _adopt(world)
    rs = services.create_ruleset(actor=world.admin, rules=_stricter(), note="Fence logs", assessment_ref=case.number,
                                 instrument="city_measure")
    from supervision.assessments.binding import rationale_lines

    zh, en = rationale_lines(db.session.get(Ruleset, rs.id), 3)
    assert en == [f'Obligation "geofence_log" rests on Hangzhou Measures on Tiered Supervision, assessed in case '
                  f'{case.number} (conclusion {world.department.doc_prefix}评〔2026〕1号).']
    assert rationale_lines(db.session.get(Ruleset, rs.id), 2) == ([], [])


def test_a_looser_ruleset_needs_neither(world):
    rules = copy.deepcopy(services.current_ruleset().rules)
    rules["obligations"]["2"].remove("annual_report")
    rules["tiers"][3]["min_score"] = 7
    assert services.create_ruleset(actor=world.admin, rules=rules, note="Lighter", assessment_ref="").version == 2


def test_the_admin_form_refuses_with_a_clear_message(world, web):
    _adopt(world)
    db.session.commit()
    sign_in(web, "admin@t.test")
    form = web.get("/registry/rulesets/new").get_data(as_text=True)
    assert 'value="city_measure"' in form and 'value="measure"' not in form  # adopted instruments only
    resp = web.post("/registry/rulesets/new", {"rules": json.dumps(_stricter()), "note": "Fence logs",
                                               "assessment_ref": "", "instrument": "city_measure"},
                    token_from="/registry/rulesets/new")
    assert resp.status_code == 422
    assert "This version is stricter than the one in force (obligation:3:geofence_log, obligation:4:geofence_log)" \
        in resp.get_data(as_text=True)


def test_production_flags_obligations_that_rest_on_no_assessment(app, world, web):
    services.current_ruleset()
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert "rests on no Art. 47 assessment" not in web.get("/registry/rulesets").get_data(as_text=True)
    app.config["ENV_NAME"] = "production"
    try:
        page = web.get("/registry/rulesets").get_data(as_text=True)
    finally:
        app.config["ENV_NAME"] = "testing"
    assert "Tier 3 obligation geofence rests on no Art. 47 assessment" in page
