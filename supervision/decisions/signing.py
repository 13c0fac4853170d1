"""PAdES signatures (pyHanko) by the issuing department's key, and their validation.

Development: ``flask decisions init-keys`` (and, outside production, the first signature of a
department) creates a development CA and one signing certificate per department under
``DECISION_KEY_DIR`` (default ``instance/keys``).  Production: set ``DECISION_DEV_KEYS=False``
and give each department's key as ``<dir>/dept-<id>.p12`` (PKCS#12, passphrase
``DECISION_KEY_PASSPHRASE``) or ``dept-<id>.key.pem`` + ``dept-<id>.cert.pem``, and the CA that
relying parties trust as ``DECISION_CA_CERT``.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import math
import os
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import current_app

_lock = threading.Lock()
_signers: dict[tuple[str, int], object] = {}


class SigningUnavailable(RuntimeError):
    """No key for the department, and development keys are not allowed here."""


# -- keys and certificates -------------------------------------------------------------------


def key_dir() -> Path:
    path = Path(current_app.config.get("DECISION_KEY_DIR")
                or os.path.join(current_app.instance_path, "keys"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def ca_cert_path() -> Path:
    return Path(current_app.config.get("DECISION_CA_CERT") or key_dir() / "ca.cert.pem")


def _dev_keys_allowed() -> bool:
    return bool(current_app.config.get("DECISION_DEV_KEYS", current_app.config.get("ENV_NAME") != "production"))


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def ensure_dev_ca() -> None:
    """Create the development CA once (a P-256 key, ten years)."""
    directory = key_dir()
    if (directory / "ca.cert.pem").exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Embodied-Robot Supervision Platform (development)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Development Decision CA")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write_private(directory / "ca.key.pem", _pem_key(key))
    (directory / "ca.cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_dev_department_key(department) -> bool:
    """Create a department's development signing key and certificate; False if it exists."""
    directory = key_dir()
    key_path, cert_path = directory / f"dept-{department.id}.key.pem", directory / f"dept-{department.id}.cert.pem"
    if cert_path.exists() or (directory / f"dept-{department.id}.p12").exists():
        return False
    ensure_dev_ca()
    ca_key = serialization.load_pem_private_key((directory / "ca.key.pem").read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((directory / "ca.cert.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, department.name_zh),
                         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department.name_en[:64]),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{department.name_zh} 电子签章")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                  x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_private(key_path, _pem_key(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return True


def signer_for(department):
    """The pyHanko signer of ``department`` (cached per key directory)."""
    from pyhanko.sign import signers

    directory = key_dir()
    cache_key = (str(directory), department.id)
    with _lock:
        if cache_key in _signers:
            return _signers[cache_key]
        p12 = directory / f"dept-{department.id}.p12"
        pem_key, pem_cert = directory / f"dept-{department.id}.key.pem", directory / f"dept-{department.id}.cert.pem"
        if not p12.exists() and not pem_cert.exists():
            if not _dev_keys_allowed():
                raise SigningUnavailable(f"no signing key for department {department.id} in {directory}")
            ensure_dev_department_key(department)
        ca = ca_cert_path()
        chain = (str(ca),) if ca.exists() else ()
        passphrase = current_app.config.get("DECISION_KEY_PASSPHRASE")
        passphrase = passphrase.encode() if isinstance(passphrase, str) else passphrase
        if p12.exists():
            signer = signers.SimpleSigner.load_pkcs12(str(p12), ca_chain_files=chain, passphrase=passphrase)
        else:
            signer = signers.SimpleSigner.load(str(pem_key), str(pem_cert), ca_chain_files=chain,
                                               key_passphrase=passphrase)
        if signer is None:
            raise SigningUnavailable(f"the key of department {department.id} could not be loaded")
        _signers[cache_key] = signer
        return signer


# -- the visible seal ------------------------------------------------------------------------
#
# The visible signature is drawn as the department's round official seal (公章), as GB/T 9704-2012
# §7.3.5 places it over the authority's name and date: a red ring, the department's Chinese name
# running clockwise from lower left along the upper edge, a five-pointed star in the centre and the
# words 电子签章 under it, all in 宋体-style Noto Serif CJK SC Bold (国发〔1999〕25号: seals of
# state organs bear their Chinese name in 宋体).  English decisions carry the same seal: an organ
# has one seal, in Chinese; its English name is printed beneath.  The ink is painted with the
# Multiply blend mode, as red ink over black print: the name and date below stay black and legible.
#
# Like a real electronic seal the characters are artwork, not text: each glyph's outline is taken
# from the font once and drawn as a filled path (marked with its character as /ActualText), so the
# whole appearance stream is built once per authority and box, kept compressed, and a signature
# only writes it out: no font is embedded or subset per signature.

NOTO_SERIF_BOLD_TTC = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
SC_FACE_INDEX = 2  # the Simplified Chinese face inside Debian's Noto CJK collections
SEAL_CAPTION = "电子签章"
SEAL_RED = (0.86, 0.08, 0.08)
SEAL_INK_OPACITY = 0.92


def stamp_font_path() -> str:
    """A single-face Noto Serif CJK SC Bold ``.otf`` extracted once from Debian's ``.ttc`` (STACK trap 6)."""
    fonts = Path(current_app.instance_path) / "fonts"
    base = fonts / "NotoSerifCJKsc-Bold.otf"
    if not base.exists():
        from fontTools.ttLib import TTCollection

        fonts.mkdir(parents=True, exist_ok=True)
        collection = TTCollection(NOTO_SERIF_BOLD_TTC, lazy=True)
        try:
            tmp = base.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            collection.fonts[SC_FACE_INDEX].save(str(tmp))
            os.replace(tmp, base)
        finally:
            collection.close()
    return str(base)


# Proportions of the seal, as fractions of its radius (a 42 mm seal has a radius of 59.5 pt).
_RING_WIDTH = 0.055       # the red ring, about 1.2 mm
_NAME_SIZE = 0.32         # em size of the name's characters
_NAME_TOP = 0.875         # radius of the top of the name's characters (just inside the ring)
_NAME_MAX_WIDTH = 0.80    # the name's characters are cut narrow: at most 80% of their height
_STAR_RADIUS = 0.30       # the star's points
_CAPTION_SIZE = 0.15
_CAPTION_BASELINE = -0.49  # below the centre, between the printed name and date


def _circle_path(cx: float, cy: float, r: float) -> bytes:
    """A closed circle of four Bézier quarter arcs."""
    k = 0.5522847498 * r
    return (b"%.3f %.3f m " % (cx + r, cy)
            + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx + r, cy + k, cx + k, cy + r, cx, cy + r)
            + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx - k, cy + r, cx - r, cy + k, cx - r, cy)
            + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx - r, cy - k, cx - k, cy - r, cx, cy - r)
            + b"%.3f %.3f %.3f %.3f %.3f %.3f c h" % (cx + k, cy - r, cx + r, cy - k, cx + r, cy))


