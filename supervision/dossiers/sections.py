"""Domain facts printed in a dossier's summary (classification and rationale, …).

A domain adds a provider per case type: ``register_section(case_type, fn)`` where ``fn(case)``
returns (label, value) rows (labels N_-marked).  Registration's provider lives here because it
only reads.
"""
from __future__ import annotations

from typing import Callable

from supervision.cases.models import Case
from supervision.core.i18n import pick
from supervision.extensions import db
from workflows.base import N_

Section = Callable[[Case], list[tuple[str, str]]]
_SECTIONS: dict[str, list[Section]] = {}


def register_section(case_type: str, fn: Section) -> None:
    _SECTIONS.setdefault(case_type, []).append(fn)


def rows_for(case: Case) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for fn in _SECTIONS.get(case.case_type, []):
        out.extend(fn(case))
    return out


def _registration(case: Case) -> list[tuple[str, str]]:
    try:
        from supervision.registry.models import Registration
    except ImportError:  # pragma: no cover - the registry domain is part of the app
        return []
    reg = db.session.execute(db.select(Registration).where(Registration.case_id == case.id)).scalar()
    if reg is None:
        return []
    rows = [(N_("Robot model"), f"{getattr(reg.model, 'name', '')} v{getattr(reg.version, 'number', '')}")]
    if reg.registration_number:
        rows.append((N_("Registration number"), reg.registration_number))
    c = reg.classification
    if c is not None:
        rows.append((N_("Tier"), f"{c.tier} (computed {c.computed_tier}, score {c.score}, ruleset {c.ruleset_id})"))
        rows.append((N_("Rationale"), pick(c.rationale_zh, c.rationale_en)))
        if c.override_reason:
            rows.append((N_("Override reason"), c.override_reason))
    return rows


register_section("registration", _registration)
