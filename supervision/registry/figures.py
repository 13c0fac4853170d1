"""What registration contributes to the firm's home page (its models with their registration and
certificates) and to the statistics (registered models by scenario class, tier and form factor,
Art. 33).  Read-only; each figure is one grouped query."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import func

from supervision.cases.models import Case
from supervision.cases.types import Period, Statistic
from supervision.core.navigation import PortalTab
from supervision.extensions import db
from supervision.registry.models import FORM_FACTORS, SCENARIO_CLASSES, SCENARIOS, TIER_LABELS, ModelVersion, Registration
from supervision.registry import firm_models
from supervision.registry.presenters import PUBLIC_REGISTERED
from workflows.base import N_, UNSUBMITTED
from workflows.registration import REGISTRATION as WORKFLOW

UNKNOWN = N_("Not stated")


def portal_rows(firm_id: int) -> dict[str, Any]:
    """The first page of the firm's models (those it owes something on first): two statements."""
    return {"listing": firm_models.firm_page(firm_id, 1), "texts": firm_models.Texts()}


PORTAL_TAB = PortalTab("models", N_("Models and registrations"), "registry/_portal_models.html", portal_rows, order=10)


def _registered(period: Period):
    q = (db.select(Registration.tier, ModelVersion.form_factor, ModelVersion.scenarios_json, func.count())
         .join(Case, Case.id == Registration.case_id).join(ModelVersion, ModelVersion.id == Registration.version_id)
         .where(Case.state.in_(PUBLIC_REGISTERED)))
    if period.start is not None:
        q = q.where(Registration.registered_on >= period.start)
    if period.end is not None:
        q = q.where(Registration.registered_on <= period.end)
    return db.session.execute(q.group_by(Registration.tier, ModelVersion.form_factor,
                                         ModelVersion.scenarios_json)).all()


def by_tier(period: Period) -> list[tuple[str, int]]:
    counts: Counter = Counter()
    for tier, _ff, _sc, n in _registered(period):
        counts[tier] += n
    return [(TIER_LABELS.get(t, UNKNOWN), counts[t]) for t in sorted(counts, key=lambda t: (t is None, t))]


def by_form_factor(period: Period) -> list[tuple[str, int]]:
    counts: Counter = Counter()
    for _tier, ff, _sc, n in _registered(period):
        counts[ff if ff in FORM_FACTORS else None] += n
    return ([(text, counts[key]) for key, text in FORM_FACTORS.items() if counts[key]]
            + ([(UNKNOWN, counts[None])] if counts[None] else []))


def by_scenario_class(period: Period) -> list[tuple[str, int]]:
    """Models registered for scenarios of each class (a model in two classes counts in both)."""
    counts: Counter = Counter()
    for _tier, _ff, scenarios, n in _registered(period):
        for cls in {SCENARIOS[s][0] for s in json.loads(scenarios or "[]") if s in SCENARIOS}:
            counts[cls] += n
    return [(text, counts[cls]) for cls, text in SCENARIO_CLASSES.items() if counts[cls]]


def in_progress_by_tier(period: Period) -> list[tuple[str, int]]:
    """Registration cases not yet ended, by the tier in force (unclassified ones apart), among
    ``period.cases`` (the reader's); a firm's unsubmitted draft is not an application yet."""
    left_out = [name for name, st in WORKFLOW.states.items() if st.final] + list(WORKFLOW.tagged(UNSUBMITTED))
    q = (db.select(Registration.tier, func.count()).join(Case, Case.id == Registration.case_id)
         .where(Case.state.not_in(left_out), Case.state.not_in(PUBLIC_REGISTERED)))
    if period.cases is not None:
        q = q.where(period.cases)
    counts = dict(db.session.execute(q.group_by(Registration.tier)).all())
    return [(TIER_LABELS[t], counts[t]) for t in sorted(k for k in counts if k is not None)] + (
        [(N_("Not yet classified"), counts[None])] if counts.get(None) else [])


STATISTICS = (
    Statistic("registrations_in_progress_by_tier", N_("Registration applications in progress by tier"),
              in_progress_by_tier),
    Statistic("registered_by_scenario_class", N_("Registered models by scenario class"), by_scenario_class,
              scope="industry", periodic=True),
    Statistic("registered_by_tier", N_("Registered models by tier"), by_tier, scope="industry", periodic=True),
    Statistic("registered_by_form_factor", N_("Registered models by form factor"), by_form_factor,
              scope="industry", periodic=True),
)
