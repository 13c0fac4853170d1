"""The encrypted container of a backup: a stream of AES-256-GCM chunks under a key derived from
a passphrase with scrypt.

Layout: ``SUPBAK1\\n``, then a JSON header line (salt, scrypt parameters, chunk size), then chunks
``<4-byte big-endian length><12-byte nonce><ciphertext and tag>``.  Each chunk's associated data
is its index and whether it is the last, so chunks cannot be reordered, dropped or the stream cut
short without the reader noticing.  Memory stays at one chunk whatever the archive's size."""
from __future__ import annotations

import json
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SUPBAK1\n"
CHUNK = 1 << 20


class BadBackup(Exception):
    """Not a backup, a wrong passphrase, or a damaged or truncated file."""


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise BadBackup("a backup needs a passphrase")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _aad(index: int, last: bool) -> bytes:
    return struct.pack(">Q?", index, last)


class EncryptingWriter:
    """A write-only binary file that encrypts what is written to ``out`` (for ``tarfile``)."""

    def __init__(self, out: BinaryIO, passphrase: str, *, n: int = 2 ** 15, r: int = 8, p: int = 1):
        salt = os.urandom(16)
        self._aes = AESGCM(_key(passphrase, salt, n, r, p))
        self._out, self._buffer, self._index = out, bytearray(), 0
        out.write(MAGIC)
        out.write(json.dumps({"kdf": "scrypt", "salt": salt.hex(), "n": n, "r": r, "p": p,
                              "cipher": "AES-256-GCM", "chunk": CHUNK}).encode() + b"\n")

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is marked
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        nonce = os.urandom(12)
        sealed = self._aes.encrypt(nonce, plain, _aad(self._index, last))
        self._out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def flush(self) -> None:
        pass


def decrypt(source: BinaryIO, passphrase: str, out: BinaryIO) -> None:
    """Decrypt a whole backup stream into ``out``; ``BadBackup`` on any problem."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BadBackup("not a backup of this platform")
    try:
        header = json.loads(source.readline())
        aes = AESGCM(_key(passphrase, bytes.fromhex(header["salt"]), header["n"], header["r"], header["p"]))
    except (ValueError, KeyError) as err:
        raise BadBackup("the backup's header is damaged") from err
    index = 0
    while True:
        head = source.read(4)
        if len(head) < 4:
            raise BadBackup("the backup is truncated")
        (length,) = struct.unpack(">I", head)
        nonce, sealed = source.read(12), source.read(length)
        if len(sealed) < length:
            raise BadBackup("the backup is truncated")
        for last in (False, True):
            try:
                out.write(aes.decrypt(nonce, sealed, _aad(index, last)))
            except InvalidTag:
                continue
            break
        else:
            raise BadBackup("wrong passphrase, or the backup was altered")
        if last:
            if source.read(1):
                raise BadBackup("data after the end of the backup")
            return
        index += 1
