"""Registry services: the only code that changes robot models, registrations, rulesets,
classifications, referrals and objections.  Each public function checks before it writes,
writes one audit event and flushes; the unit of work of the request or command commits.  A
refusal (``RegistryError``, ``UploadRejected``) is raised before anything is written, so a
view may answer it with a redirect.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func

from supervision.accounts.models import Organisation, User
from supervision.audit.services import record
from supervision.cases import reads
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.database import lock_for_writing
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.registry import tiering
from supervision.registry.models import (SCENARIOS, Classification, ModelVersion, Objection, Registration,
                                         RobotModel, Ruleset, SandboxReferral)
from workflows.base import N_
from workflows.registration import CERTIFICATE, EDITABLE, ON_REGISTER, OPEN, REGISTRATION, REVIEW

# State groups, named by tags in the workflow table.
EDITABLE_STATES = REGISTRATION.tagged(EDITABLE)   # the firm may still change what it declared
CERTIFICATE_STATES = REGISTRATION.tagged(CERTIFICATE)  # a missing certificate is still the firm's to obtain
REVIEW_STATES = REGISTRATION.tagged(REVIEW)
OPEN_STATES = REGISTRATION.tagged(OPEN)
# A registration stands (listed, or suspended): what it was decided on changes only by a change
# application decided by the regulator (``supervision.changes``), never by the firm's edit.
IN_FORCE_STATES = (*REGISTRATION.tagged(ON_REGISTER), "suspended")
REGISTERED_FROZEN = N_("This model is registered: its particulars change only through an application for a "
                       "change, made from its registration's page.")
NUMBER_PREFIX = "杭具身注"
OBJECTIONS_PER_HOUR = 5
VERSION_FIELDS = ("manufacturer", "form_factor", "intelligence_level", "scenarios", "mass_kg",
                  "max_speed_mps", "public_space", "vulnerable_contact", "personal_data",
                  "ota_learning", "standards", "software_version")


class RegistryError(Exception):
    """A refused registry action; ``message`` is N_-marked and translated by the view."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message, self.params = message, params


class RateLimited(RegistryError):
    pass


# -- models and applications ----------------------------------------------------------------

def lead_department() -> Organisation:
    """The lead authority for registrations (Art. 6: the industry and IT bureau), which is the
    first department set up in an installation."""
    dept = db.session.execute(db.select(Organisation).where(Organisation.kind == "department")
                              .order_by(Organisation.id).limit(1)).scalar()
    if dept is None:
        raise RegistryError(N_("No regulator department is set up yet."))
    return dept


def _apply_values(version: ModelVersion, values: dict[str, Any]) -> None:
    for name in VERSION_FIELDS:
        if name in values:
            setattr(version, name, values[name])


def create_model(*, firm: Organisation, actor: User, name: str, values: dict[str, Any]) -> Registration:
    """A new model, its first (draft) version and a draft registration case for it."""
    department = lead_department()  # refused (no department yet) before anything is written
    model = RobotModel(firm_id=firm.id, name=name.strip(), created_by_id=actor.id)
    version = ModelVersion(model=model, number=1, created_by_id=actor.id)
    _apply_values(version, values)
    db.session.add_all([model, version])
    db.session.flush()
    record("registry.model_create", actor=actor, object_type="robot_model", object_id=model.id,
           details={"name": model.name, "version": 1})
    return _open_registration(model, version, actor, department)


def _open_registration(model: RobotModel, version: ModelVersion, actor: User,
                       department: Organisation) -> Registration:
    case = cases.create_case(case_type="registration", title=model.name,
                             department_id=department.id, firm_id=model.firm_id, actor=actor)
    reg = Registration(case_id=case.id, model_id=model.id, version_id=version.id)
    db.session.add(reg)
    db.session.flush()
    return reg


def open_case_of(model: RobotModel) -> Registration | None:
    return db.session.execute(
        db.select(Registration).join(Case, Case.id == Registration.case_id)
        .where(Registration.model_id == model.id, Case.state.in_(OPEN_STATES))
        .order_by(Registration.id.desc()).limit(1)).scalar()


def registration_in_force(model: RobotModel) -> Registration | None:
    """The model's registration that stands now (None: it has none)."""
    return db.session.execute(
        db.select(Registration).join(Case, Case.id == Registration.case_id)
        .where(Registration.model_id == model.id, Case.state.in_(IN_FORCE_STATES))
        .order_by(Registration.id.desc()).limit(1)).scalar()


def start_application(model: RobotModel, *, actor: User) -> Registration:
    """A new registration case on the model's current version (one open case at a time)."""
    if open_case_of(model) is not None:
        raise RegistryError(N_("This model already has an application in progress."))
    return _open_registration(model, model.current, actor, lead_department())


