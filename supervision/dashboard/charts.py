"""Server-rendered SVG charts (no chart library): horizontal bars for categories, columns for
months.  Every text is escaped; the SVG carries a title and a description for screen readers,
and the same figures are always shown as a table beside it."""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup

BAR_H, GAP, LABEL_W, BAR_W, PAD = 20, 6, 150, 180, 6


# Markup templates: ``format`` escapes every value it is given (labels are user-visible text).
_SVG = Markup('<svg class="chart" role="img" viewBox="0 0 {w} {h}" preserveAspectRatio="xMinYMin meet" '
              'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{body}</svg>')
_BAR = Markup('<text x="{lx}" y="{ty}" text-anchor="end">{short}</text>'
              '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}"><title>{text}: {n}</title></rect>'
              '<text x="{vx}" y="{ty}">{n}</text>')
_COLUMN = Markup('<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}"><title>{text}: {v}</title></rect>'
                 '<text x="{cx}" y="{vy}" text-anchor="middle">{v}</text>'
                 '<text x="{cx}" y="{ly}" text-anchor="middle">{month}</text>')
_AXIS = Markup('<line class="axis" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>')
_YEAR = Markup('<text x="{x}" y="{y}">{year}</text>')


def _svg(width: int, height: int, title: str, body: list[Markup]) -> Markup:
    return _SVG.format(w=width, h=height, title=title, body=Markup("").join(body))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """One horizontal bar per (label, n), labels on the left, the value at the bar's end."""
    top = max((n for _l, n in rows), default=0) or 1
    height = PAD * 2 + len(rows) * (BAR_H + GAP)
    body = []
    for i, (text, n) in enumerate(rows):
        y = PAD + i * (BAR_H + GAP)
        w = round(BAR_W * n / top)
        body.append(_BAR.format(lx=LABEL_W - 6, ty=y + BAR_H - 5, short=_short(str(text), 14), x=LABEL_W, y=y,
                                w=max(w, 1 if n else 0), h=BAR_H, text=str(text), n=int(n), vx=LABEL_W + w + 4))
    return _svg(LABEL_W + BAR_W + 40, max(height, 30), title, body)


def columns(labels: Sequence[str], values: Sequence[int], title: str) -> Markup:
    """One column per month (``labels`` like ``2026-03``), the value above each column."""
    n = len(values)
    col, gap, chart_h, base = 28, 8, 140, 160
    width = PAD * 2 + n * (col + gap) + 10
    top = max(values, default=0) or 1
    body = [_AXIS.format(x1=PAD, x2=width - PAD, y=base)]
    for i, (text, v) in enumerate(zip(labels, values, strict=True)):
        x = PAD + i * (col + gap)
        h = round(chart_h * v / top)
        body.append(_COLUMN.format(x=x, y=base - h, w=col, h=h, text=text, v=int(v), cx=x + col / 2,
                                   vy=base - h - 3, ly=base + 14, month=text[5:]))
    if labels:
        body.append(_YEAR.format(x=PAD, y=base + 30, year=labels[0][:4]))
    return _svg(width, base + 36, title, body)
