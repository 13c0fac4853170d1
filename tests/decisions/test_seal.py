"""The visible signature is the department's round red seal, placed over the authority's name and
date on the last page (GB/T 9704-2012 §7.3.5), and the signed PDF still validates."""
from __future__ import annotations

import math
import re
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from supervision.decisions import render, services, signing
from supervision.documents import storage
from tests.decisions.conftest import issue

SEAL_MM = 42


def _seal_widget(pdf: bytes):
    """(page index, the signature widget) of the only visible signature."""
    reader = PdfReader(BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            field = annot.get("/Parent", annot).get_object() if "/FT" not in annot else annot
            if field.get("/FT") == "/Sig" and annot.get("/Subtype") == "/Widget":
                return reader, index, annot
    raise AssertionError("no signature widget")


def _appearance(pdf: bytes):
    """The widget's normal appearance XObject and its parsed operations."""
    reader, _page, annot = _seal_widget(pdf)
    ap = annot["/AP"]["/N"].get_object()
    return ap, ContentStream(ap, reader).operations


def _paths(operations) -> list[tuple[list[tuple[float, float]], bytes]]:
    """Each path as (its points: m/l/c end points, the operator painting it)."""
    paths, points = [], []
    for operands, op in operations:
        if op in (b"m", b"l"):
            points.append((float(operands[0]), float(operands[1])))
        elif op == b"c":
            points.append((float(operands[4]), float(operands[5])))
        elif op in (b"S", b"f", b"B", b"b", b"s", b"f*") and points:
            paths.append((points, op))
            points = []
    return paths


def _colours(operations, op: bytes) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in operands) for operands, o in operations if o == op]


def _actual_text(operations) -> str:
    return "".join(str(operands[1]["/ActualText"]) for operands, op in operations
                   if op == b"BDC" and len(operands) > 1 and "/ActualText" in operands[1])


@pytest.fixture
def signed_zh(world) -> bytes:
    return storage.read(issue(world, "grant", facts={"tier": 1}).pdf_sha256)


def test_seal_is_a_red_circle_with_a_star_and_still_validates(signed_zh, world):
    ap, ops = _appearance(signed_zh)
    x1, y1, x2, y2 = (float(v) for v in ap["/BBox"])
    cx, cy, half = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2
    paths = _paths(ops)
    # The ring: a stroked closed curve whose every point lies at one radius from the centre,
    # nearly touching the square's sides.
    rings = [pts for pts, op in paths if op == b"S" and len(pts) == 5]
    assert rings, "no stroked circle in the appearance"
    radii = [math.dist(p, (cx, cy)) for p in rings[0]]
    assert max(radii) - min(radii) < 0.01 and radii[0] > 0.9 * half
    # The star: a filled ten-point outline around the centre, five points out and five in.
    stars = [pts for pts, op in paths if op == b"f" and len(pts) == 10]
    assert stars, "no star"
    star_radii = [math.dist(p, (cx, cy)) for p in stars[0]]
    outer, inner = max(star_radii), min(star_radii)
    assert all(min(abs(r - outer), abs(r - inner)) < 0.01 for r in star_radii)
    assert 0.3 * outer < inner < 0.5 * outer and outer < 0.5 * half
    # Red ink, for the ring and for the fills (star and words), blended as ink over print.
    for r, g, b in _colours(ops, b"RG") + _colours(ops, b"rg"):
        assert r > 0.7 and g < 0.2 and b < 0.2, (r, g, b)
    states = ap["/Resources"]["/ExtGState"]
    assert any(state.get_object().get("/BM") == "/Multiply" for state in states.values())
    assert signing.validate(signed_zh).valid


def _glyph_groups(operations) -> list[tuple[str, list]]:
    """(character, its operations) of each marked glyph drawing: /Span <</ActualText …>> BDC … EMC."""
    groups, current = [], None
    for operands, op in operations:
        if op == b"BDC" and len(operands) > 1 and "/ActualText" in operands[1]:
            current = (str(operands[1]["/ActualText"]), [])
        elif op == b"EMC" and current is not None:
            groups.append(current)
            current = None
        elif current is not None:
            current[1].append((operands, op))
    return groups


