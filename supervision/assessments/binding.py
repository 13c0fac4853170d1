"""Tiering rulesets bound to Art. 47 (DOMAIN "Legal nature"): a ruleset version stricter than the
one in force (an obligation added to a tier, or a tier's lowest score lowered) is activated only
when each stricter change is covered by a passed assessment (its measure lists the change) and
an adopted instrument (``supervision.legal``) enacts it.  A looser version needs neither.
Activation records one ``RulesetBinding`` per change; the ruleset page and each classification's
rationale read the chain back: obligation → instrument → assessment case → conclusion number."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from supervision.audit.services import record
from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.assessments.models import Measure, RulesetBinding
from workflows.base import N_

PASSED_STATES = ("passed", "recommendation_issued")
CONCLUSION_KIND = "assessment_passed"


class BindingRefused(ValueError):
    """The ruleset cannot be activated: ``message`` (N_-marked) with ``params``."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Basis:
    """What one obligation (or boundary) of a ruleset rests on."""

    change: str
    case_id: int
    case_number: str
    conclusion: str | None
    instrument_key: str
    instrument_zh: str
    instrument_en: str


def _instruments():
    from supervision.legal import services as legal

    return legal


def adopted_instruments() -> list[tuple[str, str, str]]:
    """(key, title zh, title en) of the adopted instruments an activation may cite."""
    legal = _instruments()
    return [(i.key, i.title_zh, i.title_en) for i in legal.instruments().values() if i.adopted]


def passed_case(number: str) -> Case | None:
    case = db.session.execute(db.select(Case).filter_by(number=(number or "").strip())).scalar()
    if case is None or case.case_type != "assessment" or case.state not in PASSED_STATES:
        return None
    return case


def check(changes: list[str], *, case_numbers: list[str], instrument_key: str | None) -> dict[str, Case]:
    """Which passed assessment covers each stricter change; refuse (naming what is missing)
    unless every change is covered and the instrument is adopted."""
    if not changes:
        return {}
    cases = []
    for number in case_numbers:
        case = passed_case(number)
        if case is None:
            raise BindingRefused(N_("%(number)s is not a passed Art. 47 assessment."), number=number)
        cases.append(case)
    covering: dict[str, Case] = {}
    for case in cases:
        measure = db.session.execute(db.select(Measure).filter_by(case_id=case.id)).scalar_one()
        for change in measure.ruleset_changes:
            covering.setdefault(change, case)
    uncovered = [c for c in changes if c not in covering]
    if uncovered:
        raise BindingRefused(
            N_("This version is stricter than the one in force (%(changes)s): it can only be activated on a passed "
               "Art. 47 assessment that covers each change and an adopted instrument that enacts it. "
               "Not covered by a passed assessment: %(missing)s."),
            changes=", ".join(changes), missing=", ".join(uncovered))
    if not instrument_key or not _instruments().is_adopted(instrument_key):
        raise BindingRefused(
            N_("This version is stricter than the one in force (%(changes)s): name the adopted instrument that "
               "enacts it. A draft or example instrument is not enough."), changes=", ".join(changes))
    return {c: covering[c] for c in changes}


def bind(ruleset, covering: dict[str, Case], *, instrument_key: str, actor) -> list[RulesetBinding]:
    rows = []
    for change, case in covering.items():
        row = RulesetBinding(ruleset_id=ruleset.id, change=change, case_id=case.id, instrument=instrument_key)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    for row in rows:
        record("assessment.ruleset_binding", actor=actor, case=covering[row.change], object_type="ruleset",
               object_id=ruleset.id, details={"ruleset_version": ruleset.version, "change": row.change,
                                              "instrument": instrument_key})
    return rows


def bases(ruleset_ids: list[int]) -> dict[str, Basis]:
    """For the rulesets ``ruleset_ids`` (a version and the ones before it): change -> its basis,
    the newest binding winning."""
    if not ruleset_ids:
        return {}
    rows = db.session.execute(
        db.select(RulesetBinding, Case.number).join(Case, Case.id == RulesetBinding.case_id)
        .where(RulesetBinding.ruleset_id.in_(ruleset_ids)).order_by(RulesetBinding.id)).all()
    if not rows:
        return {}
    numbers = dict(db.session.execute(db.select(Decision.case_id, Decision.number).where(
        Decision.case_id.in_([r.case_id for r, _n in rows]), Decision.kind == CONCLUSION_KIND)).all())
    legal = _instruments()
    out = {}
    for row, number in rows:
        inst = legal.instrument(row.instrument)
        out[row.change] = Basis(row.change, row.case_id, number, numbers.get(row.case_id), row.instrument,
                                inst.title_zh if inst else row.instrument, inst.title_en if inst else row.instrument)
    return out


def chain(ruleset, rulesets_up_to: list[int]) -> list[tuple[str, str, Basis | None]]:
    """(tier, obligation, its basis or None) for every obligation of ``ruleset``."""
    found = bases(rulesets_up_to)
    return [(tier, name, found.get(f"obligation:{tier}:{name}"))
            for tier, names in sorted((ruleset.rules.get("obligations") or {}).items()) for name in names]


def flag_unbased() -> bool:
    """Obligations that rest on no assessment are flagged in production (the demo's seeded v1
    would flag every one)."""
    return current_app.config.get("ENV_NAME") == "production"


def rationale_lines(ruleset, tier: int) -> tuple[list[str], list[str]]:
    """The lines a classification's rationale adds for the tier's obligations that rest on an
    assessment: "obligation X rests on instrument Y, assessed in case N (conclusion …)"."""
    from supervision.registry.models import Ruleset

    earlier = [r for (r,) in db.session.execute(db.select(Ruleset.id).where(Ruleset.version <= ruleset.version))]
    zh, en = [], []
    for t, name, basis in chain(ruleset, earlier):
        if str(t) != str(tier) or basis is None:
            continue
        concl = basis.conclusion or "—"
        zh.append(f"义务“{name}”依据《{basis.instrument_zh}》设定，经第四十七条评估（案件 {basis.case_number}，评估结论 {concl}）。")
        en.append(f"Obligation \"{name}\" rests on {basis.instrument_en}, assessed in case {basis.case_number} "
                  f"(conclusion {concl}).")
    return zh, en
