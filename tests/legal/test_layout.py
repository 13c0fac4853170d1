"""GB/T 9704-2012 layout of every decision kind, measured on the PDF (``pdftotext -bbox-layout``):
28 characters to a full body line, 22 lines to a page, the mark's position, the date's indent,
the seal page with body text, a ruled 版记 on the last page."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from supervision.decisions import kinds as kind_config
from supervision.decisions import render, services

MM = 72 / 25.4
SHOTS = os.environ.get("DECISION_SHOTS")  # a folder: keep every rendered PDF there to look at
FACTS = {
    "reason": "申请人提交的检测报告未覆盖产品在公共场所运行的安全要求。",
    "found_facts": "你单位应于2026年3月31日前报送该型号2025年度运行报告，至今未报送。",
    "evidence": "1. 年度报告报送记录截图；\n2. 催报通知及送达回证。",
    "statements": [{"date": {"zh": "2026年4月15日", "en": "15 April 2026"}, "text": "逾期系人员交接疏漏所致。"}],
    "hearings": [], "defence_reply": "交接疏漏不构成逾期的正当理由，不予采纳。",
    "requirements": "自收到本决定之日起三十日内补报年度运行报告。",
    "items": "1. 产品技术说明书\n2. 检测报告", "tier": 2, "competent_authority": "浙江省药品监督管理局",
    "grant_number": "杭经信登〔2026〕3号", "registration_number": "杭具身注〔2026〕3号",
    "notice_number": "杭经信登停告〔2026〕1号", "notice_date_zh": "2026年4月10日", "notice_date_en": "10 April 2026",
    "ground_zh": "以欺骗、贿赂等不正当手段取得注册", "ground_en": "registration was obtained by improper means",
    "compensation": False, "conditions": ["取得并保持有效的认证证书。", "每年报送年度报告。"],
    # A referral letter's addressee and what it states (supervision/conduct).
    "referral_office": "杭州市市场监督管理局",
    "category_text_zh": "危害用户人身财产安全的行为", "category_text_en": "Art. 43 (2) (harm to users' persons or property)",
    "firm_credit_code": "91330100MA2H000001",
}


def _render(world, key: str, language: str = "zh", **extra) -> bytes:
    case = world.case()
    html = services.render_decision_html(case, key, number="杭经信〔2026〕1号", token="t0k3n", language=language,
                                         day=dt.date(2026, 11, 25), facts={**FACTS, **extra})
    pdf = render.render_pdf(html).pdf
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        with open(os.path.join(SHOTS, f"{key}-{language}.pdf"), "wb") as fh:
            fh.write(pdf)
    return pdf


def _lines(pdf: bytes, tmp_path) -> list[list[tuple[int, float, float, float, str]]]:
    """Per page: (page, x_min, y_min, x_max, text) of every line, in points from the top left."""
    path = tmp_path / "l.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(out)
    pages = []
    for n, page in enumerate(root.iter("page")):
        rows = []
        for line in page.iter("line"):
            words = [w.text or "" for w in line.iter("word")]
            rows.append((n, float(line.get("xMin")), float(line.get("yMin")), float(line.get("xMax")),
                         "".join(words)))
        pages.append(rows)
    return pages


CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def test_a_full_body_line_has_28_characters_and_a_page_22_lines(world, tmp_path):
    long = "经审查该产品在公共场所运行时的安全防护措施与申报材料所述不一致" * 12
    pages = _lines(_render(world, "refusal", reason=long), tmp_path)
    body = [r for p in pages for r in p if CJK.match(r[4]) and len(r[4]) > 20]
    assert len(body) >= 10
    full = body[1:-1]  # the first is indented two characters, the last is the paragraph's end
    assert {len(r[4]) for r in full} == {28}, [len(r[4]) for r in full]
    left = 28 * MM
    assert all(abs(r[1] - left) < 1.0 for r in full)
    assert all(r[3] <= (210 - 26) * MM + 0.5 for r in full)
    # 22 lines to a page: the baseline pitch of consecutive body lines is 225 mm / 22.
    tops = sorted(r[2] for r in pages[0] if CJK.match(r[4]) and len(r[4]) == 28)
    pitches = {round(b - a, 1) for a, b in zip(tops, tops[1:]) if b - a < 40}
    assert pitches and all(abs(p - 225 * MM / 22) < 0.3 for p in pitches), pitches


def test_the_mark_stands_35_mm_below_the_type_area_and_the_date_is_indented_four_characters(world, tmp_path):
    pages = _lines(_render(world, "refusal"), tmp_path)
    first = pages[0]
    mark = next(r for r in first if r[4] == "杭州市经济和信息化局")
    assert abs(mark[2] - (37 + 35) * MM) < 3 * MM, mark[2] / MM
    # a notice is a letter (信函格式, §10.1): the mark's top 30 mm below the page's top edge
    letter = next(r for r in _lines(_render(world, "acceptance"), tmp_path)[0] if r[4] == "杭州市经济和信息化局")
    assert abs(letter[2] - 30 * MM) < 3 * MM, letter[2] / MM
    date = next(r for p in pages for r in p if r[4] == "2026年11月25日")
    assert abs(((210 - 26) * MM - date[3]) - 4 * 15.79) < 3, ((210 - 26) * MM - date[3])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_kind_has_a_ruled_banji_at_the_foot_of_the_last_page_and_the_party_under_the_addressee(
        world, tmp_path, language):
    world.firm_a.address_zh, world.firm_a.address_en = "杭州市滨江区江南大道100号", "100 Jiangnan Avenue, Binjiang"
    for key in kind_config.installed():
        pages = _lines(_render(world, key, language), tmp_path)
        last = pages[-1]
        issued = [r for r in last if "印发" in r[4] or r[4].startswith("Issued")]
        copy = [r for r in last if r[4].startswith("抄送") or r[4].startswith("Copyto")]
        if kind_config.get(key).in_letter_format():  # §10.1: the 版记 without issuing body and date
            assert not issued and copy and copy[0][2] > (297 - 35 - 40) * MM, (key, language)
        else:
            assert issued, (key, language)
            assert issued[0][2] > (297 - 35 - 40) * MM, (key, issued[0][2] / MM)  # at the foot of the type area
            assert copy and copy[0][2] < issued[0][2], key
        text = [r[4] for p in pages for r in p]
        if not kind_config.get(key).to_firm:  # addressed to an office: no party block under it
            assert not any(r.startswith(("统一社会信用代码：", "Unifiedsocialcreditcode:")) for r in text), key
            continue
        addressee = text.index("甲公司：" if language == "zh" else "FirmA:")
        code = world.firm_a.credit_code
        party = text[addressee + 1] + text[addressee + 2]
        assert code in text[addressee + 1], (key, text[addressee + 1])
        assert "杭州市滨江区江南大道100号" in party or "100JiangnanAvenue" in party, (key, party)


def test_no_english_in_a_chinese_document(world, tmp_path):
    for key in kind_config.installed():
        text = "".join(r[4] for p in _lines(_render(world, key), tmp_path) for r in p)
        latin = re.sub(r"https?://\S+|/verify/\S+|t0k3n|REG-\d+-\d+", "", text)
        words = re.findall(r"[A-Za-z]{3,}", latin)
        assert not [w for w in words if w not in ("Robotmodel", "model")], (key, words)


def test_the_faces_used_cover_every_character_printed(world, tmp_path):
    """No free packaged 仿宋/小标宋 face (Debian, npm) covers the text, so Noto Serif CJK SC stands in
    (README); it must then cover every character each kind prints, in both languages."""
    from fontTools.ttLib import TTCollection

    faces = TTCollection("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    sc = next(f for f in faces.fonts if "SC" in f["name"].getDebugName(1))
    covered = set(sc.getBestCmap())
    for language in ("zh", "en"):
        for key in kind_config.installed():
            text = "".join(r[4] for p in _lines(_render(world, key, language), tmp_path) for r in p)
            missing = {c for c in text if ord(c) not in covered and not c.isspace()}
            assert not missing, (key, language, missing)
