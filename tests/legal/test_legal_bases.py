"""Legal bases as data: provisions with their instruments, the sample mark outside production,
refusal in production until the instrument is adopted, and the regulation never as a power."""
from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from supervision.cases import services as cases
from supervision.decisions import bases
from supervision.decisions import kinds as kind_config
from supervision.decisions.services import DecisionError
from supervision.documents import storage
from supervision.extensions import db
from supervision.legal import services as legal
from supervision.legal.model import Provision, cite
from tests.decisions.conftest import put_in_state
from tests.factories import PASSWORD
from tests.legal.conftest import issue, pdf_text


def adopt_measure(world) -> None:
    """The city adopts its registration measure (recorded by the administrator)."""
    legal.save_instrument("measure", title_zh="杭州市具身智能机器人注册管理办法", title_en="Registration Measures",
                          issuing_body_zh="杭州市人民政府", issuing_body_en="Hangzhou Municipal People's Government",
                          document_number="杭政令〔2026〕1号", adopted_on=dt.date(2026, 10, 1), status="adopted",
                          actor=world.admin)
    db.session.commit()


def not_accepted_decision_text(world, tmp_path) -> str:
    """A case not accepted as outside the remit: its decision's text."""
    from supervision.decisions.services import decisions_of

    case = world.case()
    put_in_state(case, "submitted")
    cases.fire(case, "not_accept", actor=world.officer, reason="申请事项为医疗器械注册。",
               competent_authority="浙江省药品监督管理局")
    db.session.commit()
    return pdf_text(storage.read(decisions_of(case)[-1].pdf_sha256), tmp_path)


def test_provisions_are_cited_with_paragraph_and_item():
    with_of = lambda key: Provision(**{**Provision.parse(key).__dict__, "of": legal.instrument(key.split(":")[0])})  # noqa: E731
    provisions = [with_of("licensing:32.1.2"), with_of("licensing:69.2"), with_of("licensing:70.0.1"),
                  with_of("penalty:44"), with_of("penalty:45")]
    assert cite(provisions, "zh") == ("《中华人民共和国行政许可法》第三十二条第一款第（二）项、第六十九条第二款、第七十条第（一）项，"
                                      "《中华人民共和国行政处罚法》第四十四条、第四十五条")
    assert cite(provisions[3:], "en") == "Arts. 44 and 45 of the Administrative Penalty Law of the PRC"


def test_every_kind_cites_provisions_of_instruments_with_their_particulars(app, world):
    for nature in ("filing", "licence"):
        for kind in kind_config.installed().values():
            provisions = bases.basis_of(kind.key, nature if kind.nature_setting else None)
            assert provisions, (kind.key, nature)
            for p in provisions:
                assert p.of.title_zh and p.of.issuing_body_zh and p.of.status in ("adopted", "draft_example")
                assert p.of.adopted == bool(p.of.document_number and p.of.adopted_on)


def test_the_regulation_and_penalty_law_art_9_are_never_a_basis(app, world):
    """Art. 48 only asks the city to explore; Art. 43 refers liability to other laws; 行政处罚法
    Art. 9 lists kinds of penalty.  None of them is cited as the power to decide or penalise."""
    for nature in ("filing", "licence"):
        for kind in kind_config.installed().values():
            keys = bases.basis_keys(kind.key, nature if kind.nature_setting else None)
            assert not [k for k in keys if k.startswith("regulation:") or k == "penalty:9"], (kind.key, keys)
    with pytest.raises(legal.LegalError):
        bases.set_basis("suspension", ["regulation:43", "measure:20"], actor=world.admin)
    with pytest.raises(legal.LegalError):
        bases.set_basis("revocation", ["penalty:9", "law_example:2"], actor=world.admin)


def test_decisions_cite_art_48_only_for_what_it_says(world, tmp_path):
    text = pdf_text(storage.read(issue(world, "grant", facts={"tier": 1}).pdf_sha256), tmp_path)
    assert "第四十八条" in text and "依据《杭州市促进具身智能机器人产业发展条例》第四十八条" not in text
    world.firm_a.address_zh = "杭州市滨江区江南大道100号"  # a penalty-type decision states it (Art. 59)
    for kind in ("suspension", "revocation"):
        text = pdf_text(storage.read(issue(world, kind).pdf_sha256), tmp_path)
        assert "第四十三条" not in text.split("依据")[-1] and "第九条" not in text, kind


