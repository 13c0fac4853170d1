"""Checkpoints as signed notes (the C2SP ``signed-note`` / ``tlog-checkpoint`` text format).

    <origin>\\n<tree size>\\n<base64 root>\\nTimestamp: <YYYY-MM-DDTHH:MM:SS.ffffffZ>\\n
    \\n
    — <origin> <base64(key hash[4] || Ed25519 signature[64])>\\n

The verifier key is published as ``<origin>+<key hash hex>+<base64(0x01 || public key)>`` so
that the key names the log it signs for.  Pure functions; ``tools/verify_dossier.py`` carries
its own copy of the parsing and checking half.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = b"\x01"


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    tree_size: int
    root: bytes
    timestamp: str

    def text(self) -> str:
        return (f"{self.origin}\n{self.tree_size}\n{base64.b64encode(self.root).decode()}\n"
                f"Timestamp: {self.timestamp}\n")


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ALG_ED25519 + public).digest()[:4]


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    public = raw_public(key)
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ALG_ED25519 + public).decode()}"


def sign(body: CheckpointBody, key: Ed25519PrivateKey) -> str:
    text = body.text()
    kh = key_hash(body.origin, raw_public(key.public_key()))
    sig = key.sign(text.encode())
    return text + "\n" + f"\u2014 {body.origin} {base64.b64encode(kh + sig).decode()}\n"
