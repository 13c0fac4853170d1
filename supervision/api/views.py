"""Pages: the firm's API tokens (create, shown once; revoke — both after a recent confirmation
of the password, ``accounts.reauth``) and the API's description
(``/api/v1/openapi.json`` and the page for people, ``/api-docs``)."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts import reauth
from supervision.api import openapi, tokens
from supervision.api.forms import TokenForm
from supervision.api.framework import PREFIX
from supervision.api.models import SCOPES, ApiToken
from supervision.core.i18n import label
from supervision.extensions import db

bp = Blueprint("api_tokens", __name__)
docs_bp = Blueprint("api_docs", __name__, url_prefix=PREFIX)


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    html = render_template("api/tokens.html", form=form, secret=secret, scopes=SCOPES,
                           tokens=tokens.firm_tokens(current_user.organisation_id))
    return html, status, {"Cache-Control": "no-store"}  # the secret is on it once


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
@reauth.required
def token_list():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    try:
        _token, secret = tokens.create_token(current_user.organisation, actor=current_user,
                                             name=form.name.data, scopes=form.scopes.data)
    except tokens.TokenRefused as err:
        form.name.errors = [label(err.message)]
        return _page(form, status=422)
    return _page(TokenForm(formdata=None), secret=secret)


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@policies.policy(policies.APPLICANTS)
@reauth.required
def token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    policies.authorize(token.firm_id == current_user.organisation_id, token, object_type="api_token")
    try:
        tokens.revoke_token(token, actor=current_user)
        flash(_("The token %(name)s was revoked; systems using it are refused from now on.", name=token.name),
              "success")
    except tokens.TokenRefused as err:
        flash(label(err.message), "error")
    return redirect(url_for(".token_list"))


@docs_bp.route("/openapi.json")
@policies.policy(policies.PUBLIC)
def openapi_json():
    return jsonify(openapi.document())


@bp.route("/api-docs")  # outside /api/: a page for people, in their chosen language
@policies.policy(policies.PUBLIC)
def docs():
    return openapi.page()
