"""Administration: organisations, users, roles, disabling and enabling accounts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from supervision import policies
from supervision.accounts import reauth, resets, services
from supervision.accounts.forms import ActiveForm, OrganisationForm, RolesForm, UserForm
from supervision.accounts.models import ORG_KIND_LABELS, ROLE_LABELS, Organisation, User
from supervision.core.forms import opts
from supervision.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _role_choices():
    return opts((value, _(text)) for value, text in ROLE_LABELS.items())


def _attach(form, err: services.AccountError, default: str) -> None:
    """Show a refused operation's message under the field it concerns."""
    field = getattr(form, err.field or default, None) or getattr(form, default)
    field.errors = list(field.errors) + [_(err.message, **err.params)]


@bp.route("/")
@policies.policy(policies.ADMINS)
def index():
    orgs = db.session.execute(db.select(Organisation).order_by(Organisation.kind, Organisation.id)).scalars().all()
    users = db.session.execute(db.select(User).order_by(User.email)).scalars().all()
    return render_template("admin/index.html", orgs=orgs, users=users, role_labels=ROLE_LABELS,
                           kind_labels=ORG_KIND_LABELS)


@bp.route("/organisations/new", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.create_organisation(kind=form.kind.data, name_zh=form.name_zh.data,
                                         name_en=form.name_en.data, credit_code=form.credit_code.data,
                                         doc_prefix=form.doc_prefix.data, actor=current_user)
        except services.AccountError as err:
            _attach(form, err, "credit_code")
        else:
            flash(_("The organisation was created."), "success")
            return redirect(url_for("admin.index")), 303
    return render_template("admin/organisation_form.html", form=form), 422 if form.errors else 200


@bp.route("/users/new", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def new_user():
    form = UserForm()
    orgs = db.session.execute(db.select(Organisation).order_by(Organisation.kind, Organisation.name_zh)).scalars().all()
    form.organisation_id.choices = opts((o.id, f"{o.name_zh} / {o.name_en}") for o in orgs)
    form.roles.choices = _role_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation_id.data)
        try:
            services.create_user(email=form.email.data, name=form.name.data, password=form.password.data,
                                 organisation=org, roles=form.roles.data, actor=current_user)
        except services.AccountError as err:
            _attach(form, err, "email")
        else:
            flash(_("The user was created."), "success")
            return redirect(url_for("admin.index")), 303
    return render_template("admin/user_form.html", form=form, orgs=orgs), 422 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@policies.policy(policies.ADMINS)
@reauth.required
def set_roles(user_id: int):
    user = _user_or_404(user_id)
    form = RolesForm()
    form.roles.choices = _role_choices()
    if not form.validate_on_submit():
        for message in form.roles.errors:
            flash(_("%(user)s: %(message)s", user=user.email, message=message), "error")
        return redirect(url_for("admin.index")), 303
    try:
        services.set_roles(user, form.roles.data, actor=current_user)
    except services.AccountError as err:
        flash(_("%(user)s: %(message)s", user=user.email, message=_(err.message, **err.params)), "error")
    else:
        if user.id == current_user.id:  # the change ended the user's sessions: keep this one
            login_user(user)
        flash(_("The roles of %(user)s were saved.", user=user.email), "success")
    return redirect(url_for("admin.index")), 303


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@policies.policy(policies.ADMINS)
@reauth.required
def set_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():  # pragma: no cover - a BooleanField accepts any input
        abort(400)
    try:
        services.set_active(user, bool(form.active.data), actor=current_user)
    except services.AccountError as err:
        flash(_(err.message, **err.params), "error")
    else:
        if form.active.data:
            flash(_("The account of %(user)s was enabled.", user=user.email), "success")
        else:
            flash(_("The account of %(user)s was disabled; their open sessions have ended.", user=user.email),
                  "success")
    return redirect(url_for("admin.index")), 303


@bp.route("/users/<int:user_id>/force-reset", methods=["POST"])
@policies.policy(policies.ADMINS)
@reauth.required
def force_reset(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()  # only its CSRF token
    if not form.validate_on_submit():  # pragma: no cover - a BooleanField accepts any input
        abort(400)
    if user.id == current_user.id:
        flash(_("Change your own password on your account page."), "error")
    else:
        resets.force_reset(user, actor=current_user)
        flash(_("%(user)s must set a new password: their password no longer works, their sessions "
                "have ended, and a link is on its way to them.", user=user.email), "success")
    return redirect(url_for("admin.index")), 303
