"""Sign in and out, own password, language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from supervision import policies
from supervision.accounts import services
from supervision.accounts.forms import ChangePasswordForm, LanguageForm, SignInForm
from supervision.audit.services import record_now

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no ``//`` or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@policies.policy(policies.PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        except services.SignInRefused as refused:
            if refused.throttled:
                flash(_("Too many failed sign-ins. Try again in %(m)s minutes.",
                        m=current_app.config["LOGIN_LOCK_MINUTES"]), "error")
                return render_template("accounts/login.html", form=form), 429
            flash(_("Wrong email or password."), "error")
            return render_template("accounts/login.html", form=form), 200
        session.clear()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("cases.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
def logout():
    record_now("auth.sign_out", actor=current_user, object_type="user", object_id=current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@policies.policy(policies.SELF_SERVICE)
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data, new=form.new.data)
        except services.AccountError as err:
            form.current.errors.append(_(err.message, **err.params))
        else:
            login_user(current_user)  # the token changed; keep this session, end the others
            flash(_("Your password was changed."), "success")
            return redirect(url_for("cases.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/language", methods=["POST"])
@policies.policy(policies.PUBLIC)
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return redirect(url_for("public.index"))
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        services.set_locale(current_user, form.lang.data)
    return redirect(safe_next(request.form.get("next")) or url_for("public.index"))
