"""Pages of certificates: the list (a certifier's own body's, every one searched by regulators,
a firm's models'), recording a certificate, a certificate's page with its history, the cases
that relied on it and the certifier's state change."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.certificates import access, queries, services
from supervision.certificates.forms import ChangeForm, RecordForm, SearchForm
from supervision.certificates.models import Certificate
from supervision.core.forms import opts
from supervision.core.i18n import label, pick
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import RobotModel
from workflows.base import TransitionRefused
from workflows.certificate import CERTIFICATE

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


def state_choices(blank: str | None = None):
    pairs = [(s.name, label(s.label)) for s in CERTIFICATE.states.values() if s.name != CERTIFICATE.initial]
    return opts(([("", blank)] if blank else []) + pairs)


@bp.route("/")
@policies.policy(access.ANY_CERTIFICATE_READER)
def index():
    form = SearchForm(request.args)
    form.state.choices = state_choices(_("All states"))
    form.validate()
    listing = queries.visible_to(current_user, text=form.q.data if not form.q.errors else None,
                                 state=form.state.data if not form.state.errors else None,
                                 page=request.args.get("page", 1, type=int))
    kept = {k: v for k, v in (("q", form.q.data), ("state", form.state.data)) if v}
    return render_template("certificates/index.html", form=form, listing=listing, kept=kept,
                           may_record=bool(access.body_roles(current_user, current_user.organisation_id)))


def _model_choices():
    rows = db.session.execute(db.select(RobotModel, Organisation).join(Organisation, Organisation.id == RobotModel.firm_id)
                              .order_by(Organisation.name_zh, RobotModel.name)).all()
    return opts([(m.id, f"{m.name} — {pick(f.name_zh, f.name_en)}") for m, f in rows])


@bp.route("/new", methods=["GET", "POST"])
@policies.policy(access.CERTIFIERS)
def new():
    if not access.body_roles(current_user, current_user.organisation_id):
        policies.deny(None, status=403, object_type="certificate")
    form = RecordForm()
    form.model_id.choices = _model_choices()
    if form.validate_on_submit():
        model = db.session.get(RobotModel, form.model_id.data)
        try:
            cert = services.record_certificate(
                actor=current_user, model=model, number=form.number.data, standards=form.standards.data,
                scope=form.scope.data, valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                outcome=form.outcome.data, reason=form.reason.data)
        except services.CertificateError as err:
            form.number.errors = list(form.number.errors) + [_(err.message, **err.params)]
        except TransitionRefused as err:
            form.reason.errors = list(form.reason.errors) + [_(r) for r in err.reasons]
        else:
            flash(_("The certificate %(number)s was recorded.", number=cert.number), "success")
            return redirect(url_for("certificates.show", cert_id=cert.id)), 303
    return render_template("certificates/new.html", form=form), 422 if form.errors else 200


def _certificate(cert_id: int) -> Certificate:
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    policies.authorize(access.can_view_certificate(current_user, cert), cert, object_type="certificate")
    return cert


def _change_form(cert: Certificate) -> ChangeForm | None:
    """The certifier's form, offering what the table allows them now (None: nothing)."""
    if not access.can_change_certificate(current_user, cert):
        return None
    ctx = services.context_for(cert, current_user)
    offered = [(row.trigger, label(row.label)) for row, reasons in CERTIFICATE.available(cert.state, ctx)
               if not reasons]
    if not offered:
        return None
    form = ChangeForm()
    form.trigger.choices = opts(offered)
    if form.effective_on.data is None and request.method == "GET":
        form.effective_on.data = local_today()
    return form


def _cases_of(cert: Certificate) -> list[Case]:
    """The cases that relied on the certificate, as far as the reader may know them."""
    if not current_user.roles & access.READER_ROLES:
        return []
    ids = [r.case_id for r in services.relied_on_by(cert)]
    return list(db.session.execute(db.select(Case).where(Case.id.in_(ids)).order_by(Case.id)).scalars()) if ids else []


@bp.route("/<int:cert_id>")
@policies.policy(access.ANY_CERTIFICATE_READER)
def show(cert_id: int):
    cert = _certificate(cert_id)
    return render_template("certificates/show.html", cert=cert, form=_change_form(cert), cases=_cases_of(cert),
                           valid=services.is_valid(cert))


@bp.route("/<int:cert_id>/change", methods=["POST"])
@policies.policy(access.CERTIFIERS)
def change(cert_id: int):
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    policies.authorize(access.can_change_certificate(current_user, cert), cert, object_type="certificate")
    form = _change_form(cert)
    if form is None:
        flash(_("This certificate can no longer be changed."), "error")
        return redirect(url_for("certificates.show", cert_id=cert.id)), 303
    if form.validate_on_submit():
        try:
            services.change_state(cert, form.trigger.data, actor=current_user, reason=form.reason.data,
                                  effective_on=form.effective_on.data)
        except TransitionRefused as err:
            form.reason.errors = list(form.reason.errors) + [_(r) for r in err.reasons]
        else:
            flash(_("The certificate is now: %(state)s.", state=label(CERTIFICATE.state_label(cert.state))),
                  "success")
            return redirect(url_for("certificates.show", cert_id=cert.id)), 303
    return render_template("certificates/show.html", cert=cert, form=form, cases=_cases_of(cert),
                           valid=services.is_valid(cert)), 422
