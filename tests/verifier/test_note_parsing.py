"""The verifier parses checkpoint notes strictly (C2SP signed-note and tlog-checkpoint): a note
that differs from the canonical text the platform signs in any byte is never accepted, even when
the signature over its body is genuine."""
from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

import tools.verify_dossier as tool
from supervision.dossiers import notes

ORIGIN = "supervision.test/audit-log"
KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"note-parsing").digest())
VKEY = tool.VerifierKey(ORIGIN, notes.key_hash(ORIGIN, notes.raw_public(KEY.public_key())), KEY.public_key())
ROOT = hashlib.sha256(b"root").digest()
BODY = f"{ORIGIN}\n1272\n{base64.b64encode(ROOT).decode()}\nTimestamp: 2026-12-07T01:02:03.000000Z\n"


def signed(body: str, tail: str = "") -> bytes:
    """``body`` signed with the log's key, as the platform's signer would (plus ``tail``)."""
    sig = KEY.sign(body.encode())
    kh = notes.key_hash(ORIGIN, notes.raw_public(KEY.public_key()))
    return (body + "\n" + f"\u2014 {ORIGIN} {base64.b64encode(kh + sig).decode()}\n" + tail).encode()


def verdict(note: bytes) -> list[str]:
    cp, found = tool.open_checkpoint(note, VKEY, "checkpoint")
    return found if cp is not None else found or ["no checkpoint"]


def test_the_canonical_note_verifies():
    assert verdict(signed(BODY)) == []
    assert tool.open_checkpoint(signed(BODY), VKEY, "checkpoint")[0].tree_size == 1272


def _noncanonical_root() -> str:
    good = base64.b64encode(ROOT).decode()          # 44 chars, last data char carries 2 spare bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    i = alphabet.index(good[-2])
    bad = good[:-2] + alphabet[i | 1 if not i & 1 else i & ~1] + good[-1]
    assert base64.b64decode(bad) == ROOT and bad != good
    return bad


@pytest.mark.parametrize("body, tail", [
    (BODY.replace("\n1272\n", "\n001272\n"), ""),                                  # leading zeros
    (BODY.replace("\n1272\n", "\n\u0661\u0662\u0667\u0662\n"), ""),                # Arabic-Indic digits
    (BODY.replace("\n1272\n", "\n+1272\n"), ""),
    (BODY.replace("\n1272\n", "\n1_272\n"), ""),
    (BODY.replace("\n1272\n", "\n 1272\n"), ""),
    (BODY.replace(base64.b64encode(ROOT).decode(), _noncanonical_root()), ""),     # spare bits set
    (BODY.replace(base64.b64encode(ROOT).decode(), base64.b64encode(ROOT).decode().rstrip("=")), ""),
    (BODY.replace("\n1272\n", "\n1272\r\n"), ""),
    (BODY + "\n", ""),                                                             # blank line in body
    (BODY, "\n"),                                                                  # blank line at the end
    (BODY.replace("Timestamp", "\tTimestamp"), ""),                                # control character
    (BODY.replace(ORIGIN + "\n", "\n", 1), ""),                                    # empty origin
], ids=["zeros", "arabic-indic", "plus", "underscore", "space", "b64-spare-bits", "b64-unpadded",
        "crlf", "blank-in-body", "blank-at-end", "tab", "empty-origin"])
def test_a_non_canonical_note_is_refused_even_when_its_signature_is_genuine(body, tail):
    assert verdict(signed(body, tail)), "a non-canonical checkpoint note was accepted"


def test_the_signature_lines_are_parsed_strictly():
    note = signed(BODY)
    text = note.decode()
    body, _, sig_line = text.partition("\n\n")
    b64 = sig_line.split(" ")[2].rstrip("\n")
    assert verdict((body + "\n\n\n" + sig_line).encode())                            # extra blank line
    assert verdict(note.rstrip(b"\n"))                                               # no final newline
    assert verdict((body + "\n\n" + sig_line + "junk\n").encode())                   # not a signature line
    assert verdict((body + "\n\n" + sig_line.replace(b64, b64.rstrip("="))).encode())
    assert verdict((body + "\n\n" + sig_line.replace(" ", "  ", 1)).encode())
    # A signature by another key is ignored, as the format requires; the note still verifies.
    other = Ed25519PrivateKey.generate()
    extra = base64.b64encode(b"\0\0\0\0" + other.sign(b"x")).decode()
    assert verdict((text + f"\u2014 other.example/log {extra}\n").encode()) == []


def _mutate(note: bytes, data) -> bytes:
    kind = data.draw(st.sampled_from(["flip", "insert", "delete", "replace-char"]))
    at = data.draw(st.integers(0, len(note) - (0 if kind == "insert" else 1)))
    if kind == "flip":
        return note[:at] + bytes([note[at] ^ (1 << data.draw(st.integers(0, 7)))]) + note[at + 1:]
    if kind == "insert":
        return note[:at] + data.draw(st.sampled_from([b"\n", b" ", b"0", b"=", b"\r", b"A", "\u0660".encode()])) + note[at:]
    if kind == "delete":
        return note[:at] + note[at + 1:]
    text = note.decode()
    at = min(at, len(text) - 1)
    swap = {c: d for c, d in zip("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")}
    swap.update({"\n": "\r\n", " ": "\u00a0", "\u2014": "-", "=": ""})
    return (text[:at] + swap.get(text[at], text[at]) + text[at + 1:]).encode()


@given(st.data())
def test_a_mutated_note_never_verifies(data):
    note = signed(BODY)
    mutated = _mutate(note, data)
    if mutated != note:
        assert verdict(mutated), f"mutated note accepted: {mutated!r}"


@given(st.data())
def test_a_mutated_body_signed_with_the_genuine_key_verifies_only_if_canonical(data):
    """Even the log's own key cannot make a non-canonical body acceptable (parser differential)."""
    body = _mutate(BODY.encode(), data)
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return
    found = verdict(signed(text))
    if not found:
        cp, _ = tool.open_checkpoint(signed(text), VKEY, "checkpoint")
        canonical = (f"{cp.origin}\n{cp.tree_size}\n{base64.b64encode(cp.root).decode()}\n")
        assert text.startswith(canonical), f"accepted a non-canonical body: {text!r}"
