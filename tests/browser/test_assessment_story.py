"""The Art. 47 story in the browser, in Chinese and in English: the officer proposes a measure and
writes the three assessments and the fair-competition review, draws an expert who gives an
opinion, opens a consultation; a member of the public comments, the officer moderates it; the
conclusion passes with four eyes, the recommendation is issued, and the administrator activates
a stricter ruleset that cites the assessment and an adopted instrument.  The PDFs are rendered to
PNG (test-artifacts/screenshots/<lang>/assessment-*.png) for a person to look at.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text."""
from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess

import pytest

from supervision.assessments import services as assessments
from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.experts import services as experts
from supervision.extensions import db
from supervision.legal import services as legal
from supervision.registry import services as registry
from tests.assessments.conftest import COMPLETE, TEXT
from tests.browser.test_registration_story import Story, case_state

pytestmark = pytest.mark.browser


def _finding(story, page, case_id: int, kind: str) -> None:
    page.goto(f"{story.base}/assessments/{case_id}/findings/{kind}")
    for name, value in COMPLETE[kind].items():
        if name == "alternatives":
            page.fill('[name="alternatives-0-alternative"]', value[0]["alternative"])
            page.fill('[name="alternatives-0-why_insufficient"]', value[0]["why_insufficient"])
        else:
            page.fill(f'[name="{name}"]', value)
    story.shot(page, f"assessment-{kind}")
    page.click("#save-finding")
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_assessment_story(world, live_server, browser, lang, tmp_path):
    story = Story(browser, live_server, lang)
    base = live_server
    experts.create_expert(world.expert, fields=["law"], actor=world.admin)
    legal.save_instrument("city_measure", title_zh="杭州市具身智能机器人分级监管办法",
                          title_en="Hangzhou Measures on Tiered Supervision", issuing_body_zh="杭州市人民政府",
                          issuing_body_en="Hangzhou Municipal People's Government",
                          document_number="杭政令〔2026〕1号", adopted_on=dt.date(2026, 11, 1), status="adopted",
                          actor=world.admin)
    db.session.commit()
    try:
        officer = story.open_as("officer@t.test")
        officer.goto(base + "/assessments/new")
        officer.fill('[name="title"]', "第三级机器人电子围栏日志措施")
        officer.fill('[name="text"]', TEXT)
        officer.fill('[name="problem"]', "机器人离开许可区域。")
        officer.check('input[name="tiers"][value="3"]')
        officer.check('input[name="scenario_classes"][value="S2"]')
        officer.fill('[name="ruleset_changes"]', "obligation:3:geofence_log")
        story.shot(officer, "assessment-propose")
        officer.click("#save-measure")
        officer.wait_for_load_state()
        case_id = int(officer.url.rstrip("/").split("/")[-1])
        story.act(officer, case_id, "start_assessment")
        _finding(story, officer, case_id, "necessity")
        story.act(officer, case_id, "complete_necessity")
        _finding(story, officer, case_id, "safety")
        story.act(officer, case_id, "complete_safety")
        _finding(story, officer, case_id, "effectiveness")
        _finding(story, officer, case_id, "fair_competition")
        story.act(officer, case_id, "complete_effectiveness")
        assert case_state(case_id) == "expert_review"

        officer.goto(f"{base}/cases/{case_id}/experts/draw")
        officer.fill('[name="n"]', "1")
        officer.check('input[name="fields"][value="law"]')
        # The draw form marks every field box ``required`` (the experts package's form): the
        # browser would insist on all of them; the server checks that at least one is chosen.
        officer.evaluate("document.getElementById('draw-form').noValidate = true")
        officer.click("#draw-form button[type=submit]")
        officer.wait_for_load_state()
        story.shot(officer, "assessment-drawn")
        expert = story.open_as("expert@t.test")
        expert.goto(f"{base}/experts/cases/{case_id}")
        story.shot(expert, "assessment-expert-material")
        expert.select_option('[name="recommendation"]', "supports_with_changes")
        expert.fill('[name="reasons"]', "必要且相称；建议日志保存十二个月。")
        expert.check('[name="no_conflict"]')
        expert.click("form[action$='/experts/cases/%d'] button[type=submit]" % case_id)
        expert.wait_for_load_state()

        officer.goto(f"{base}/cases/{case_id}")
        officer.fill('#summary-form [name="summary"]', "拟要求第三级机器人保存电子围栏日志；评估认为必要、安全、有效。")
        officer.click("#summary-form button[type=submit]")
        officer.wait_for_load_state()
        story.act(officer, case_id, "open_consultation")
        assert case_state(case_id) == "public_consultation"

        public = story.open_as(None)
        public.goto(f"{base}/register/measures/{case_id}")
        public.fill('[name="name"]', "胡小明")
        public.fill('[name="contact"]', "hu.private@example.org")
        public.select_option('[name="theme"]', "cost")
        public.fill('[name="text"]', "小微企业负担较重，建议设置过渡期。")
        public.click("#comment-form button[type=submit]")
        public.wait_for_load_state()
        story.shot(public, "assessment-comment-received")
        assert "小微企业负担较重" not in public.content()  # hidden until moderated

        officer.goto(f"{base}/cases/{case_id}?moderate=1")
        officer.click("form.moderate button[value=publish]")
        officer.wait_for_load_state()
        public.goto(f"{base}/register/measures/{case_id}")
        assert "小微企业负担较重" in public.content() and "hu.private@example.org" not in public.content()
        story.shot(public, "assessment-comment-published")

        assessments.consultation_of(db.session.get(Case, case_id)).closes_on = dt.date(2020, 1, 1)  # time passes
        db.session.commit()
        story.act(officer, case_id, "close_consultation")
        officer.goto(f"{base}/cases/{case_id}")
        officer.fill('#outcome-form [name="outcome"]', "收到意见一条，已采纳。")
        officer.fill('#outcome-form [name="answer_cost"]', "对小微企业设置六个月过渡期。")
        officer.click("#outcome-form button[type=submit]")
        officer.wait_for_load_state()
        officer.goto(f"{base}/cases/{case_id}")
        officer.locator('details:has(form[data-trigger="propose_conclusion"]) > summary').click()
        officer.select_option('form[data-trigger="propose_conclusion"] [name="conclusion"]', "passed")
        officer.fill('form[data-trigger="propose_conclusion"] [name="reason"]', "三项评估均成立，公平竞争审查通过。")
        officer.click('form[data-trigger="propose_conclusion"] button[type=submit]')
        officer.wait_for_load_state()

        approver = story.open_as("approver@t.test")
        story.act(approver, case_id, "approve_conclusion")
        assert case_state(case_id) == "passed"
        story.act(approver, case_id, "issue_recommendation")
        assert case_state(case_id) == "recommendation_issued"
        story.shot(approver, "assessment-case")

        admin = story.open_as("admin@t.test")
        rules = copy.deepcopy(registry.current_ruleset().rules)
        db.session.commit()  # v1, if this read seeded it, is the server's too
        rules["obligations"]["3"].append("geofence_log")
        admin.goto(base + "/registry/rulesets/new")
        admin.fill('[name="rules"]', json.dumps(rules))
        admin.fill('[name="note"]', "第三级增加电子围栏日志义务")
        admin.click("form.wide button[type=submit]")
        admin.wait_for_load_state()
        story.shot(admin, "assessment-ruleset-refused")
        assert "obligation:3:geofence_log" in admin.content()  # refused: which change needs a basis
        number = db.session.get(Case, case_id).number
        admin.fill('[name="assessment_ref"]', number)
        admin.select_option('[name="instrument"]', "city_measure")
        admin.click("form.wide button[type=submit]")
        admin.wait_for_load_state()
        assert 'id="chain-v2"' in admin.content() and number in admin.content()
        story.shot(admin, "assessment-ruleset")

        db.session.commit()
        for decision in db.session.execute(db.select(Decision).filter_by(case_id=case_id)).scalars():
            pdf = tmp_path / f"{decision.kind}.pdf"
            pdf.write_bytes(storage.read(decision.pdf_sha256))
            subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(story.dir / f"assessment-{decision.kind}")],
                           check=True)
            assert "CJK" in subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    finally:
        story.close()
