"""The label sheet of a batch, drawn directly as PDF (pydyf; no HTML layout: a batch of 10,000
is about 420 pages), and its CSV.

A4 label stock of 3 × 8 labels of 70 × 37 mm (24 a page).  Each label: a QR code (segno's
modules as filled vector rectangles) leading to the unit's public page under
``PUBLIC_BASE_URL``, the code beneath it in Courier (a standard PDF face: nothing to embed),
and beside it the model and the firm, whose text (Chinese included) is drawn once per sheet as
glyph outlines from Noto Sans CJK and reused by every label.
"""
from __future__ import annotations

import csv
import functools
import io
from typing import Callable, Iterable

import pydyf
import segno
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTCollection

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
COLS, ROWS = 3, 8
LABEL_W, LABEL_H = 70 * MM, 37 * MM
TOP = (PAGE_H - ROWS * LABEL_H) / 2
PAD = 3 * MM
QR_SIZE = 23 * MM
CODE_PT = 7.2
CODE_Y = LABEL_H - PAD - QR_SIZE - 3.2 * MM  # the code beneath its QR
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_FACE = 2  # Simplified Chinese in Debian's collection


def public_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/units/{code}"


@functools.lru_cache(maxsize=1)
def _cjk_font():
    return TTCollection(CJK_FONT, lazy=True).fonts[CJK_FACE]


class _PdfPen(BasePen):
    """Glyph outlines as PDF path operators, scaled and shifted."""

    def __init__(self, glyph_set, out: list[str], scale: float, dx: float, dy: float):
        super().__init__(glyph_set)
        self.out, self.s, self.dx, self.dy = out, scale, dx, dy

    def _p(self, pt) -> str:
        return f"{pt[0] * self.s + self.dx:.2f} {pt[1] * self.s + self.dy:.2f}"

    def _moveTo(self, pt):
        self.out.append(f"{self._p(pt)} m")

    def _lineTo(self, pt):
        self.out.append(f"{self._p(pt)} l")

    def _curveToOne(self, p1, p2, p3):
        self.out.append(f"{self._p(p1)} {self._p(p2)} {self._p(p3)} c")

    def _closePath(self):
        self.out.append("h")


def text_outlines(text: str, size: float, x: float, y: float, max_width: float) -> str:
    """PDF path operators drawing ``text`` (one line, clipped to ``max_width``) at (x, y)."""
    font = _cjk_font()
    cmap, glyphs, hmtx = font.getBestCmap(), font.getGlyphSet(), font["hmtx"]
    scale = size / font["head"].unitsPerEm
    out: list[str] = []
    cursor = x
    for ch in text:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        advance = hmtx[name][0] * scale
        if cursor + advance - x > max_width:
            break
        glyphs[name].draw(_PdfPen(glyphs, out, scale, cursor, y))
        cursor += advance
    return " ".join(out) + (" f" if out else "")


def _qr_ops(url: str, x: float, y: float, size: float) -> str:
    """The QR code of ``url`` as filled rectangles in a ``size`` square at (x, y)."""
    # A fixed mask: choosing the best of eight costs most of the time of a 10,000-label sheet.
    qr = segno.make(url, error="m", micro=False, mask=4, boost_error=False)
    matrix = qr.matrix
    n = len(matrix)
    module = size / n
    rects = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                rects.append(f"{start} {n - 1 - r} {c - start} 1 re")
            else:
                c += 1
    return f"q {module:.4f} 0 0 {module:.4f} {x:.2f} {y:.2f} cm {' '.join(rects)} f Q"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def label_sheet(unit_codes: Iterable[str], *, model: str, firm: str, base_url: str,
                progress: Callable[[int], None] | None = None) -> bytes:
    """The PDF label sheet of ``unit_codes`` (in order); ``progress(done)`` after each page."""
    pdf = pydyf.PDF()
    courier = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Courier",
                                "Encoding": "/WinAnsiEncoding"})
    pdf.add_object(courier)
    # Model and firm: the same on every label, drawn once.
    side_x = PAD + QR_SIZE + 2 * MM
    side_w = LABEL_W - side_x - PAD
    names = " ".join(filter(None, [
        text_outlines(model, 8, side_x, LABEL_H - PAD - 8, side_w),
        text_outlines(firm, 6.5, side_x, LABEL_H - PAD - 19, side_w)]))
    names_form = pydyf.Stream([names.encode()], extra={
        "Type": "/XObject", "Subtype": "/Form",
        "BBox": pydyf.Array([0, 0, LABEL_W, LABEL_H])}, compress=True)
    pdf.add_object(names_form)
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": courier.reference}),
                                  "XObject": pydyf.Dictionary({"Names": names_form.reference})})
    pdf.add_object(resources)
    per_page = COLS * ROWS
    page_ops: list[str] = []
    done = 0

    def flush() -> None:
        content = pydyf.Stream(["\n".join(page_ops).encode("latin-1")], compress=True)
        pdf.add_object(content)
        pdf.add_page(pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, PAGE_W, PAGE_H]),
            "Contents": content.reference, "Resources": resources.reference}))
        page_ops.clear()
        if progress:
            progress(done)

    for i, code in enumerate(unit_codes):
        slot = i % per_page
        if slot == 0 and page_ops:
            flush()
        col, row = slot % COLS, slot // COLS
        lx = (PAGE_W - COLS * LABEL_W) / 2 + col * LABEL_W
        ly = PAGE_H - TOP - (row + 1) * LABEL_H
        page_ops.append(f"q 1 0 0 1 {lx:.2f} {ly:.2f} cm")
        page_ops.append(_qr_ops(public_url(base_url, code), PAD, LABEL_H - PAD - QR_SIZE, QR_SIZE))
        page_ops.append(f"BT /F1 {CODE_PT} Tf {PAD:.2f} {CODE_Y:.2f} Td ({_escape(code)}) Tj ET")
        page_ops.append("/Names Do Q")
        done = i + 1
    if page_ops or done == 0:
        flush()
    out = io.BytesIO()
    pdf.write(out, compress=True)
    return out.getvalue()


def label_csv(rows: Iterable[tuple[str, int]], *, model: str, firm: str, base_url: str) -> str:
    """One line per code: code, serial, model, firm, public address."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["code", "serial", "model", "firm", "url"])
    for code, serial in rows:
        writer.writerow([code, serial, model, firm, public_url(base_url, code)])
    return buf.getvalue()
