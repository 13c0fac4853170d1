"""What the registry's pages show: what the firm owes on an application, the case panel,
and the public register (read-only queries in a fixed number of statements).

The register is searched and paged in the database: one statement counts the matching entries
of every section, one more per section reads a page of it in number order
(``uq_registrations_year_serial``); the tier in force is read from ``registrations.tier``."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case as sql_case, func, or_

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.cases.queries import Listing, page_bounds
from supervision.certificates import services as certificates
from supervision.core.i18n import label
from supervision.extensions import db
from supervision.registry import penalty, services
from supervision.registry.firm_models import OWED_IN_STATE, owed_msgid
from supervision.registry.forms import (ObjectionAnswerForm, ObjectionForm, OverrideForm,
                                        PostalServiceForm, ReclassifyForm, ReferralForm)
from workflows.registration import ENDED, ON_REGISTER, REGISTRATION
from supervision.registry.models import (FORM_FACTORS, SCENARIOS, TIER_LABELS, ModelVersion, Registration,
                                         RobotModel, term_end)

PUBLIC_REGISTERED = REGISTRATION.tagged(ON_REGISTER)
PUBLIC_ENDED = REGISTRATION.tagged(ENDED)
# The register's sections, in the order the page shows them: name -> case states.
REGISTER_SECTIONS = {"public_notice": ("public_notice",), "registered": PUBLIC_REGISTERED,
                     "suspended_or_ended": PUBLIC_ENDED}
REGISTER_PAGE_SIZE = 50


def owed(case: Case, reg: Registration, certified: bool | None = None) -> str | None:
    """What the firm has to do now on this application (None: nothing).  ``certified``: whether
    the model has a valid certificate (looked up when not given)."""
    if certified is None and case.state not in OWED_IN_STATE and case.state in services.CERTIFICATE_STATES \
            and (reg.tier or 0) >= 2:
        certified = certificates.status_of_model(reg.model_id).status == "valid"
    msgid = owed_msgid(case.state, reg.tier, bool(certified))
    return label(msgid) if msgid else None


def panel(case: Case, user: Any) -> dict[str, Any]:
    reg = services.registration_of(case)
    if reg is None:
        return {"reg": None}
    roles = policies.case_roles(user, case)
    c = reg.classification
    officer, review_open, in_notice = "officer" in roles, case.state in services.REVIEW_STATES, case.state == "public_notice"
    return {
        "reg": reg, "version": reg.version, "classification": c, "roles": roles,
        "tier_label": label(TIER_LABELS[c.tier]) if c else None,
        "computed_label": label(TIER_LABELS[c.computed_tier]) if c else None,
        "rationale": (c.rationale_en if _lang() == "en" else c.rationale_zh) if c else None,
        "objections": services.objections_of(case),
        "referral": services.referral_of(reg),
        "owes": owed(case, reg) if "applicant" in roles else None,
        "scenarios": [(SCENARIOS[s][0], label(SCENARIOS[s][1])) for s in reg.version.scenarios if s in SCENARIOS],
        "form_factor": label(FORM_FACTORS.get(reg.version.form_factor or "", "")),
        "editable": case.state in services.EDITABLE_STATES,
        "certificate_open": case.state in services.CERTIFICATE_STATES,
        "review_open": review_open,
        "certificate": certificates.status_of_model(reg.model_id),
        "in_notice": in_notice,
        "penalty": penalty.summary(case),
        "service": _service_rows(case),
        # The officer's forms, built only where the panel shows them (a form costs as much as a query).
        **(_officer_forms(review_open=review_open, in_notice=in_notice) if officer else {}),
    }


def _officer_forms(*, review_open: bool, in_notice: bool) -> dict[str, Any]:
    forms: dict[str, Any] = {"referral_form": ReferralForm(formdata=None), "postal_form": PostalServiceForm(formdata=None)}
    if review_open:
        forms.update(override_form=OverrideForm(formdata=None), reclassify_form=ReclassifyForm(formdata=None))
    if in_notice:
        forms.update(objection_form=ObjectionForm(formdata=None), answer_form=ObjectionAnswerForm(formdata=None))
    return forms


def _service_rows(case: Case) -> list[dict[str, Any]]:
    """Each decision's service: how, and when the firm received it (None: not yet)."""
    from supervision.decisions.delivery import METHOD_LABELS, services_of

    return [{"id": row.id, "number": row.decision.number, "served_at": row.served_at,
             "method": label(METHOD_LABELS[row.method]) if row.method else None}
            for row in services_of(case)]


def _lang() -> str:
    from supervision.core.i18n import lang

    return lang()