def _star_path(cx: float, cy: float, r: float) -> bytes:
    """A regular five-pointed star, one point up."""
    inner = r * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for i in range(10):
        angle = math.radians(90 + 36 * i)
        radius = r if i % 2 == 0 else inner
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    ops = [b"%.3f %.3f m" % points[0]] + [b"%.3f %.3f l" % p for p in points[1:]]
    return b" ".join(ops) + b" h"


Matrix = tuple[float, float, float, float, float, float]


@functools.cache
def _path_pen_class():
    """A fontTools pen writing a glyph's outline as PDF path operators (fontTools loads lazily)."""
    from fontTools.pens.basePen import BasePen

    class PdfPathPen(BasePen):
        """Outline → ``m``/``l``/``c``/``h`` operators, each point mapped by ``matrix`` (font units → points)."""

        def __init__(self, glyph_set, matrix: Matrix):
            super().__init__(glyph_set)
            self.matrix = matrix
            self.ops: list[bytes] = []

        def _point(self, point) -> tuple[float, float]:
            a, b, c, d, e, f = self.matrix
            x, y = point
            return a * x + c * y + e, b * x + d * y + f

        def _moveTo(self, pt):
            self.ops.append(b"%.2f %.2f m" % self._point(pt))

        def _lineTo(self, pt):
            self.ops.append(b"%.2f %.2f l" % self._point(pt))

        def _curveToOne(self, pt1, pt2, pt3):  # CFF outlines are cubic: PDF's own curves
            self.ops.append(b"%.2f %.2f %.2f %.2f %.2f %.2f c"
                            % (*self._point(pt1), *self._point(pt2), *self._point(pt3)))

        def _closePath(self):
            self.ops.append(b"h")

    return PdfPathPen


class _GlyphSource:
    """The outlines and advances of a font's characters, while the font is open."""

    def __init__(self, font):
        self.font = font
        self.cmap = font.getBestCmap()
        self.glyphs = font.getGlyphSet()
        self.units = font["head"].unitsPerEm

    def _name(self, char: str) -> str:
        return self.cmap.get(ord(char), ".notdef")

    def advance(self, char: str) -> float:
        """The character's advance width in ems."""
        return self.font["hmtx"][self._name(char)][0] / self.units

    def draw(self, char: str, matrix: Matrix) -> bytes:
        """``char`` as a filled path, ``matrix`` mapping its em square (origin on the baseline) to
        points, marked with the character it shows; empty for a character without ink."""
        a, b, c, d, e, f = matrix
        pen = _path_pen_class()(self.glyphs, (a / self.units, b / self.units, c / self.units,
                                              d / self.units, e, f))
        self.glyphs[self._name(char)].draw(pen)
        if not pen.ops:
            return b""
        actual = b"<FEFF%s>" % char.encode("utf-16-be").hex().upper().encode()
        return b"/Span <</ActualText %s>> BDC %s f EMC" % (actual, b" ".join(pen.ops))


