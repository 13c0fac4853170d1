"""The hash format of audit events: SHA-256 over RFC 8785 canonical JSON (DOMAIN §7).

Pure functions, shared by the database writer, ``audit verify`` and the offline verifier.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

GENESIS = "0" * 64
# The fields of an event, in the canonical document; every one is also a column.
FIELDS = (
    "seq", "time", "action", "actor_id", "actor_email", "actor_roles", "organisation_id",
    "object_type", "object_id", "case_id", "workflow", "workflow_version", "trigger",
    "from_state", "to_state", "reason", "details", "request_id", "client_address",
    "prev_hash", "prev_case_hash",
)


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    return rfc8785.dumps({k: doc.get(k) for k in FIELDS})


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(canonical: str) -> dict[str, Any]:
    return json.loads(canonical)
