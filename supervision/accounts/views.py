"""Sign in and out, own password, language (the self-service pages of every user)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from supervision import policies
from supervision.accounts import services
from supervision.accounts.forms import ChangePasswordForm, LanguageForm, SignInForm

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no ``//``, backslash or control tricks."""
    if not target or len(target) > 2000:
        return None
    # Browsers drop tabs and newlines and read "\\" as "/": "/\t/evil.com" would leave the site.
    if any(ord(c) < 0x21 or c == "\x7f" for c in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _signed_in_page():
    return url_for("cases.home")


@bp.route("/login", methods=["GET", "POST"])
@policies.policy(policies.SIGN_IN)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or _signed_in_page())
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        except services.SignInRefused as refused:
            form.password.data = ""
            if refused.throttled:
                flash(_("Too many failed sign-ins. Try again in %(m)s minutes.",
                        m=current_app.config["LOGIN_LOCK_MINUTES"]), "error")
                return render_template("accounts/login.html", form=form), 429
            # One answer for an unknown email, a wrong password and a disabled account.
            flash(_("Wrong email or password."), "error")
            return render_template("accounts/login.html", form=form), 401
        chosen = session.get("lang")
        session.clear()  # a new session on sign-in (no fixation)
        if chosen:
            session["lang"] = chosen
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or _signed_in_page())
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
def logout():
    services.sign_out(current_user)
    chosen = current_user.locale or session.get("lang")
    logout_user()
    session.clear()
    if chosen:
        session["lang"] = chosen  # the signed-out page stays in the language the user chose
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
            getattr(form, err.field or "current").errors.append(_(err.message, **err.params))
        else:
            # The token changed: keep this session, the others end.  (The real object, not the
            # proxy: a proxy stored as the session's user would resolve to itself forever.)
            login_user(current_user._get_current_object())
            flash(_("Your password was changed. Your other sessions were signed out."), "success")
            return redirect(_signed_in_page())
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.route("/language", methods=["POST"])
@policies.policy(policies.SIGN_IN)
def set_language():
    form = LanguageForm()
    back = safe_next(request.form.get("next")) or url_for("public.index")
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return redirect(back)
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        services.set_locale(current_user, form.lang.data)
    return redirect(back)
