"""The ledger's canonical JSON: the fast path writes exactly the RFC 8785 text of the reference
implementation, whatever the event holds, and leaves what it cannot write to it."""
import rfc8785
from hypothesis import given, strategies as st

from supervision.units.validation import canonical

# Strings over the whole of Unicode: control characters, quotes, backslashes, CJK, astral
# characters and lone surrogates (which RFC 8785 refuses).
texts = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=12)
scalars = st.none() | st.booleans() | st.integers(min_value=-(2 ** 60), max_value=2 ** 60) | texts
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                      max_leaves=20)


def _reference(value):
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except Exception as refused:  # noqa: BLE001 - the refusal's kind is what is compared
        return type(refused)


def _ours(value):
    try:
        return canonical(value)
    except Exception as refused:  # noqa: BLE001
        return type(refused)


@given(values)
def test_canonical_is_the_reference_text_or_the_reference_refusal(value):
    assert _ours(value) == _reference(value)


def test_astral_keys_sort_by_utf16_units_and_floats_are_written_as_the_standard_says():
    # U+FF61 comes after U+1F600 by code point but before it by UTF-16 unit (0xFF61 > 0xD83D)
    assert canonical({"\uff61": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\uff61":1}'
    assert canonical({"n": 1.5e-7, "m": 10.0}) == '{"m":10,"n":1.5e-7}'  # Python would write 1.5e-07, 10.0
    assert canonical({"b": [True, None], "a": "\u2028\x1f"}) == '{"a":"\u2028\\u001f","b":[true,null]}'
