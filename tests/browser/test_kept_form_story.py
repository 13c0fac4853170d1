"""A firm's user fills in the new-model form, leaves it for 31 minutes and sends it: the session
has ended, so nothing is saved; they sign in again and are back on the form with what they
typed in place (chosen options too), and sending it then saves the model.  Chinese and English.

Elements are found by names and URLs, never by translated text."""
from __future__ import annotations

import pytest

from supervision.accounts import loader
from supervision.extensions import db
from supervision.registry.models import RobotModel
from tests.browser.test_registration_story import Story
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def models() -> int:
    db.session.commit()
    return db.session.execute(db.select(db.func.count(RobotModel.id))).scalar()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_form_sent_after_the_timeout_is_put_back_after_signing_in(world, live_server, browser, lang,
                                                                     monkeypatch):
    now = [loader._now()]
    monkeypatch.setattr(loader, "_now", lambda: now[0])
    story = Story(browser, live_server, lang)
    story.dir = story.dir.parent / f"kept-{lang}"
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        page = story.open_as("a@firm-a.test")
        page.goto(live_server + "/registry/models/new")
        page.fill("input[name=name]", "导览机器人 G1 / Guide")
        page.fill("input[name=manufacturer]", "Acme")
        page.select_option("select[name=form_factor]", "wheeled")
        page.check("input[name=scenarios][value=commerce]")
        page.fill("input[name=mass_kg]", "18")
        before = models()
        now[0] += 31 * 60  # away from the desk
        page.locator("form button[name=action][value=draft]").click()
        page.wait_for_load_state()
        assert "/login?next=/registry/models/new" in page.url
        assert page.get_attribute("body", "data-kept") == "hold"
        story.shot(page, "signed-out-kept")
        assert models() == before  # not applied
        page.fill("input[name=email]", "a@firm-a.test")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.narrow button[type=submit]")
        page.wait_for_load_state()
        assert page.url.endswith("/registry/models/new")
        assert page.input_value("input[name=name]") == "导览机器人 G1 / Guide"
        assert page.input_value("input[name=manufacturer]") == "Acme"
        assert page.input_value("select[name=form_factor]") == "wheeled"
        assert page.is_checked("input[name=scenarios][value=commerce]")
        assert page.input_value("input[name=mass_kg]") == "18"
        story.shot(page, "put-back")
        # Another visit of the page starts empty: the copy was used once.
        page.reload()
        assert page.input_value("input[name=name]") == ""
    finally:
        story.close()