def test_a_decision_on_a_draft_example_carries_a_sample_mark_outside_the_text_and_body(world, tmp_path):
    decision = issue(world, "acceptance")
    pdf = storage.read(decision.pdf_sha256)
    text = pdf_text(pdf, tmp_path)
    assert "样例" not in text and "SAMPLE" not in text  # a graphic, not text
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    w, h = image.size
    margin = w * 28 / 210  # the left margin is 28 mm of the 210 mm page

    def reddish(x, y):
        r, g, b = image.getpixel((x, y))
        return r > 150 and g < 170 and b < 170 and r - g > 60

    in_margin = sum(reddish(x, y) for x in range(int(margin) - 1) for y in range(h))
    assert in_margin > 40, in_margin
    # nothing of the mark in the body column beside it.  The body's own red is the authority's
    # mark and the red rule under the document number: the rule's rows are red right across the
    # type area (at its centre too), which no stroke of a margin mark reaches.
    rule_rows = {y for y in range(h) if reddish(int(w * 0.45), y)}
    assert rule_rows, "the red rule under the document number"
    beside = sum(reddish(x, y) for x in range(int(margin) + 2, int(w * 0.5)) for y in range(int(h * 0.3), int(h * 0.7))
                 if not {y - 1, y, y + 1} & rule_rows)
    assert beside == 0


def test_a_decision_on_adopted_provisions_has_no_sample_mark(world, tmp_path, monkeypatch):
    adopt_measure(world)
    asked: list[str] = []
    from supervision.decisions import render

    real = render.RestrictedFetcher.fetch
    monkeypatch.setattr(render.RestrictedFetcher, "fetch", lambda self, url, headers=None: asked.append(url) or real(self, url, headers))
    text = pdf_text(storage.read(issue(world, "acceptance").pdf_sha256), tmp_path)
    assert "《杭州市具身智能机器人注册管理办法》第十条" in text and "示例" not in text
    assert not [u for u in asked if "sample-mark" in u]


def test_production_refuses_a_decision_on_a_provision_not_adopted_and_says_what_to_adopt(app, world, production):
    case = world.case()
    put_in_state(case, "submitted")
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "accept", actor=world.officer)
    message = refused.value.reasons[0] % refused.value.params
    assert "not adopted" in message and "《杭州市具身智能机器人注册管理办法（示例）》" in message
    db.session.rollback()
    assert case.state == "submitted"
    with pytest.raises(DecisionError):
        issue(world, "acceptance")
    db.session.rollback()
    adopt_measure(world)
    cases.fire(case, "accept", actor=world.officer)
    db.session.commit()
    assert case.state == "accepted"


def test_an_adopted_instrument_needs_its_number_and_date(world):
    with pytest.raises(legal.LegalError):
        legal.save_instrument("measure", title_zh="办法", title_en="Measures", issuing_body_zh="市政府",
                              issuing_body_en="City", document_number="", adopted_on=None, status="adopted",
                              actor=world.admin)


def test_nature_selects_the_basis_and_wording(world, tmp_path, nature):
    filing = not_accepted_decision_text(world, tmp_path)
    assert "第三十二条" not in filing and "第十一条" in filing and "浙江省药品监督管理局" in filing
    nature("licence")
    licence = not_accepted_decision_text(world, tmp_path)
    assert "《中华人民共和国行政许可法》第三十二条第一款第（二）项" in licence
    assert "请向浙江省药品监督管理局申请" in licence


def test_admin_manages_instruments_and_kind_bases_on_the_page(web, world, tmp_path):
    assert web.login(world.admin.email, PASSWORD).status_code == 302
    web.post("/language", {"lang": "en", "next": "/admin/legal-bases"}, token_from="/admin/legal-bases")
    page = web.get("/admin/legal-bases").get_data(as_text=True)
    assert "Draft example (not adopted)" in page and "Notice of Acceptance" in page
    shown = re.sub(r'id="kind-\w+"|/kinds/\w+', "", page)  # codes only in anchors and links
    assert "non_acceptance" not in shown
    resp = web.post("/admin/legal-bases/provisions", {"instrument": "measure", "article": "12", "paragraph": "1",
                                                      "text_zh": "受理的条件", "text_en": "conditions of acceptance"},
                    token_from="/admin/legal-bases")
    assert resp.status_code == 303
    resp = web.post("/admin/legal-bases/kinds/acceptance", {"provisions": ["measure:12.1"]},
                    token_from="/admin/legal-bases/kinds/acceptance")
    assert resp.status_code == 303
    text = pdf_text(storage.read(issue(world, "acceptance").pdf_sha256), tmp_path)
    assert "依据《杭州市具身智能机器人注册管理办法（示例）》第十二条第一款，本机关决定予以受理" in text
    resp = web.post("/admin/legal-bases/kinds/acceptance", {"provisions": ["regulation:48"]},
                    token_from="/admin/legal-bases/kinds/acceptance")
    assert resp.status_code == 422 and "never as the power" in resp.get_data(as_text=True)
    resp = web.post("/admin/legal-bases/instruments/measure", {
        "title_zh": "杭州市具身智能机器人注册管理办法", "title_en": "Registration Measures",
        "issuing_body_zh": "杭州市人民政府", "issuing_body_en": "Hangzhou Municipal People's Government",
        "document_number": "杭政令〔2026〕1号", "adopted_on": "2026-10-01", "status": "adopted"},
        token_from="/admin/legal-bases/instruments/measure")
    assert resp.status_code == 303
    assert legal.is_adopted("measure") and not legal.is_adopted("law_example")
