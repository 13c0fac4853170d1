"""The queue in the browser, in Chinese and in English: an officer filters the department's
queue to overdue tier-3 cases, ticks them all and assigns them to a colleague (the workload
shown beside each name), then opens one; axe-core finds no serious or critical violation on the queue; the same queue at 390 px reads as stacked cards
without sideways scrolling.  Screenshots go to test-artifacts/screenshots/<lang>/ (queue-*).

Elements are found by ids, names and data attributes, never by translated text."""
from __future__ import annotations

import pytest

from supervision.cases.models import Case
from supervision.extensions import db
from tests.browser.conftest import assert_accessible
from tests.browser.test_registration_story import Story
from tests.workbench.conftest import modelled

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_queue_story(world, live_server, browser, lang):
    story = Story(browser, live_server, lang)
    late = [modelled(world, f"巡检机器人 X{i}", tier=3, due_in=-1 - i) for i in range(3)]
    modelled(world, "清洁机器人 C1", tier=1, firm=world.firm_b, applicant=world.applicant_b, due_in=4)
    modelled(world, "安保机器人 S1", tier=3, due_in=6)
    try:
        officer = story.open_as("officer@t.test")
        officer.goto(story.base + "/cases")
        story.shot(officer, "queue-all")
        assert_accessible(officer)
        officer.select_option('select[name="tier"]', "3")
        officer.select_option('select[name="due"]', "overdue")
        officer.locator("form.queue-filters button[type=submit]").click()
        officer.wait_for_load_state()
        assert "tier=3" in officer.url and "due=overdue" in officer.url
        assert officer.locator("tr[data-case]").count() == 3
        officer.check("#tick-all")
        officer.select_option('select[name="assignee_id"]', str(world.officer2.id))
        story.shot(officer, "queue-filtered")
        assert_accessible(officer)
        officer.locator("#bulk button[type=submit]").click()
        officer.wait_for_load_state()
        assert "tier=3" in officer.url
        db.session.expire_all()
        assert {db.session.get(Case, c.id).assignee_id for c in late} == {world.officer2.id}
        story.shot(officer, "queue-assigned")
        officer.locator(f'tr[data-case="{late[0].id}"] a').first.click()
        officer.wait_for_load_state()
        assert officer.url.endswith(f"/cases/{late[0].id}")

        narrow = story.browser.new_context(viewport={"width": 390, "height": 844})
        story.contexts.append(narrow)
        phone = narrow.new_page()
        phone.context.add_cookies(officer.context.cookies())
        phone.goto(story.base + "/cases")
        story.shot(phone, "queue-390")
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the queue scrolls sideways by {overflow}px at 390px"
    finally:
        story.close()
