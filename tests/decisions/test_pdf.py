"""The rendered document: official layout, embedded Simplified-Chinese fonts, safe fetching."""
from __future__ import annotations

import re
import subprocess

import pytest

from supervision.decisions import render
from supervision.documents import storage
from tests.decisions.conftest import issue


def _fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())  # lines wrap anywhere: compare without whitespace


def _has(text: str, expected: str) -> bool:
    """``expected`` occurs in the extracted text; pdftotext drops a hyphen where a long URL
    wraps, so hyphens are ignored on both sides."""
    return "".join(expected.split()).replace("-", "") in text.replace("-", "")


def test_chinese_decision_layout_and_fonts(world, tmp_path, weasyprint_log):
    decision = issue(world, "refusal", facts={"reason": "1. 未提交强制性标准符合性证明。\n2. 风险评估不完整。"})
    pdf = storage.read(decision.pdf_sha256)
    fonts = _fonts(pdf, tmp_path)
    assert fonts, "no fonts"
    # every font embedded (the "emb" column), and every CJK font the Simplified-Chinese face
    assert all(row[-5] == "yes" for row in fonts), fonts
    names = [row[0].split("+", 1)[-1] for row in fonts]
    assert all("CJK-SC" in n or "CJKsc" in n for n in names), names
    text = _text(pdf, tmp_path)
    assert decision.number == "杭测0登不〔%d〕1号" % decision.year or decision.number.endswith("〕1号")
    for expected in ("杭州市经济和信息化局", decision.number, "不予注册决定书", "甲公司：",
                     "未提交强制性标准符合性证明。", "第十五条",
                     "六十日内向杭州市人民政府申请行政复议", "六个月内依法向人民法院提起行政诉讼",
                     "— 1 —", "/verify/" + decision.token):
        assert _has(text, expected), expected
    from supervision.core.timeutil import local_date

    day = local_date(decision.issued_at)
    assert f"{day.year}年{day.month}月{day.day}日" in text
    assert not [m for m in weasyprint_log if "HarfBuzz" in m]


def test_footer_page_numbers_use_the_sc_face(world, tmp_path):
    """The page number (a margin box) must not fall back to the Japanese face (STACK trap 3)."""
    html = "<html><head><style>@page { @bottom-center { content: '— ' counter(page) ' —'; } }" \
           "html { font-family: 'Noto Serif CJK SC'; }</style></head><body><p>页码</p></body></html>"
    with world.department and __import__("flask").current_app.test_request_context():
        pdf = render.render_pdf(html).pdf
    names = [row[0] for row in _fonts(pdf, tmp_path)]
    assert names and all("CJK-SC" in n for n in names), names


def test_supplement_notice_lists_every_item_and_has_no_remedy_notice(world, tmp_path):
    decision = issue(world, "supplement_notice", facts={
        "items": "1. 产品技术说明书\n2. 检测报告\n3. 数据安全方案"})
    text = _text(storage.read(decision.pdf_sha256), tmp_path)
    for item in ("产品技术说明书", "检测报告", "数据安全方案", "一次性告知"):
        assert item in text
    assert "行政复议" not in text and "行政诉讼" not in text


def test_revocation_notice_states_defence_and_hearing_rights(world, tmp_path):
    text = _text(storage.read(issue(world, "revocation_notice").pdf_sha256), tmp_path)
    assert "陈述、申辩的权利" in text and "要求举行听证" in text
    assert "行政复议" not in text


def test_english_on_request(world, tmp_path):
    decision = issue(world, "refusal", language="en", facts={"reason": "The risk assessment is incomplete."})
    text = _text(storage.read(decision.pdf_sha256), tmp_path)
    assert decision.language == "en" and _has(text, "— 1 —")
    text = re.sub(r"—\d+—", "", text)  # the remedy paragraph may break across the page: read on
    for expected in ("Industry Bureau", "Decision to Refuse Registration", "Firm A:",
                     "The risk assessment is incomplete.", "within 60 days", "within six months",
                     "Hangzhou Municipal People's Government"):
        assert _has(text, expected), expected
    names = [row[0] for row in _fonts(storage.read(decision.pdf_sha256), tmp_path)]
    assert all("CJK" in n and ("SC" in n or "sc" in n) for n in names), names


def test_archival_variant(world, tmp_path):
    decision = issue(world, "acceptance", pdf_variant="pdf/a-3b")
    pdf = storage.read(decision.pdf_sha256)
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta  # PDF/A-3b, kept by the signature
    from supervision.decisions import signing

    assert signing.validate(pdf).valid


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.png",
                                 "https://example.com/", "file:///proc/self/environ"])
def test_fetcher_refuses_everything_but_static_files(app, url):
    with app.test_request_context():
        with pytest.raises(render.FetchRefused):
            render.fetcher().fetch(url)
        ok = render.fetcher().fetch("file://" + app.static_folder + "/app.css")
        assert ok.read()


def test_user_text_cannot_make_the_renderer_fetch(world, tmp_path, monkeypatch):
    asked: list[str] = []
    real = render.RestrictedFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(render.RestrictedFetcher, "fetch", spy)
    evil = '<img src="file:///etc/passwd"><img src="http://example.com/a.png"><link rel=stylesheet href="http://example.com/s.css">'
    decision = issue(world, "refusal", facts={"reason": evil})
    mark = [u for u in asked if u.endswith("/static/decisions/sample-mark.svg")]  # the sample mark
    assert [u for u in asked if u not in mark] == []  # escaped: printed as text, never fetched
    asked.clear()
    assert _has(_text(storage.read(decision.pdf_sha256), tmp_path), "file:///etc/passwd")
    # and raw HTML that does name them is refused by the fetcher
    with __import__("flask").current_app.test_request_context():
        pdf = render.render_pdf("<html><body>" + evil + "<p>x</p></body></html>").pdf
    assert set(asked) == {"file:///etc/passwd", "http://example.com/a.png", "http://example.com/s.css"}
    assert b"root:x:0:0" not in pdf


def _last_page_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    out = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_seal_page_always_carries_body_text(world, tmp_path, language):
    """GB/T 9704-2012 §7.3.5.1: the authority, date and seal never stand alone on a page.  A long
    reason pushes the signature onto a new page; the last paragraph goes with it."""
    import datetime as dt

    from supervision.decisions import kinds, services

    reason = "\n".join(f"{i}. 经审查，申请材料第{i}项所述的安全测试条件与产品说明书不一致，需要说明理由。"
                       for i in range(1, 9))
    case = world.case()
    department = case.department
    authority = department.name_en if language == "en" else department.name_zh
    day = dt.date(2026, 11, 25)
    for key in kinds.installed():
        html = services.render_decision_html(case, key, number="杭经信〔2026〕1号", token="t0k3n",
                                             language=language, day=day,
                                             facts={"reason": reason, "items": reason, "tier": 3})
        last = _last_page_text(render.render_pdf(html).pdf, tmp_path)
        assert "".join(authority.split()) in last and "2026" in last, (key, language)
        furniture = [authority, "25 November 2026", "2026年11月25日", "扫码或访问以下地址核验本文书：",
                     "Verify this document by scanning the code or at:", services.verify_url("t0k3n"),
                     "案件编号：", "Case number:", case.number, "本文书经电子签名，签名覆盖全文。",
                     "This document is electronically signed; the signature covers the whole document."]
        body = last
        for text in furniture:
            body = body.replace("".join(text.split()), "")
        body = re.sub(r"—\d+—", "", body)
        assert len(body) >= 4, (key, language, last)