def _arc_layout(count: int) -> tuple[float, float]:
    """(degrees the name covers, its characters' em size as a fraction of the radius).

    About 24° a character, from 150° up to 240° at ten characters; longer names run further
    round (up to 280°) in smaller characters, as long names are cut on real seals."""
    if count <= 12:
        return (min(240.0, max(150.0, 24.0 * count)) if count > 1 else 0.0), _NAME_SIZE
    return min(280.0, 240.0 + 5.0 * (count - 12)), _NAME_SIZE * math.sqrt(12 / count)


def _arc_text(font: _GlyphSource, text: str, cx: float, cy: float, r: float) -> list[bytes]:
    """``text`` clockwise along the upper edge, each character upright towards the rim."""
    span, size = _arc_layout(len(text))
    size *= r
    baseline = _NAME_TOP * r - 0.84 * size  # CJK ink rises to about 0.84 em
    step = span / (len(text) - 1) if len(text) > 1 else 0.0
    middle = baseline + 0.38 * size
    width = min(_NAME_MAX_WIDTH, 0.92 * math.radians(step) * middle / size) if step else _NAME_MAX_WIDTH
    ops = []
    for i, char in enumerate(text):
        phi = math.radians(90 + span / 2 - i * step)
        up, right = (math.cos(phi), math.sin(phi)), (math.sin(phi), -math.cos(phi))
        advance = font.advance(char) * size * width
        x = cx + baseline * up[0] - advance / 2 * right[0]
        y = cy + baseline * up[1] - advance / 2 * right[1]
        ops.append(font.draw(char, (size * width * right[0], size * width * right[1],
                                    size * up[0], size * up[1], x, y)))
    return ops


def _caption(font: _GlyphSource, text: str, cx: float, cy: float, r: float) -> list[bytes]:
    """``text`` on one line, centred under the star."""
    size = _CAPTION_SIZE * r
    x = cx - sum(font.advance(char) for char in text) * size / 2
    ops = []
    for char in text:
        ops.append(font.draw(char, (size, 0, 0, size, x, cy + _CAPTION_BASELINE * r)))
        x += font.advance(char) * size
    return ops


_appearances: dict[tuple[str, str, str, float, float], tuple[bytes, bytes]] = {}
_appearances_lock = threading.Lock()


def seal_appearance(font_path: str, name: str, caption: str, width: float, height: float) -> tuple[bytes, bytes]:
    """(content stream, its Flate encoding) of the seal of ``name`` in a ``width`` × ``height``
    box, built once and kept: the ring, the star and every character as a filled outline."""
    from fontTools.ttLib import TTFont

    key = (font_path, name, caption, width, height)
    with _appearances_lock:
        if key not in _appearances:
            r = min(width, height) / 2  # a circle, whatever the box
            cx, cy = width / 2, height / 2
            ring = _RING_WIDTH * r
            with TTFont(font_path, lazy=True) as opened:
                font = _GlyphSource(opened)
                ops = [b"q q /SealInk gs %g %g %g rg %g %g %g RG" % (*SEAL_RED, *SEAL_RED),
                       b"%.3f w %s S" % (ring, _circle_path(cx, cy, r - ring / 2 - 0.5)),
                       _star_path(cx, cy, _STAR_RADIUS * r) + b" f",
                       *_arc_text(font, name, cx, cy, r),
                       *_caption(font, caption, cx, cy, r),
                       b"Q Q"]
            content = b" ".join(op for op in ops if op)
            _appearances[key] = (content, zlib.compress(content, 9))
        return _appearances[key]


