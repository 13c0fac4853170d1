"""The coding rule v1 (DOMAIN §5): shape, check character, normalisation, and that every
single-character substitution and adjacent transposition of a valid code is caught."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.units import codes

SEGMENT = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CHECK_ALPHABET = SEGMENT + "*"


def seg(n: int):
    return st.text(alphabet=SEGMENT, min_size=n, max_size=n)


valid_codes = st.builds(lambda p, m, s: codes.RULE_V1.compose(p, m, s).text,
                        seg(6), seg(4), st.integers(min_value=1, max_value=99_999_999))


def outcome(text: str) -> str:
    try:
        codes.parse(text)
    except codes.Mistyped:
        return "mistyped"
    except codes.NotACode:
        return "not a code"
    return "valid"


def test_a_known_code_and_its_check_character():
    code = codes.RULE_V1.compose("A1B2C3", "0001", 1)
    assert code.text == "HZR-A1B2C3-0001-00000001-*"  # MOD 37-2 may give '*'
    assert codes.parse(code.text) == code


@pytest.mark.parametrize("typed", [
    "hzr-a1b2c3-0001-00000001-*",                # lower case
    "  HZR-A1B2C3-0001-00000001-*\t",             # surrounding spaces
    "ＨＺＲ－Ａ１Ｂ２Ｃ３－０００１－０００００００１－＊",  # full-width
    "HZRA1B2C3000100000001*",                    # without hyphens
    "HZR\u2013A1B2C3\u2014 0001-00000001-*".replace(" ", ""),  # dashes a keyboard gives
])
def test_input_is_normalised_before_checking(typed):
    assert codes.parse(typed).text == "HZR-A1B2C3-0001-00000001-*"


@pytest.mark.parametrize("text", ["", "hello", "HZR-A1B2C3-0001-0000001-*", "XYZ-A1B2C3-0001-00000001-*",
                                  "HZR-A1B2C3-0001-00000001", "HZR-A1B2C3-0001-00000001-**",
                                  "HZR-A1B2*3-0001-00000001-K", "HZR-A1B2C3-0001-00000001-K-"])
def test_what_is_not_shaped_like_a_code_is_not_a_code(text):
    assert outcome(text) == "not a code"


def test_a_wrong_check_character_is_mistyped_with_a_clear_message():
    with pytest.raises(codes.Mistyped) as err:
        codes.parse("HZR-A1B2C3-0001-00000001-K")
    assert "check character" in err.value.msgid and isinstance(err.value, codes.CodeError)


@given(valid_codes, st.data())
def test_every_single_substitution_is_caught(code, data):
    positions = [i for i, ch in enumerate(code) if ch != "-"]
    i = data.draw(st.sampled_from(positions))
    alphabet = CHECK_ALPHABET if i == len(code) - 1 else SEGMENT + "*"
    other = data.draw(st.sampled_from([c for c in alphabet if c != code[i]]))
    assert outcome(code[:i] + other + code[i + 1:]) in ("mistyped", "not a code")


@given(valid_codes)
def test_every_substitution_of_every_position_is_caught(code):
    for i, ch in enumerate(code):
        if ch == "-":
            continue
        for other in CHECK_ALPHABET:
            if other != ch:
                assert outcome(code[:i] + other + code[i + 1:]) != "valid", (code, i, other)


@given(valid_codes)
def test_every_adjacent_transposition_is_caught(code):
    compact = code.replace("-", "")
    for i in range(len(compact) - 1):
        if compact[i] == compact[i + 1]:
            continue  # swapping equal characters changes nothing
        swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
        assert outcome(swapped) != "valid", (code, i)
        # and as typed with its hyphens
        hyphenated = codes.normalise(swapped)
        assert outcome(hyphenated) != "valid"


def test_model_codes_count_in_base_36():
    assert codes.to_base36(1, 4) == "0001"
    assert codes.to_base36(36, 4) == "0010"
    assert codes.from_base36(codes.to_base36(1_000_000, 4)) == 1_000_000
    with pytest.raises(ValueError):
        codes.to_base36(36 ** 4, 4)
