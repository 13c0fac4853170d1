"""Sign in and out, own password, language (the self-service pages of every user)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from supervision import policies
import time

from supervision.accounts import kept, loader, reauth, resets, services, twofactor
from supervision.accounts.forms import (ChangePasswordForm, CodeForm, ConfirmForm, ForgotPasswordForm,
                                       LanguageForm, ResetPasswordForm, SignInForm)
from supervision.accounts.models import LoginThrottle, User
from supervision.accounts.passwords import verify_password
from supervision.core import sealed
from supervision.core.i18n import asked_language
from supervision.extensions import db

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
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
                address=request.remote_addr,
                max_address_failures=current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
        except services.SignInRefused as refused:
            form.password.data = ""
            if refused.throttled:
                flash(_("Too many failed sign-ins. Try again in %(m)s minutes.",
                        m=current_app.config["LOGIN_LOCK_MINUTES"]), "error")
                return render_template("accounts/login.html", form=form), 429
            # One answer for an unknown email, a wrong password and a disabled account.
            flash(_("Wrong email or password."), "error")
            return render_template("accounts/login.html", form=form), 401
        target = safe_next(request.args.get("next"))
        if twofactor.enrolled(user) or twofactor.required(user):
            _fresh_session()
            session[PENDING] = {"uid": user.id, "tok": user.session_token, "at": time.time(),
                                "next": target}
            step = "accounts.second_factor" if twofactor.enrolled(user) else "accounts.enrol_at_sign_in"
            return redirect(url_for(step)), 303
        _complete_sign_in(user)
        return redirect(target or _signed_in_page())
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


# -- the second factor -------------------------------------------------------------------------

PENDING = "_second_factor"  # the user who gave the right password and owes a code
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5


def _fresh_session() -> None:
    """A new session (no fixation) that keeps only the chosen language and which page has a
    form waiting to be put back (``kept``)."""
    carried = {key: session[key] for key in ("lang", kept.HELD) if session.get(key)}
    if asked_language():  # a visitor who chose a language by link keeps it once signed in
        carried["lang"] = asked_language()
    session.clear()
    session.update(carried)


def _complete_sign_in(user: User) -> None:
    _fresh_session()
    login_user(user)
    reauth.stamp()


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active or user.session_token != pending.get("tok"):
        return None
    return user


def _code_refused(user: User) -> bool:
    """Count a wrong code; True once there were too many (the sign-in starts over)."""
    from supervision.audit.services import record_now
    from supervision.core.timeutil import utcnow

    key = f"code:{user.id}"
    row = db.session.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0, window_start=utcnow())
    row.failures += 1
    db.session.add(row)
    record_now("auth.second_factor_failed", bookkeeping=(row,), actor=user, object_type="user",
               object_id=user.id, details={"failures": row.failures})
    if row.failures >= MAX_CODE_FAILURES:
        session.pop(PENDING, None)
        return True
    return False


def _clear_code_failures(user: User) -> None:
    row = db.session.get(LoginThrottle, f"code:{user.id}")
    if row is not None:
        db.session.delete(row)


def _start_over():
    flash(_("Sign in again: the sign-in was not finished in time."), "info")
    return redirect(url_for("accounts.login")), 303


@bp.route("/login/code", methods=["GET", "POST"])
@policies.policy(policies.SIGN_IN)
def second_factor():
    user = _pending_user()
    if user is None or not twofactor.enrolled(user):
        return _start_over()
    form = CodeForm()
    if form.validate_on_submit():
        if twofactor.verify(user, form.code.data):
            target = session[PENDING].get("next")
            _clear_code_failures(user)
            _complete_sign_in(user)
            return redirect(target or _signed_in_page()), 303
        form.code.data = ""
        if _code_refused(user):
            flash(_("Too many wrong codes. Sign in again."), "error")
            return redirect(url_for("accounts.login")), 303
        form.code.errors.append(_("The code is wrong, or was used already. Wait for the next one."))
    return render_template("accounts/second_factor.html", form=form), 422 if form.errors else 200


def _pending_secret(holder) -> str:
    """The secret of an enrolment in progress, kept sealed in the session cookie (which is
    signed but readable); an unreadable one (the key changed) starts the enrolment over."""
    try:
        return twofactor.open_secret(holder.get("totp_secret") or "")
    except sealed.Unreadable:
        return ""


def _enrolment_page(user: User, form: CodeForm, *, at_sign_in: bool):
    """The QR code and secret of an enrolment in progress (the secret waits in the session
    until a code proves the app has it)."""
    holder = session[PENDING] if at_sign_in else session
    secret = _pending_secret(holder) or twofactor.new_secret()
    if at_sign_in:
        session[PENDING] = {**session[PENDING], "totp_secret": twofactor.seal_secret(secret)}
    else:
        session["totp_secret"] = twofactor.seal_secret(secret)
    uri = twofactor.provisioning_uri(user, secret)
    return render_template("accounts/enrol.html", form=form, secret=secret,
                           qr=twofactor.qr_svg_data_uri(uri), at_sign_in=at_sign_in), \
        422 if form.errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@policies.policy(policies.SIGN_IN)
def enrol_at_sign_in():
    """A user who must use two-factor sign-in and has not enrolled does so before entering."""
    user = _pending_user()
    if user is None or twofactor.enrolled(user):
        return _start_over()
    form = CodeForm()
    if form.validate_on_submit():
        codes = twofactor.confirm_enrolment(user, _pending_secret(session[PENDING]), form.code.data)
        if codes is not None:
            _complete_sign_in(user)
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   next=safe_next(request.args.get("next")) or _signed_in_page())
        form.code.errors.append(_("The code is wrong: check the time on your phone and try the next one."))
    return _enrolment_page(user, form, at_sign_in=True)


@bp.route("/account/two-factor")
@policies.policy(policies.SELF_SERVICE)
@login_required
def two_factor():
    return render_template("accounts/two_factor.html", form=ConfirmForm(),
                           enrolled=twofactor.enrolled(current_user),
                           required=twofactor.required(current_user),
                           codes_left=twofactor.recovery_codes_left(current_user))


@bp.route("/account/two-factor/enrol", methods=["GET", "POST"])
@policies.policy(policies.SELF_SERVICE)
@login_required
@reauth.required
def enrol():
    if twofactor.enrolled(current_user):
        return redirect(url_for("accounts.two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        codes = twofactor.confirm_enrolment(current_user, _pending_secret(session), form.code.data)
        if codes is not None:
            session.pop("totp_secret", None)
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   next=url_for("accounts.two_factor"))
        form.code.errors.append(_("The code is wrong: check the time on your phone and try the next one."))
    return _enrolment_page(current_user, form, at_sign_in=False)


@bp.route("/account/two-factor/<action>", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
@login_required
@reauth.required
def two_factor_change(action: str):
    if action not in ("recovery-codes", "disable") or not twofactor.enrolled(current_user):
        abort(404)
    if action == "recovery-codes":
        return render_template("accounts/recovery_codes.html", next=url_for("accounts.two_factor"),
                               codes=twofactor.regenerate_recovery_codes(current_user))
    if twofactor.required(current_user):
        flash(_("Your role requires two-factor sign-in: it cannot be switched off."), "error")
    else:
        twofactor.disable(current_user)
        flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("accounts.two_factor")), 303


@bp.route("/account/confirm", methods=["GET", "POST"])
@policies.policy(policies.SELF_SERVICE)
@login_required
def confirm():
    """Confirm it is you (password, and the code when enrolled) before a sensitive change."""
    form = ConfirmForm()
    target = safe_next(request.args.get("next")) or _signed_in_page()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        ok = verify_password(user.password_hash, form.password.data or "")
        if ok and twofactor.enrolled(user):
            ok = twofactor.verify(user, form.code.data or "")
        if ok:
            _clear_code_failures(user)
            reauth.stamp()
            return redirect(target), 303
        if _code_refused(user):
            services.sign_out(user)
            logout_user()
            flash(_("Too many failed confirmations: you were signed out."), "error")
            return redirect(url_for("accounts.login")), 303
        form.password.errors.append(_("The password or the code is wrong."))
    return render_template("accounts/confirm.html", form=form,
                           enrolled=twofactor.enrolled(current_user)), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
def logout():
    """Ends this session (the user's sessions elsewhere stay open)."""
    services.sign_out(current_user, *loader.current_session_end())
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


@bp.route("/password/forgot", methods=["GET", "POST"])
@policies.policy(policies.SIGNED_OUT)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If an account uses this address, a link to set a new password is on its way. "
                "It works once, for %(m)s minutes.", m=current_app.config["PASSWORD_RESET_MINUTES"]),
              "info")
        return redirect(url_for("accounts.login")), 303
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@policies.policy(policies.SIGNED_OUT)
def reset_password(token: str):
    if resets.valid_link(token) is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            resets.complete_reset(token, form.new.data)
        except services.AccountError as err:
            form.new.errors.append(_(err.message, **err.params))
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.login")), 303
    return render_template("accounts/reset.html", form=form), 422 if form.errors else 200


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
