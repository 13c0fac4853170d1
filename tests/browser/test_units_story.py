"""The robot-unit story in the browser, in Chinese and in English: a firm requests codes,
downloads the label sheet, records manufacture and sale of a unit; the public page, reached by
decoding the sheet's QR code, shows them; the manufacturer reports a recall and the page shows it.

Elements are found by ids, names and URLs, never by translated text."""
from __future__ import annotations

import subprocess

import pytest

from supervision.extensions import db
from supervision.units import services
from tests.browser.test_registration_story import Story
from tests.units.conftest import registered_model

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_story(world, live_server, browser, lang, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    services.assign_prefix(world.firm_a, actor=world.admin, prefix="A1B2C3")
    model = registered_model(world)
    db.session.commit()
    story = Story(browser, live_server, lang)
    story.dir = story.dir.parent / f"units-{lang}"
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        firm = story.open_as("a@firm-a.test")
        firm.goto(live_server + "/units/mine")
        firm.select_option("select[name=model_id]", str(model.id))
        firm.fill("input[name=size]", "3")
        firm.locator("form[action$='/units/batches'] button[type=submit]").click()
        firm.wait_for_load_state()
        story.shot(firm, "batch")
        with firm.expect_download() as download:
            firm.click("#labels")
        pdf = tmp_path / "labels.pdf"
        download.value.save_as(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "sheet")],
                       check=True)
        png = next(tmp_path.glob("sheet*.png"))
        urls = sorted(subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True,
                                     text=True).stdout.split())
        assert len(urls) == 3 and all(u.startswith(live_server + "/units/HZR-A1B2C3-") for u in urls)
        code = urls[0].rsplit("/", 1)[1]

        for step_value in ("commissioning/active", "retail_selling/retail_sold"):
            firm.goto(f"{live_server}/units/events/new?code={code}")
            firm.select_option("select[name=step]", step_value)
            firm.fill("input[name=address]", "杭州市滨江区 / Binjiang")
            firm.locator("form[action$='/units/events/new'] button[type=submit]").click()
            firm.wait_for_load_state()
            assert "/units/mine" in firm.url

        public = story.open_as(None)
        public.goto(urls[0])
        story.ensure_lang(public)
        story.shot(public, "public-sold")
        history = public.inner_text(".unit-history")
        assert "retail_selling" in history and "commissioning" in history
        assert "Binjiang" not in public.content()
        assert public.locator("#recall").count() == 0

        firm.goto(live_server + "/units/recalls/new")
        firm.select_option("select[name=model_id]", str(model.id))
        firm.fill("textarea[name=reason]", "电池可能过热 / battery may overheat")
        firm.fill("textarea[name=measures]", "免费更换电池 / free replacement")
        firm.locator("form[action$='/units/recalls/new'] button[type=submit]").click()
        firm.wait_for_load_state()
        assert firm.locator("#recall-todo").count() == 1

        public.goto(urls[0])
        story.shot(public, "public-recalled")
        assert public.locator("#recall").count() == 1
        assert "battery may overheat" in public.inner_text("#recall")
        bad = urls[0][:-1] + ("K" if urls[0][-1] != "K" else "L")
        assert public.goto(bad).status == 400
    finally:
        story.close()
