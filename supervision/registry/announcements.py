"""Registration's announcements on the register's Atom feed (``supervision.public.feed``): a
model registered, a suspension (and its lifting), a revocation, a rescission, a deregistration.

Each is read from the audit trail (the transition that reached the state) and says only what
the register says: model, firm, credit code, registration number and tier — never reasons,
people or documents."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_

from supervision.accounts.models import Organisation
from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.core.i18n import label, pick
from supervision.extensions import db
from supervision.registry.models import TIER_LABELS, Registration, RobotModel
from workflows.base import N_
from workflows.registration import ON_REGISTER, REGISTRATION

# The state a transition reached -> (category, N_-marked title); a lifted suspension has its own.
ANNOUNCED = {
    "registered": ("registration", N_("Registered: %(model)s")),
    "suspended": ("suspension", N_("Suspended: %(model)s")),
    "revoked": ("revocation", N_("Revoked: %(model)s")),
    "rescinded": ("rescission", N_("Registration rescinded: %(model)s")),
    "deregistered": ("deregistration", N_("Deregistered: %(model)s")),
}
LIFTED = ("suspension_lifted", N_("Suspension lifted: %(model)s"))
# Back to "registered" from a state still on the register (an intended action dropped, a
# proposal returned) announces nothing: the registration never left the register.
STILL_ON_REGISTER = REGISTRATION.tagged(ON_REGISTER)


def latest(limit: int) -> list:
    """The newest ``limit`` announcements, newest first (one query)."""
    from supervision.public.feed import Announcement

    rows = db.session.execute(
        db.select(AuditEvent.seq, AuditEvent.created_at, AuditEvent.trigger, AuditEvent.to_state,
                  RobotModel.name, Organisation.name_zh, Organisation.name_en, Organisation.credit_code,
                  Registration.registration_number, Registration.tier)
        .join(Case, Case.id == AuditEvent.case_id)
        .join(Registration, Registration.case_id == Case.id)
        .join(RobotModel, RobotModel.id == Registration.model_id)
        .join(Organisation, Organisation.id == Case.firm_id)
        .where(AuditEvent.action == "case.transition", Case.case_type == "registration",
               AuditEvent.to_state.in_(tuple(ANNOUNCED)), AuditEvent.from_state != AuditEvent.to_state,
               or_(AuditEvent.to_state != "registered", AuditEvent.from_state.not_in(STILL_ON_REGISTER)))
        .order_by(AuditEvent.seq.desc()).limit(limit)).all()
    out = []
    for seq, at, trigger, to_state, model, firm_zh, firm_en, credit_code, number, tier in rows:
        category, title = LIFTED if trigger == "lift_suspension" else ANNOUNCED[to_state]
        facts = [pick(firm_zh, firm_en), credit_code, number or "",
                 label(TIER_LABELS[tier]) if tier in TIER_LABELS else ""]
        out.append(Announcement(
            key=f"audit-event/{seq}", category=category, title=_(title, model=model),
            summary=" · ".join(f for f in facts if f),
            path=url_for("register.index", q=number or model), published=at))
    return out
