"""GB/T 9704-2012 layout across the decision kinds: a short notice fits one page (the letter
format, §10.1, and the line spacing adjusted where the tail would spill, §7.3.5.1); a longer
decision breaks with body text on the seal's page; the 版记 reads cleanly in English."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from supervision.documents import storage
from tests.decisions.conftest import issue

FACTS = {"reason": "1. 经审查，申请材料中的风险评估报告未覆盖公共场所使用场景。\n2. 检测报告已超过有效期。",
         "items": "产品技术说明书（中文版）\n第三方检测机构出具的检测报告\n数据安全保护方案",
         "deadline_zh": "2026年12月20日", "deadline_en": "20 December 2026", "tier": 2,
         "until_zh": "2027年1月15日", "until_en": "15 January 2027",
         "due_zh": "2027年1月15日", "due_en": "15 January 2027"}
SHORT = ["acceptance", "supplement_notice", "non_acceptance", "procedure_notice", "expert_review_notice",
         "extension_notice"]


def pages(pdf: bytes) -> list[str]:
    return ["".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(pdf)).pages]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("kind", SHORT)
def test_a_short_notice_fits_one_page(world, kind, language):
    decision = issue(world, kind, language=language, facts=dict(FACTS))
    text = pages(storage.read(decision.pdf_sha256))
    assert len(text) == 1, (kind, language, len(text))
    authority = world.department.name_en if language == "en" else world.department.name_zh
    assert "".join(authority.split()) in text[0]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("kind", ["suspension", "revocation", "rescission"])
def test_a_decision_after_prior_notice_takes_two_pages_with_body_text_by_the_seal(world, kind, language):
    facts = dict(FACTS, notice_date_zh="2026年11月1日", notice_date_en="1 November 2026", ground_zh="超越法定职权",
                 ground_en="it was granted beyond our powers", found_facts="该型号产品在商场使用中发生碰撞事故，造成一人受伤。",
                 evidence="事故调查报告\n现场检查笔录", statements=[], hearings=[], defence_reply="陈述理由不成立。",
                 requirements="", compensation=True)
    world.firm_a.address_zh, world.firm_a.address_en = "浙江省杭州市滨江区江南大道3588号", "3588 Jiangnan Avenue, Binjiang"
    text = pages(storage.read(issue(world, kind, language=language, facts=facts).pdf_sha256))
    assert len(text) == 2, (kind, language, len(text))
    last = text[-1]
    assert ("行政诉讼" in last) if language == "zh" else ("lawsuit" in last)  # the remedy stands by the seal


def test_counts_in_chinese_body_text_are_chinese_numerals(world):
    """"5个工作日" beside "五个工作日": body text writes counts in Chinese numerals, in every kind."""
    import datetime as dt
    import html as html_lib
    import re

    from supervision.decisions import kinds, services

    case = world.case()
    facts = dict(FACTS, defence_days=5, review_length=10, review_unit="working_days",
                 review_until_zh="2027年1月15日", review_until_en="15 January 2027")
    for key in kinds.installed():
        page = services.render_decision_html(case, key, number="杭经信〔2026〕1号", token="t0k3n",
                                             language="zh", day=dt.date(2026, 11, 25), facts=dict(facts))
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page.split("<body>", 1)[1]))
        mixed = re.findall(r"\d+\s*(?:个工作日|个月|日内|天|小时|年内)", text)
        assert not mixed, (key, mixed)
    notice = services.render_decision_html(case, "rescission_notice", number="杭经信〔2026〕1号", token="t0k3n",
                                           language="zh", day=dt.date(2026, 11, 25), facts=dict(facts))
    assert "收到本告知书之日起五个工作日" in notice


def test_the_english_colophon_keeps_each_value_on_its_line(world, tmp_path):
    """版记 in English: "Copy to:" and its value, the issuing body and "Issued <date> (signed
    electronically)" each read on one line, no value squeezed into a narrow column and broken."""
    import re
    import subprocess

    world.department.name_en = "Hangzhou Municipal Bureau of Economy and Information Technology"
    decision = issue(world, "grant", language="en", facts={"tier": 2})
    path = tmp_path / "g.pdf"
    path.write_bytes(storage.read(decision.pdf_sha256))
    last = len(pages(path.read_bytes()))
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(last), "-l", str(last), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = [(w, round(float(y))) for y, w in re.findall(r'yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', out)]
    foot = words[[w for w, _y in words].index("Copy"):]  # the colophon: the last lines of the page
    rows = {}
    for word, y in foot:
        rows.setdefault(y, []).append(word)
    lines = [" ".join(ws) for _y, ws in sorted(rows.items())]
    assert "Copy to: Hangzhou Administration for Market Regulation" in lines, lines
    assert any(line.startswith("Hangzhou Municipal Bureau of Economy and Information Technology") for line in lines), lines
    assert any(line.endswith("Issued " + decision.issued_at.strftime("%-d %B %Y") + " (signed electronically)")
               or "Issued" in line and line.endswith("(signed electronically)") for line in lines), lines


def test_the_party_address_is_stated_or_its_absence_said_and_a_penalty_needs_it(world):
    """Under the addressee: the credit code and the address; without an address on record a notice
    says so, and a penalty-type decision (行政处罚法 Art. 59) is refused until it is recorded."""
    from supervision.decisions.services import DecisionError

    world.firm_a.address_zh = None
    text = pages(storage.read(issue(world, "acceptance", facts=dict(FACTS)).pdf_sha256))[0]
    assert "统一社会信用代码：" + world.firm_a.credit_code in text and "住所：（该单位未登记住所）" in text
    with pytest.raises(DecisionError, match="address"):
        issue(world, "revocation_notice")
    world.firm_a.address_zh = "浙江省杭州市滨江区江南大道3588号"
    text = "".join(pages(storage.read(issue(world, "revocation_notice").pdf_sha256)))
    assert "住所：浙江省杭州市滨江区江南大道3588号" in text
    english = pages(storage.read(issue(world, "acceptance", language="en", facts=dict(FACTS)).pdf_sha256))[0]
    assert "Address:浙江省杭州市滨江区江南大道3588号" in english  # no English address: the registered one
