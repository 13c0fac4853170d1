"""The fast canonical writer used by verification agrees with the reference RFC 8785 library on
every event document (strings of any characters, safe integers, nulls)."""
from __future__ import annotations

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from supervision.audit import chain

values = st.one_of(st.none(), st.text(), st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1))
documents = st.fixed_dictionaries({k: values for k in chain.FIELDS})


@given(documents)  # as many documents as the Hypothesis profile asks (tests/conftest.py)
def test_fast_path_writes_the_rfc8785_text(doc):
    try:
        reference = rfc8785.dumps(doc).decode("utf-8")
    except (rfc8785.CanonicalizationError, UnicodeError):
        reference = None
    fast = chain._fast_canonical(doc)
    assert fast is None or fast == reference
    assert fast is not None or reference is None or any(
        isinstance(v, str) and any("\ud800" <= c <= "\udfff" for c in v) for v in doc.values())


def test_control_characters_and_quotes_are_escaped_as_rfc8785_says():
    doc = dict.fromkeys(chain.FIELDS)
    doc["reason"] = 'tab\there "quoted" back\\slash \x00 \x1f \u2028 é 😀'
    assert chain._fast_canonical(doc) == rfc8785.dumps(doc).decode("utf-8")
    assert '"reason":"tab\\there \\"quoted\\" back\\\\slash \\u0000 \\u001f \u2028 é 😀"' in chain._fast_canonical(doc)


def test_unsafe_values_take_the_reference_path():
    doc = dict.fromkeys(chain.FIELDS)
    doc["seq"] = 2**60
    assert chain._fast_canonical(doc) is None
    doc["seq"] = 1.5
    assert chain._fast_canonical(doc) is None
    doc["seq"] = True
    assert chain._fast_canonical(doc) is None
