"""GB/T 9704-2012 §7.3.5.1 on every decision kind, measured on the PDF: a typical document fits
one page; where a page must break, the seal's page carries body text;
the authority's name and the seal stay within the type area whatever the name's length."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.decisions import kinds as kind_config
from supervision.decisions import services
from tests.legal.test_layout import FACTS, MM, _lines

RIGHT = (210 - 26) * MM    # the type area's right edge
LEFT = 28 * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
LINE = 225 * MM / 22
# Typical facts: one reason, two items, as a short notice or decision states them.
TYPICAL = {**FACTS, "conditions": ["取得并保持有效的认证证书。"], "evidence": "1. 现场检查笔录；\n2. 运行日志截图。"}
# Kinds whose typical document fits one page, measured.  Notices are letters (信函格式, §10.1).
# The 文件格式 header (the mark 35 mm into the type area, two blank lines under it and under the red
# line, the title, a blank line) and the party block leave page one about seven lines of body, and
# the seal (two blank lines, the name, the date) and the 版记 take about five and a half: a
# Chinese decision in that format breaks onto a second page unless its body is a line or two.
# In English (12 pt, 30 lines) more of them fit.
FITS_ZH = {"acceptance", "non_acceptance", "supplement_notice", "lifting", "extension_notice", "procedure_notice",
           "expert_review_notice", "sandbox_rejection_notice", "sandbox_suspension_notice",
           "sandbox_termination_notice", "incident_remediation"}
FITS = {"zh": FITS_ZH,
        "en": FITS_ZH | {"suspension_notice", "sandbox_admission", "sandbox_lifting", "sandbox_extension",
                         "sandbox_graduation", "conduct_remediation", "conduct_recall_notice", "change_grant",
                         "renewal_grant"}}


def _render(world, key: str, language: str, **extra) -> services.render.Rendered:
    return services.render_fitting(world.case(), key, number="杭经信〔2026〕1号", token="t0k3n", language=language,
                                   day=dt.date(2026, 11, 25), facts={**TYPICAL, **extra})


def _body_rows(rows):
    """The lines inside the type area (not the page number below it, nor the QR block above it)."""
    return [r for r in rows if TOP - 1 <= r[2] < BOTTOM and r[1] < RIGHT]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_kind_fits_one_page_or_keeps_body_text_by_the_seal(world, tmp_path, language):
    world.firm_a.address_zh, world.firm_a.address_en = "浙江省杭州市滨江区江南大道3588号", "3588 Jiangnan Avenue, Binjiang"
    counts = {}
    for key in kind_config.installed():
        rendered = _render(world, key, language)
        counts[key] = rendered.pages
        page, _x1, _y1, _x2, seal_top = rendered.seal_box
        assert page == rendered.pages - 1, key
        if rendered.pages == 1:
            continue
        pages = _lines(rendered.pdf, tmp_path)
        # the seal's page: body text above the seal (its top in points from the page's top)
        seal_top_y = 297 * MM - seal_top
        above = [r for r in _body_rows(pages[-1]) if r[2] < seal_top_y]
        assert above, (key, language)
        if kind_config.get(key).appealable and not kind_config.get(key).defence:
            # the remedy paragraph breaks like any text: page one is filled to its foot, or the
            # seal's page holds only the paragraph's last two lines and the closing words
            gap = BOTTOM - max(r[2] for r in _body_rows(pages[0]))
            assert gap < 3 * LINE or len(above) <= 3, (key, language, gap / MM, [r[4] for r in above])
    spilled = sorted(k for k, n in counts.items() if n > 1 and k in FITS[language])
    assert not spilled, (language, {k: counts[k] for k in spilled})


LONGEST_NAMES = [
    "Hangzhou Bureau of Economy and Information Technology",            # the demo's
    "Hangzhou Municipal Bureau of Economy and Information Technology",
    "Hangzhou Municipal Administration for Market Regulation (Hangzhou Municipal Intellectual Property Office)",
]


@pytest.mark.parametrize("name", LONGEST_NAMES)
def test_a_long_english_name_wraps_within_the_type_area_with_the_seal_over_it_and_the_date(world, tmp_path, name):
    world.department.name_en = name
    for key in ("grant", "acceptance"):
        rendered = _render(world, key, "en")
        page, x1, y1, x2, y2 = rendered.seal_box
        assert LEFT - 0.5 <= x1 and x2 <= RIGHT + 0.5, (key, x1 / MM, x2 / MM)
        rows = _lines(rendered.pdf, tmp_path)[page]
        # every line of the page within the type area's width (the 版记 row included)
        assert all(r[3] <= RIGHT + 0.5 for r in rows), [(r[4], r[3] / MM) for r in rows if r[3] > RIGHT + 0.5]
        top, foot = 297 * MM - y2, 297 * MM - y1       # the seal, in points from the page's top
        under = [r for r in rows if r[1] < x2 and r[3] > x1 and r[2] < foot and r[2] + 8 > top]
        date = [r for r in under if r[4] == "25November2026"]
        assert date and date[0][2] > (top + foot) / 2, (key, under)  # the date in the seal's lower half
        # the date's right edge four characters of the body (12 pt in English) in from the edge
        assert abs(RIGHT - date[0][3] - 4 * 12) < 3, (key, RIGHT - date[0][3])
        words = "".join(r[4] for r in under if r is not date[0])
        assert words == "".join(name.split()), (key, words)  # the whole name under the seal, nothing else
        centre = (x1 + x2) / 2
        assert all(abs((r[1] + r[3]) / 2 - centre) < 2 for r in under), key  # centred over the date


def test_a_chinese_name_keeps_its_line_over_the_date(world, tmp_path):
    rendered = _render(world, "grant", "zh")
    page, x1, _y1, x2, _y2 = rendered.seal_box
    rows = _lines(rendered.pdf, tmp_path)[page]
    name = next(r for r in rows if r[4] == world.department.name_zh)
    date = next(r for r in rows if r[4] == "2026年11月25日")
    assert abs(date[2] - name[2] - LINE) < 1  # one line under the name
    assert abs((name[1] + name[3]) / 2 - (date[1] + date[3]) / 2) < 1 and abs((x1 + x2) / 2 - (date[1] + date[3]) / 2) < 1