def update_model(model: RobotModel, *, actor: User, name: str, values: dict[str, Any]) -> ModelVersion:
    """Record what the firm now declares.  An unsubmitted draft version changes in place;
    a frozen one is never touched: the change becomes a new version.  An application that
    waits for the firm's answer (draft, supplement, clarification) moves to the new version;
    one under review keeps the version it is being decided on.  A registered model is refused:
    its particulars change only through a change application."""
    if registration_in_force(model) is not None:
        raise RegistryError(REGISTERED_FROZEN)
    current = model.current
    model.name = name.strip()
    if current.frozen:
        version = ModelVersion(model=model, number=current.number + 1, created_by_id=actor.id)
        for f in VERSION_FIELDS:
            setattr(version, f, getattr(current, f))
        _apply_values(version, values)
        db.session.add(version)
        db.session.flush()
        action = "registry.version_create"
    else:
        version = current
        _apply_values(version, values)
        action = "registry.version_update"
    reg = open_case_of(model)
    case = None
    if reg is not None and reg.case.state in EDITABLE_STATES:
        reg.version = version  # the relationship too: nothing is re-read before the commit
        case = reg.case
    db.session.flush()
    record(action, actor=actor, case=case, object_type="model_version", object_id=version.id,
           details={"model_id": model.id, "version": version.number})
    return version


@dataclass
class Saved:
    """What ``save_model`` did: the model's open application, whether it was submitted, and
    why a submission was refused (N_-marked reasons; the saved draft stays)."""

    registration: Registration | None
    submitted: bool = False
    refusals: list[str] = field(default_factory=list)


def save_model(model: RobotModel | None, *, firm: Organisation, actor: User, name: str,
               values: dict[str, Any], submit: bool = False) -> Saved:
    """The model form: create the model (``model`` None) or record what the firm now declares,
    and with ``submit`` also submit its draft application.  The submission is checked before it
    is fired, so a refused one writes nothing and the saved draft is kept."""
    if model is None:
        reg = create_model(firm=firm, actor=actor, name=name, values=values)
    else:
        update_model(model, actor=actor, name=name, values=values)
        reg = open_case_of(model)
    if not submit or reg is None or reg.case.state != "draft":
        return Saved(reg)
    case = reg.case
    inputs = {"reason": None, "comment": None, "document": None}
    refusals = cases.workflow_of(case).refusals(case.state, "submit", cases.context_for(case, actor, inputs))
    if refusals:
        return Saved(reg, refusals=list(refusals))
    cases.fire(case, "submit", actor=actor, expected_version=case.version)
    return Saved(reg, submitted=True)


def registration_of(case: Case) -> Registration | None:
    """The case's registration (read once per page: its panels and guards all ask)."""
    return reads.once("registration_of", case.id, lambda: db.session.execute(
        db.select(Registration).filter_by(case_id=case.id)).scalar())


# -- rulesets and classification ------------------------------------------------------------

def current_ruleset() -> Ruleset:
    """The ruleset in force (the newest version); seeds v1 on an installation without one."""
    rs = db.session.execute(db.select(Ruleset).order_by(Ruleset.version.desc()).limit(1)).scalar()
    if rs is None:
        rs = Ruleset(version=1, rules_json=json.dumps(tiering.DEFAULT_RULES_V1, sort_keys=True),
                     note="Default ruleset v1 (DOMAIN §4)")
        db.session.add(rs)
        db.session.flush()
    return rs


def create_ruleset(*, actor: User, rules: Any, note: str, assessment_ref: str | None,
                   instrument: str | None = None) -> Ruleset:
    """A new ruleset version, in force at once; rulesets are never edited.  A version stricter
    than the one in force needs, for each stricter change, a passed Art. 47 assessment covering
    it (``assessment_ref``: case numbers, comma-separated) and an adopted ``instrument`` enacting
    it; the links are recorded (``supervision.assessments.binding``)."""
    from supervision.assessments import binding

    try:
        tiering.validate_rules(rules)
    except tiering.RulesetInvalid as err:
        raise RegistryError(N_("The rules are not valid: %(why)s"), why=str(err)) from err
    prev = current_ruleset()
    changes = tiering.stricter_changes(prev.rules, rules)
    numbers = [n.strip() for n in (assessment_ref or "").replace("，", ",").split(",") if n.strip()]
    try:
        covering = binding.check(changes, case_numbers=numbers, instrument_key=instrument)
    except binding.BindingRefused as err:
        raise RegistryError(err.message, **err.params) from err
    rs = Ruleset(version=prev.version + 1, rules_json=json.dumps(rules, sort_keys=True, ensure_ascii=False),
                 note=note.strip(), assessment_ref=", ".join(numbers) or None,
                 created_by_id=actor.id)
    db.session.add(rs)
    db.session.flush()
    record("registry.ruleset_create", actor=actor, object_type="ruleset", object_id=rs.id,
           reason=rs.note, details={"version": rs.version, "assessment_ref": rs.assessment_ref,
                                    "stricter": ", ".join(changes) or None, "instrument": instrument if changes else None})
    binding.bind(rs, covering, instrument_key=instrument or "", actor=actor)
    return rs


