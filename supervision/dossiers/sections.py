"""Case-type facts printed in a dossier's summary (a registration's tier and rationale, …).

Each case type lists its providers on ``CaseType.dossier_sections``: ``fn(case)`` returns
(label, value) rows, labels N_-marked.
"""
from __future__ import annotations

from supervision.cases import types
from supervision.cases.models import Case


def rows_for(case: Case) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for fn in types.get(case.case_type).dossier_sections:
        out.extend(fn(case))
    return out