def _contours(text: str) -> list[int]:
    """How many closed outlines each character of ``text`` has in Noto Serif CJK SC Bold."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    counts = []
    with TTFont(signing.NOTO_SERIF_BOLD_TTC, fontNumber=signing.SC_FACE_INDEX, lazy=True) as font:
        cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
        for char in text:
            pen = RecordingPen()
            glyphs[cmap[ord(char)]].draw(pen)
            counts.append(sum(1 for op, _args in pen.value if op == "moveTo"))
    return counts


def test_seal_draws_the_chinese_name_as_filled_glyph_outlines(signed_zh, world):
    """Each character of the name and of 电子签章 is its Noto Serif CJK SC Bold outline, filled
    in red inside the ring: the seal is artwork, with no font to embed or subset."""
    ap, ops = _appearance(signed_zh)
    x1, y1, x2, y2 = (float(v) for v in ap["/BBox"])
    cx, cy, half = (x1 + x2) / 2, (y1 + y2) / 2, abs(x2 - x1) / 2
    name = world.department.name_zh
    groups = _glyph_groups(ops)
    assert "".join(char for char, _ops in groups) == name + "电子签章"
    centres = []
    for (char, group), contours in zip(groups, _contours(name + "电子签章")):
        paths = _paths(group)
        assert len(paths) == 1 and paths[0][1] == b"f", char  # one filled glyph
        points = paths[0][0]
        # The glyph's own outline: as many closed contours as the font's glyph for the character.
        assert sum(1 for _operands, op in group if op == b"m") == contours, char
        assert all(math.dist(p, (cx, cy)) < 0.95 * half for p in points), char  # inside the ring
        centres.append((sum(x for x, _y in points) / len(points), sum(y for _x, y in points) / len(points)))
    # The name runs clockwise along the upper edge, outside the star; the caption lies below it.
    angles = [math.degrees(math.atan2(y - cy, x - cx)) for x, y in centres[:len(name)]]
    unwrapped = [a + 360 if a < -90 else a for a in angles]  # the lower left start is past 180°
    assert all(a > b for a, b in zip(unwrapped, unwrapped[1:])), angles
    assert unwrapped[0] - unwrapped[-1] > 150
    assert all(math.dist(c, (cx, cy)) > 0.55 * half for c in centres[:len(name)])
    assert all(y < cy - 0.3 * half for _x, y in centres[len(name):])
    # No text and no font: nothing of the seal needs a font resource.
    assert not {b"BT", b"Tf", b"Tj", b"TJ"} & {op for _operands, op in ops}
    assert "/Font" not in ap["/Resources"]


def test_english_decision_carries_the_same_chinese_seal(world):
    """An organ has one seal, cut in Chinese; the English name is what is printed beneath it."""
    pdf = storage.read(issue(world, "grant", language="en", facts={"tier": 1}).pdf_sha256)
    _ap, ops = _appearance(pdf)
    assert world.department.name_zh in _actual_text(ops)
    assert world.department.name_en not in _actual_text(ops)
    assert signing.validate(pdf).valid


def test_seal_box_is_a_42_mm_square_on_the_last_page(signed_zh):
    reader, page, annot = _seal_widget(signed_zh)
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    assert x2 - x1 == y2 - y1  # square: the circle is not squashed
    assert abs((x2 - x1) - SEAL_MM / 25.4 * 72) <= 1
    assert page == len(reader.pages) - 1


def _words(pdf: bytes, page: int, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """(text, x1, y1, x2, y2) of each word on ``page``, in points from the bottom left."""
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    return [(w, float(a), height - float(d), float(c), height - float(b)) for a, b, c, d, w in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out)]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_seal_covers_the_name_and_date_and_no_other_text(world, tmp_path, language):
    """压字盖章: the name and date lie in the seal's lower half; nothing else is under it."""
    import datetime as dt

    case = world.case()
    day = dt.date(2026, 11, 24)
    html = services.render_decision_html(case, "grant", number="杭测0登〔2026〕1号", token="t" * 32,
                                         language=language, day=day, facts={"tier": 1})
    rendered = render.render_pdf(html)
    page, x1, y1, x2, y2 = rendered.seal_box
    assert page == rendered.pages - 1 and x2 - x1 == pytest.approx(y2 - y1)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    authority = case.department.name_en if language == "en" else case.department.name_zh
    date_text = "24 November 2026" if language == "en" else "2026年11月24日"
    allowed = set(authority.split()) | set(date_text.split())
    under = [w for w in _words(rendered.pdf, page, tmp_path)
             if w[1] < x2 and w[3] > x1 and w[2] < y2 and w[4] > y1]
    assert under and {w[0] for w in under} <= allowed, under
    date_words = [w for w in under if w[0] in date_text.split()]
    assert date_words and all(w[4] < cy for w in date_words)  # the date below the centre
    line = [w for w in under if w[0] in authority.split()]
    assert (min(w[1] for w in line) + max(w[3] for w in line)) / 2 == pytest.approx(cx, abs=1)  # centred
    assert min(w[2] for w in line) < cy  # the name reaches below the centre
    # the seal's top within one line (28.99 pt) below the body's last line
    above = [w for w in _words(rendered.pdf, page, tmp_path) if w[2] >= y2]
    if above:
        assert min(w[2] for w in above) - y2 <= 28.99, min(w[2] for w in above) - y2