def inputs_of(version: ModelVersion) -> tiering.Inputs:
    return tiering.Inputs(
        intelligence_level=version.intelligence_level,
        scenario_classes=tuple(sorted({SCENARIOS[s][0] for s in version.scenarios if s in SCENARIOS})),
        mass_kg=Decimal(version.mass_kg), max_speed_mps=Decimal(version.max_speed_mps),
        public_space=version.public_space, vulnerable_contact=version.vulnerable_contact,
        personal_data=version.personal_data, ota_learning=version.ota_learning)


def classify(reg: Registration, *, actor: User | None, ruleset: Ruleset | None = None,
             reason: str | None = None, action: str = "registry.classify") -> Classification:
    """Classify the registration's version under ``ruleset`` (default: the one in force)."""
    ruleset = ruleset or current_ruleset()
    inputs = inputs_of(reg.version)
    result = tiering.classify(inputs, ruleset.rules)
    from supervision.assessments.binding import rationale_lines

    chain_zh, chain_en = rationale_lines(ruleset, result.tier)
    result.lines_zh += chain_zh
    result.lines_en += chain_en
    c = Classification(registration_id=reg.id, version_id=reg.version_id, ruleset_id=ruleset.id,
                       inputs_json=json.dumps(inputs.as_dict(), sort_keys=True), score=result.score,
                       computed_tier=result.tier, tier=result.tier, rationale_zh=result.rationale_zh,
                       rationale_en=result.rationale_en,
                       created_by_id=actor.id if actor is not None else None)
    db.session.add(c)
    reg.tier = c.tier  # the newest classification is the one in force
    db.session.flush()
    record(action, actor=actor, case=reg.case, object_type="classification", object_id=c.id,
           reason=reason, details={"ruleset_version": ruleset.version, "score": result.score,
                                   "tier": result.tier, "version_id": reg.version_id})
    return c


def reclassify(reg: Registration, *, actor: User, reason: str) -> Classification:
    """Classify again under the ruleset now in force (an audited action with reasons)."""
    if reg.case.state not in REVIEW_STATES:
        raise RegistryError(N_("The tier can only be reviewed before the decision is proposed."))
    return classify(reg, actor=actor, reason=reason, action="registry.reclassify")


def override_tier(reg: Registration, *, actor: User, tier: int, reason: str) -> Classification:
    """Set the tier by hand, with a written reason (DOMAIN §4); the computed tier stays on record."""
    c = reg.classification
    if c is None:
        raise RegistryError(N_("The model has no tier yet: classify it first."))
    if reg.case.state not in REVIEW_STATES:
        raise RegistryError(N_("The tier can only be reviewed before the decision is proposed."))
    if tier not in (1, 2, 3, 4) or not reason.strip():
        raise RegistryError(N_("An override needs a tier from 1 to 4 and a written reason."))
    before = c.tier
    c.tier, c.override_reason, c.overridden_by_id = tier, reason.strip(), actor.id
    reg.tier = tier
    db.session.flush()
    record("registry.tier_override", actor=actor, case=reg.case, object_type="classification",
           object_id=c.id, reason=reason.strip(),
           details={"from_tier": before, "to_tier": tier, "computed_tier": c.computed_tier})
    return c


def refer_to_sandbox(reg: Registration, *, actor: User, note: str) -> SandboxReferral:
    """Record the referral of a tier-4 model to the regulatory sandbox."""
    if reg.tier != 4:
        raise RegistryError(N_("Only tier 4 models are referred to the sandbox."))
    ref = SandboxReferral(case_id=reg.case_id, model_id=reg.model_id, classification_id=reg.classification.id,
                          note=note.strip(), referred_by_id=actor.id)
    db.session.add(ref)
    db.session.flush()
    record("registry.sandbox_referral", actor=actor, case=reg.case, object_type="sandbox_referral",
           object_id=ref.id, reason=ref.note)
    return ref


def referral_of(reg: Registration) -> SandboxReferral | None:
    return reads.once("referral_of", reg.case_id, lambda: db.session.execute(
        db.select(SandboxReferral).filter_by(case_id=reg.case_id).order_by(SandboxReferral.id.desc()).limit(1)).scalar())


# -- objections ----------------------------------------------------------------

