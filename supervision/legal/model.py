"""What an instrument and a provision are, and how a list of provisions is cited (pure Python).

A provision's key is ``<instrument>:<article>[.<paragraph>[.<item>]]``: ``licensing:32.1.5`` is
行政许可法第三十二条第一款第（五）项, Art. 32(1)(5) of the Administrative Licensing Law.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

ADOPTED, DRAFT_EXAMPLE = "adopted", "draft_example"
STATUSES = (ADOPTED, DRAFT_EXAMPLE)
# Paragraph 0 stands for an article whose items are not in a numbered paragraph (第七十条第（一）项).
KEY = re.compile(r"^([a-z][a-z0-9_]{1,39}):([1-9][0-9]{0,3})(?:\.(0|[1-9][0-9]?)(?:\.([1-9][0-9]?))?)?$")


@dataclass(frozen=True)
class Instrument:
    key: str
    title_zh: str
    title_en: str
    issuing_body_zh: str
    issuing_body_en: str
    document_number: str
    adopted_on: dt.date | None
    status: str = ADOPTED
    national: bool = True   # a national law (its title is cited without further words)

    @property
    def adopted(self) -> bool:
        return self.status == ADOPTED

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def cited(self, language: str) -> str:
        return self.title_en if language == "en" else f"《{self.title_zh}》"

    def but(self, **changes) -> "Instrument":
        return replace(self, **changes)


@dataclass(frozen=True)
class Provision:
    key: str
    instrument: str
    article: int
    paragraph: int | None = None
    item: int | None = None
    text_zh: str = ""
    text_en: str = ""
    # Filled in when looked up: the instrument the provision belongs to.
    of: Instrument | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, key: str, text_zh: str = "", text_en: str = "") -> "Provision":
        match = KEY.match(key or "")
        if match is None or (match.group(3) == "0" and not match.group(4)):
            raise ValueError(f"not a provision key: {key!r}")
        inst, art, para, item = match.groups()
        return cls(key, inst, int(art), int(para) if para and para != "0" else None, int(item) if item else None,
                   text_zh, text_en)

    def place(self, language: str) -> str:
        """第三十二条第一款第（五）项 / Art. 32(1)(5)."""
        if language == "en":
            out = f"Art. {self.article}"
            out += f"({self.paragraph})" if self.paragraph else ""
            return out + (f"({self.item})" if self.item else "")  # Art. 70(1) when there is no paragraph
        out = f"第{chinese_number(self.article)}条"
        out += f"第{chinese_number(self.paragraph)}款" if self.paragraph else ""
        return out + (f"第（{chinese_number(self.item)}）项" if self.item else "")

    def cite(self, language: str) -> str:
        if self.of is None:
            raise ValueError(f"provision {self.key} has no instrument")
        if language == "en":
            return f"{self.place('en')} of the {self.of.title_en}"
        return self.of.cited("zh") + self.place("zh")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 32 → 三十二, 105 → 一百零五 (article numbers)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + digits[rest] if rest < 10 else ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))


def cite(provisions: list[Provision], language: str) -> str:
    """《甲法》第一条、第二条，《乙办法》第三条 — consecutive provisions of one instrument share
    its title; English: "Arts. 44 and 45 of the Administrative Penalty Law; Art. 10 of …"."""
    groups: list[tuple[Instrument, list[Provision]]] = []
    for p in provisions:
        if groups and groups[-1][0].key == p.of.key:  # type: ignore[union-attr]
            groups[-1][1].append(p)
        else:
            groups.append((p.of, [p]))  # type: ignore[arg-type]
    if language == "en":
        parts = []
        for inst, ps in groups:
            places = [p.place("en") for p in ps]
            if len(places) == 1:
                parts.append(f"{places[0]} of the {inst.title_en}")
            else:
                places = [places[0]] + [pl.removeprefix("Art. ") for pl in places[1:]]
                joined = ", ".join(places[:-1]) + " and " + places[-1]
                parts.append(f"{joined.replace('Art. ', 'Arts. ', 1)} of the {inst.title_en}")
        return "; ".join(parts)
    return "，".join(inst.cited("zh") + "、".join(p.place("zh") for p in ps) for inst, ps in groups)
