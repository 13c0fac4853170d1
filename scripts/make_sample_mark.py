"""Draw the "样例 SAMPLE" mark of decisions on a draft-example basis as an SVG of glyph outlines.

The mark must be a graphic, not text: a PDF reader, search or copy must not find "样例" in the
text layer, so the glyphs of Noto Sans CJK SC Bold are converted to paths here once and the SVG
is committed (``supervision/static/decisions/sample-mark.svg``).  Run again only to change it:
``.venv/bin/python scripts/make_sample_mark.py``.
"""
from __future__ import annotations

from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
OUT = Path(__file__).resolve().parent.parent / "supervision" / "static" / "decisions" / "sample-mark.svg"
TEXT = "样例 SAMPLE"


def main() -> None:
    font = TTCollection(FONT).fonts[2]  # Simplified Chinese
    cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
    upem = font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    x = 0
    for ch in TEXT:
        name = cmap[ord(ch)]
        # Font units have y up; SVG has y down: flip, baseline at 880 units.
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 880)))
        x += glyphs[name].width
    width, height = x, upem
    # Drawn along the page's left edge, reading upwards: rotate the line by -90°.
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {height} {width}" '
           f'width="{height / width * 120:.2f}mm" height="120mm">'
           f'<g transform="translate(0 {width}) rotate(-90)">'
           f'<path d="{pen.getCommands()}" fill="#d40000" fill-opacity="0.55"/></g></svg>\n')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(svg)
    print(OUT, len(svg), "bytes")


if __name__ == "__main__":
    main()