@dataclass
class RegisterEntry:
    case_id: int
    state: str
    number: str | None
    model: str
    firm_zh: str
    firm_en: str
    credit_code: str | None
    tier: int | None
    form_factor: str | None
    level: int | None
    scenario_classes: list[str]
    registered_on: Any
    notice_until: Any
    valid_until: Any = None  # the last day the registration is in force (its term, as renewed)


@dataclass(frozen=True)
class RegisterQuery:
    """What a visitor looks for: text in the number, model, firm name or credit code (a plain
    substring, any case; ``%`` and ``_`` are literal) and a tier (None: any)."""

    text: str = ""
    tier: int | None = None


# The only columns the register reads: public facts, never the declaration.
_PUBLIC_COLUMNS = (Case.id, Case.state, Case.due_date, Registration.registration_number, RobotModel.name,
                   Organisation.name_zh, Organisation.name_en, Organisation.credit_code, Registration.tier,
                   ModelVersion.form_factor, ModelVersion.intelligence_level, ModelVersion.scenarios_json,
                   Registration.registered_on, Registration.renewed_until)
_NUMBER_ORDER = (Registration.reg_year, Registration.reg_serial, Registration.id)


def _matching(q: Select, states: tuple[str, ...], query: RegisterQuery) -> Select:
    """``q`` (over registrations) narrowed to the entries in ``states`` that match ``query``."""
    q = (q.join(Case, Case.id == Registration.case_id)
         .where(Case.case_type == "registration", Case.state.in_(states)))
    if query.tier is not None:
        q = q.where(Registration.tier == query.tier)
    if query.text:
        q = (q.join(RobotModel, RobotModel.id == Registration.model_id)
             .join(Organisation, Organisation.id == Case.firm_id)
             .where(or_(*(col.icontains(query.text, autoescape=True) for col in (
                 Registration.registration_number, RobotModel.name, Organisation.name_zh,
                 Organisation.name_en, Organisation.credit_code)))))
    return q


def register_totals(query: RegisterQuery = RegisterQuery()) -> dict[str, int]:
    """How many entries of each section match ``query`` (one statement)."""
    every = tuple(s for states in REGISTER_SECTIONS.values() for s in states)
    counts = db.session.execute(_matching(
        db.select(*(func.count(sql_case((Case.state.in_(states), 1))) for states in REGISTER_SECTIONS.values()))
        .select_from(Registration), every, query)).one()
    return dict(zip(REGISTER_SECTIONS, counts, strict=True))


def register_page(section: str, query: RegisterQuery, *, page: int, total: int) -> Listing:
    """One page of a section's entries matching ``query``, in number order (``total`` from
    ``register_totals``; ``page`` is clamped).  One statement: the page's ids are chosen on
    registrations and cases alone, and only those rows are joined to their model and firm."""
    page, pages = page_bounds(total, page, REGISTER_PAGE_SIZE)
    ids = (_matching(db.select(Registration.id), REGISTER_SECTIONS[section], query)
           .order_by(*_NUMBER_ORDER).limit(REGISTER_PAGE_SIZE).offset((page - 1) * REGISTER_PAGE_SIZE))
    rows = db.session.execute(_entries().where(Registration.id.in_(ids)).order_by(*_NUMBER_ORDER)).all()
    return Listing(rows=[_entry(r) for r in rows], total=total, page=page, pages=pages,
                   page_size=REGISTER_PAGE_SIZE)


def register_entry(case_id: int, section: str) -> RegisterEntry | None:
    """The register entry of one case, if the case is in ``section``."""
    row = db.session.execute(_entries().where(Case.id == case_id,
                                              Case.state.in_(REGISTER_SECTIONS[section]))).first()
    return _entry(row) if row else None


def _entries() -> Select:
    return (db.select(*_PUBLIC_COLUMNS).select_from(Registration)
            .join(Case, Case.id == Registration.case_id)
            .join(RobotModel, RobotModel.id == Registration.model_id)
            .join(ModelVersion, ModelVersion.id == Registration.version_id)
            .join(Organisation, Organisation.id == Case.firm_id))


def _entry(row) -> RegisterEntry:
    (case_id, state, due, number, model, firm_zh, firm_en, code, tier, form_factor, level, scenarios,
     registered_on, renewed_until) = row
    ends = term_end(registered_on, renewed_until)
    return RegisterEntry(case_id, state, number, model, firm_zh, firm_en, code, tier, form_factor, level,
                         sorted({SCENARIOS[s][0] for s in json.loads(scenarios or "[]") if s in SCENARIOS}),
                         registered_on, due if state == "public_notice" else None,
                         ends - dt.timedelta(days=1) if ends is not None else None)
