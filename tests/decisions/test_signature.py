"""The PAdES signature validates against the development CA, and any change is reported."""
from __future__ import annotations

import re

import pytest

from supervision.decisions import signing
from supervision.documents import storage
from tests.decisions.conftest import issue


@pytest.fixture
def signed(world) -> bytes:
    return storage.read(issue(world, "grant", facts={"tier": 1}).pdf_sha256)


def test_signature_validates_against_the_dev_ca(signed):
    check = signing.validate(signed)
    assert check.valid and check.intact and check.trusted and check.whole_file
    assert "杭州市经济和信息化局" in check.signer


def test_signature_is_pades_with_a_visible_seal(signed):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    x1, y1, x2, y2 = (float(v) for v in sig.sig_field["/Kids"][0]["/Rect"]) if "/Kids" in sig.sig_field \
        else (float(v) for v in sig.sig_field["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 60  # a visible stamp, not an invisible field


def _content_stream_offset(pdf: bytes) -> int:
    """Offset of the first byte of the first page's content stream data."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    page = PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    ref = page.raw_get("/Contents")
    ref = ref[0] if isinstance(ref, list) else ref
    obj = re.search(rb"\n%d 0 obj" % ref.idnum, pdf)
    return pdf.index(b"stream\n", obj.end()) + len(b"stream\n") + 20


def _flip(pdf: bytes, at: int) -> bytes:
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]


def test_one_byte_changed_in_a_content_stream_is_reported(signed):
    check = signing.validate(_flip(signed, _content_stream_offset(signed)))
    assert not check.valid
    assert check.problem == "altered"


def test_one_byte_changed_in_the_cross_reference_section_is_reported(signed):
    first_startxref = int(re.search(rb"startxref\n(\d+)", signed).group(1))  # the signed revision's
    assert b"/XRef" in signed[first_startxref:first_startxref + 400] or signed[first_startxref:].startswith(b"xref")
    at = signed.index(b"stream\n", first_startxref) + len(b"stream\n") + 5
    check = signing.validate(_flip(signed, at))
    assert not check.valid
    assert check.problem == "altered" or check.problem.startswith("unreadable")


def test_a_byte_appended_after_eof_is_reported(signed):
    assert signed.rstrip().endswith(b"%%EOF")
    check = signing.validate(signed + b"x")
    assert not check.valid
    assert check.problem == "changed_after_signing"


def test_a_pdf_signed_by_another_ca_is_not_trusted(signed, app, tmp_path):
    app.config["DECISION_KEY_DIR"] = str(tmp_path)  # a fresh, unrelated development CA
    signing._signers.clear()
    check = signing.validate(signed)
    assert not check.valid
    assert check.problem == "untrusted"


def test_signing_and_validation_work_while_an_event_loop_runs(world):
    """Playwright's sync API keeps a loop running in the test thread; pyHanko must still work."""
    import asyncio

    async def inside():
        decision = issue(world, "acceptance")
        return signing.validate(storage.read(decision.pdf_sha256))

    if asyncio.events._get_running_loop() is not None:
        # Earlier Playwright tests already left their loop running in this thread: that is the
        # very situation under test, so issue and validate right here.
        decision = issue(world, "acceptance")
        assert signing.validate(storage.read(decision.pdf_sha256)).valid
    else:
        assert asyncio.run(inside()).valid
