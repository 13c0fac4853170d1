"""A visitor reads the public register on a phone (390 px), switches to the other language by
its link and back, and the browser holds no cookie of the platform at any point.

Elements are found by ids and URLs, never by translated text."""
from __future__ import annotations

import pytest

from tests.browser.test_registration_story import Story

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_pages_without_cookies(world, live_server, browser, lang):
    story = Story(browser, live_server, lang)
    story.dir = story.dir.parent / f"public-{lang}"
    story.dir.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.goto(live_server + "/")
        story.ensure_lang(page)
        story.shot(page, "home")
        page.goto(live_server + "/register" + ("?lang=en" if lang == "en" else ""))
        story.ensure_lang(page)
        story.shot(page, "register")
        page.goto(live_server + "/units")
        story.ensure_lang(page)
        page.click("#switch-language")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == ("en" if lang == "zh" else "zh-CN")
        story.shot(page, "units-switched")
        assert ctx.cookies() == []
    finally:
        ctx.close()
        story.close()