@functools.cache
def _seal_style_class():
    """pyHanko's stamp classes for the seal, defined once on first use (pyHanko loads lazily)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.stamp import BaseStamp, BaseStampStyle

    class SealStamp(BaseStamp):
        def _appearance(self) -> tuple[bytes, bytes]:
            return seal_appearance(self.style.font_path, self.style.name, self.style.caption,
                                   self.box.width, self.box.height)

        def render(self) -> bytes:
            return self._appearance()[0]

        def as_form_xobject(self):
            """The kept, already compressed appearance; its only resource is the ink's blending."""
            content, deflated = self._appearance()
            opacity = generic.FloatObject(SEAL_INK_OPACITY)
            ink = generic.DictionaryObject({
                generic.NameObject("/BM"): generic.NameObject("/Multiply"),
                generic.NameObject("/ca"): opacity, generic.NameObject("/CA"): opacity})
            name = generic.NameObject
            return generic.StreamObject({
                name("/Type"): name("/XObject"), name("/Subtype"): name("/Form"),
                name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                    generic.FloatObject(self.box.width),
                                                    generic.FloatObject(self.box.height)]),
                name("/Resources"): generic.DictionaryObject({
                    name("/ExtGState"): generic.DictionaryObject({name("/SealInk"): ink})}),
                name("/Filter"): name("/FlateDecode"),
            }, stream_data=content, encoded_data=deflated)

    @dataclass(frozen=True)
    class SealStampStyle(BaseStampStyle):
        """The round seal of the authority ``name``, its characters outlined from ``font_path``."""
        name: str = ""
        caption: str = SEAL_CAPTION
        font_path: str = ""
        border_width: int = 0  # no rectangle around the seal

        def create_stamp(self, writer, box, text_params):
            return SealStamp(writer=writer, style=self, box=box)

    return SealStampStyle


_styles: dict[tuple[str, str], object] = {}
_styles_lock = threading.Lock()


def seal_stamp_style(name: str, caption: str = SEAL_CAPTION):
    """The pyHanko stamp style drawing the round seal of the authority ``name``, built once per
    name and kept (its appearance is built at its first signature, then kept too)."""
    key = (current_app.instance_path, name + "\n" + caption)
    with _styles_lock:
        if key not in _styles:
            _styles[key] = _seal_style_class()(name=name, caption=caption, font_path=stamp_font_path())
        return _styles[key]


@dataclass(frozen=True)
class StampText:
    authority: str  # the signer's name in the signature dictionary


def _square(box: tuple[int, float, float, float, float]) -> tuple[int, int, int, int, int]:
    """``box`` in whole points, made square (centred) so the seal is never squashed."""
    page, x1, y1, x2, y2 = box
    side = round(min(x2 - x1, y2 - y1))
    left, bottom = round((x1 + x2 - side) / 2), round((y1 + y2 - side) / 2)
    return page, left, bottom, left + side, bottom + side


def sign_pdf(pdf: bytes, *, department, box: tuple[int, float, float, float, float] | None,
             stamp: StampText, reason: str, location: str = "Hangzhou") -> bytes:
    """Sign ``pdf`` (PAdES B-B) with the department's round seal as visible signature over ``box``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if box is None:
        spec = fields.SigFieldSpec("DecisionSignature")
    else:
        page, x1, y1, x2, y2 = _square(box)
        spec = fields.SigFieldSpec("DecisionSignature", on_page=page, box=(x1, y1, x2, y2))
    fields.append_signature_field(writer, spec)
    meta = signers.PdfSignatureMetadata(field_name="DecisionSignature", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                        location=location, name=stamp.authority)
    pdf_signer = signers.PdfSigner(meta, signer=signer_for(department),
                                   stamp_style=seal_stamp_style(department.name_zh))
    out = io.BytesIO()
    _run(lambda: pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


_PYHANKO = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pyhanko")


def _run(make_coroutine):
    """Run pyHanko's coroutine to completion on a worker thread with a fresh event loop.

    Always on a worker: the calling thread may already run a loop (Playwright's sync API
    does, through greenlets that ``asyncio.run``'s check sees and ``get_running_loop`` may not),
    and pyHanko's synchronous API would then refuse with ``asyncio.run`` errors."""
    return _PYHANKO.submit(lambda: asyncio.run(make_coroutine())).result()


# -- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool            # intact, trusted, covering the whole file
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str | None = None
    problem: str | None = None


def trust_roots() -> list:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    path = ca_cert_path()
    if not path.exists():
        return []
    roots = []
    for _type, _headers, der in asn1_pem.unarmor(path.read_bytes(), multiple=True):
        roots.append(asn1_x509.Certificate.load(der))
    return roots


def validate(pdf: bytes) -> SignatureCheck:
    """Is ``pdf`` signed by a key our CA certified, unaltered, with nothing added after it?"""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return SignatureCheck(False, problem="unsigned")
        sig = signatures[-1]
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False,
                                    revocation_mode="soft-fail")
        status = _run(lambda: async_validate_pdf_signature(sig, context))
    except Exception as err:  # a damaged file is an answer ("not authentic"), not a crash
        return SignatureCheck(False, problem=f"unreadable: {type(err).__name__}")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    valid = bool(status.intact and status.valid and status.trusted and whole)
    problem = None
    if not status.intact or not status.valid:
        problem = "altered"
    elif not status.trusted:
        problem = "untrusted"
    elif not whole:
        problem = "changed_after_signing"
    return SignatureCheck(valid, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
                          whole_file=whole, signer=signer, problem=problem)
