"""Robot unit codes (Art. 46, DOMAIN §5): the coding rules as versioned data, reading a code a
person typed or a scanner read, and writing new ones.

Rule v1: ``HZR-PPPPPP-MMMM-SSSSSSSS-C``: the scheme ``HZR``, the firm's six-character
manufacturer prefix (assigned by an administrator), the model's four-character code (assigned by
the regulator), an eight-character serial and one check character by ISO 7064 MOD 37-2 over the
21 characters before it, hyphens removed.  Every segment is ``0-9A-Z``; the check character may
also be ``*``.  MOD 37-2 catches every single-character substitution and every transposition of
two adjacent characters.

Input is normalised before it is checked (full-width characters, surrounding spaces, case, a
code typed without its hyphens); something not shaped like a code raises ``NotACode``, a code
whose check character does not hold raises ``Mistyped``.  Pure Python: no Flask, no database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_2

from workflows.base import N_

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class CodingRule:
    """One version of the coding rule: the segments and how the check character is computed."""

    version: int
    scheme: str           # the fixed first segment
    prefix_length: int    # manufacturer prefix
    model_length: int     # model code
    serial_length: int    # serial within the model
    label: str            # N_-marked

    @property
    def shape(self) -> re.Pattern[str]:
        seg = "[0-9A-Z]"
        return re.compile(rf"{self.scheme}-({seg}{{{self.prefix_length}}})-({seg}{{{self.model_length}}})"
                          rf"-({seg}{{{self.serial_length}}})-([0-9A-Z*])")

    @property
    def compact_length(self) -> int:
        return len(self.scheme) + self.prefix_length + self.model_length + self.serial_length + 1

    @property
    def max_serial(self) -> int:
        return 10 ** self.serial_length - 1

    def check_character(self, body: str) -> str:
        """The MOD 37-2 check character over ``body`` (the characters before it, no hyphens)."""
        return mod_37_2.calc_check_digit(body)

    def compose(self, prefix: str, model: str, serial: int) -> "Code":
        """The code of unit ``serial`` of a model (serials are written in decimal digits)."""
        if not (1 <= serial <= self.max_serial):
            raise ValueError(f"serial {serial} outside 1..{self.max_serial}")
        if not valid_segment(prefix, self.prefix_length) or not valid_segment(model, self.model_length):
            raise ValueError("prefix or model code not shaped for this rule")
        serial_text = str(serial).zfill(self.serial_length)
        check = self.check_character(f"{self.scheme}{prefix}{model}{serial_text}")
        return Code(self.version, prefix, model, serial_text, check)


RULE_V1 = CodingRule(version=1, scheme="HZR", prefix_length=6, model_length=4, serial_length=8,
                     label=N_("Hangzhou robot unit code, rule v1 (HZR, ISO 7064 MOD 37-2)"))
# Every rule ever in force, by version; new codes are written under ``CURRENT``.
RULES: dict[int, CodingRule] = {1: RULE_V1}
CURRENT = RULE_V1


@dataclass(frozen=True)
class Code:
    """A code whose check character holds."""

    rule_version: int
    prefix: str
    model: str
    serial: str
    check: str

    @property
    def rule(self) -> CodingRule:
        return RULES[self.rule_version]

    @property
    def text(self) -> str:
        return f"{self.rule.scheme}-{self.prefix}-{self.model}-{self.serial}-{self.check}"

    def __str__(self) -> str:
        return self.text


class CodeError(ValueError):
    """Input that is not a valid code; ``msgid`` is the N_-marked message for the person."""

    msgid = N_("This is not a valid robot unit code.")

    def __init__(self, text: str):
        super().__init__(f"{self.msgid}: {text!r}")
        self.text = text


class NotACode(CodeError):
    msgid = N_("This is not shaped like a robot unit code (HZR-AAAAAA-BBBB-CCCCCCCC-D).")


class Mistyped(CodeError):
    msgid = N_("This code is mistyped: its check character does not match. Check the label.")


def normalise(text: str) -> str:
    """Full-width characters to ASCII, surrounding spaces off, upper case; a compact code (no
    hyphens) gets its hyphens back.  Whatever is not code-shaped comes back cleaned, unchanged
    otherwise."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().upper()
    cleaned = re.sub(r"[\u2010-\u2015\u2212]", "-", cleaned)  # dashes a keyboard may give
    for rule in RULES.values():
        if len(cleaned) == rule.compact_length and "-" not in cleaned and cleaned.startswith(rule.scheme):
            cuts = _cuts(rule)
            return "-".join(cleaned[a:b] for a, b in zip(cuts, cuts[1:], strict=False))
    return cleaned


def _cuts(rule: CodingRule) -> list[int]:
    cuts = [0]
    for length in (len(rule.scheme), rule.prefix_length, rule.model_length, rule.serial_length, 1):
        cuts.append(cuts[-1] + length)
    return cuts


def parse(text: str) -> Code:
    """The code in ``text`` (normalised first); ``NotACode`` or ``Mistyped`` otherwise."""
    cleaned = normalise(text)
    for rule in RULES.values():
        m = rule.shape.fullmatch(cleaned)
        if m is None:
            continue
        prefix, model, serial, check = m.groups()
        body = f"{rule.scheme}{prefix}{model}{serial}"
        if not mod_37_2.is_valid(body + check):
            raise Mistyped(cleaned)
        return Code(rule.version, prefix, model, serial, check)
    raise NotACode(cleaned)


def valid_segment(text: str, length: int) -> bool:
    return len(text) == length and all(c in ALPHABET for c in text)


def to_base36(number: int, length: int) -> str:
    """``number`` in ``0-9A-Z`` digits, zero-padded to ``length`` (model codes)."""
    if number < 0 or number >= 36 ** length:
        raise ValueError(f"{number} does not fit in {length} base-36 digits")
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = ALPHABET[digit] + out
    return out.rjust(length, "0")


def from_base36(text: str) -> int:
    return int(text, 36)
