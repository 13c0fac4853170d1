"""A file a user sent with a form, not yet stored: a service stores it (``add_document``) only
once the action it comes with is allowed, so a refused action leaves no file behind."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    classification: str = "internal"

    def __bool__(self) -> bool:
        return bool(self.filename)