def file_objection(case: Case, *, text_: str, objector: str | None, contact: str | None,
                   client_address: str | None, recorded_by: User | None = None) -> Objection:
    """Anyone objects to a model in public notice, with their name and a contact (kept
    confidential); an officer records one received by letter (``recorded_by``).  The case stays
    in public notice with the objection on record and a reference number for the objector; the
    officer must answer it before the case goes forward.  At most ``OBJECTIONS_PER_HOUR`` per
    client address."""
    if case.case_type != "registration" or case.state != "public_notice":
        raise RegistryError(N_("This model is not in public notice."))
    objector, contact = (objector or "").strip(), (contact or "").strip()
    if not objector or not contact:
        raise RegistryError(N_("An objection needs the objector's name and a contact for the answer."))
    since = utcnow() - dt.timedelta(hours=1)
    if recorded_by is None:
        recent = db.session.execute(db.select(func.count(Objection.id)).where(
            Objection.client_address == client_address, Objection.created_at >= since)).scalar()
        if recent >= OBJECTIONS_PER_HOUR:
            raise RateLimited(N_("You have filed %(n)s objections in the last hour. Please wait an hour and try again."),
                              n=OBJECTIONS_PER_HOUR)
    # The transition first: when the engine refuses it, no objection was written.  The objector's
    # name and contact stay out of the case's history (they are confidential).
    cases.fire(case, "object", actor=None, comment=text_.strip())
    objection = Objection(case_id=case.id, objector=objector, contact=contact, text=text_.strip(),
                          client_address=client_address,
                          recorded_by_id=recorded_by.id if recorded_by is not None else None)
    db.session.add(objection)
    db.session.flush()
    objection.reference = f"{OBJECTION_PREFIX}-{local_today().year}-{objection.id:06d}"
    db.session.flush()
    return objection


OBJECTION_PREFIX = "OBJ"


def answer_objection(objection: Objection, *, actor: User, answer: str) -> Objection:
    """The officer's reasoned answer to an objection, sent to the objector (an e-mail in the
    outbox when the contact is an address; otherwise by post, which the officer records)."""
    case = db.session.get(Case, objection.case_id)
    if objection.answered:
        raise RegistryError(N_("This objection was already answered."))
    if case.state != "public_notice":
        raise RegistryError(N_("This model is not in public notice."))
    answer = (answer or "").strip()
    if len(answer) < 10:
        raise RegistryError(N_("Give the reasons of the answer (at least 10 characters)."))
    objection.answer, objection.answered_at, objection.answered_by_id = answer, utcnow(), actor.id
    by_mail = "@" in (objection.contact or "")
    if by_mail:
        _send_answer(objection, case)
    db.session.flush()
    record("registry.objection_answer", actor=actor, case=case, object_type="objection",
           object_id=objection.id, reason=answer,
           details={"reference": objection.reference, "sent_by": "email" if by_mail else "post"})
    return objection


def _send_answer(objection: Objection, case: Case) -> None:
    """The answer as an e-mail to the objector, in the platform's default language."""
    import email.utils
    from urllib.parse import urlsplit

    from flask import current_app
    from flask_babel import force_locale, gettext

    from supervision.notifications.models import OutboxMessage, OutboxStatus

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = gettext("Answer to your objection %(ref)s", ref=objection.reference)
        body = gettext("Your objection %(ref)s to %(model)s in public notice was answered by the regulator:\n\n"
                       "%(answer)s", ref=objection.reference, model=case.title, answer=objection.answer)
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    db.session.add(OutboxMessage(to_address=objection.contact[:254], subject=subject[:300], body=body,
                                 message_id=email.utils.make_msgid("objection", domain=host),
                                 status=OutboxStatus.QUEUED.value, next_attempt_at=utcnow()))


def unanswered_objections(case: Case) -> int:
    return db.session.execute(db.select(func.count(Objection.id)).where(
        Objection.case_id == case.id, Objection.answer.is_(None))).scalar()


def objections_of(case: Case) -> list[Objection]:
    return list(db.session.execute(db.select(Objection).filter_by(case_id=case.id)
                                   .order_by(Objection.id)).scalars())


# -- registration number --------------------------------------------------------------------

def issue_number(reg: Registration) -> str:
    """The next registration number of the year, gap-free: 杭具身注〔2026〕N号."""
    if reg.registration_number:
        return reg.registration_number
    lock_for_writing(0x52454749)  # "REGI": one numberer at a time (SQLite: the write lock)
    year = local_today().year
    last = db.session.execute(db.select(func.max(Registration.reg_serial))
                              .where(Registration.reg_year == year)).scalar() or 0
    reg.reg_year, reg.reg_serial = year, last + 1
    reg.registration_number = f"{NUMBER_PREFIX}〔{year}〕{last + 1}号"
    reg.registered_on = local_today()
    return reg.registration_number
