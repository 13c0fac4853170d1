"""Decisions of a case, public verification (token, number, upload) and the legal-bases page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.decisions import kinds as kind_config
from supervision.decisions import services
from supervision.decisions.forms import LegalBasisForm, VerifyUploadForm
from supervision.decisions.models import STATUS_LABELS
from supervision.extensions import db

bp = Blueprint("decisions", __name__)


@bp.app_template_global()
def case_decisions(case):
    return services.decisions_of(case)


@bp.app_template_global()
def decision_kind_title(key: str) -> str:
    kind = kind_config.installed().get(key)
    if kind is None:
        return key
    from supervision.core.i18n import lang

    return kind.title(lang())


@bp.app_template_global()
def decision_status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@bp.route("/cases/<int:case_id>/decisions")
@policies.policy(policies.CASE_WORKERS)
def case_list(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_view_case(current_user, case), case)
    return render_template("decisions/case_list.html", case=case, decisions=services.decisions_of(case),
                           changed=services.changed_since_decision(case))


@bp.route("/verify/<token>")
@policies.policy(policies.PUBLIC)
def verify_token(token: str):
    decision = services.by_token(token)
    if decision is None:
        abort(404)
    return render_template("decisions/verify.html", decision=decision)


@bp.route("/verify", methods=["GET"])
@policies.policy(policies.PUBLIC)
def verify_form():
    number = (request.args.get("number") or "").strip()
    found = services.by_number(number) if number else None
    return render_template("decisions/verify_form.html", number=number, found=found,
                           searched=bool(number), form=VerifyUploadForm())


@bp.route("/verify/upload", methods=["POST"])
@policies.policy(policies.PUBLIC)
def verify_upload():
    form = VerifyUploadForm()
    if not form.validate_on_submit():
        return render_template("decisions/verify_form.html", number="", found=None, searched=False,
                               form=form), 422
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = form.file.data.read(limit + 1)
    if len(data) > limit:
        form.file.errors.append(_("The file is larger than the limit of %(mb)s MB.", mb=limit // (1024 * 1024)))
        return render_template("decisions/verify_form.html", number="", found=None, searched=False,
                               form=form), 422
    verdict = services.verify_upload(data)
    return render_template("decisions/verify_result.html", verdict=verdict)


@bp.route("/admin/legal-bases", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def legal_bases():
    form = LegalBasisForm()
    status = 200
    if request.method == "POST":
        if form.kind.data not in kind_config.installed():
            abort(404)
        if form.validate_on_submit():
            services.set_legal_basis(form.kind.data, text_zh=form.text_zh.data, text_en=form.text_en.data,
                                     actor=current_user)
            flash(_("The legal basis was saved. Decisions issued from now on cite it."), "success")
            return redirect(url_for("decisions.legal_bases")), 303
        status = 422
    rows = [(kind, services.legal_basis(kind.key, "zh"), services.legal_basis(kind.key, "en"))
            for kind in kind_config.installed().values()]
    return render_template("decisions/legal_bases.html", rows=rows, form=form), status
