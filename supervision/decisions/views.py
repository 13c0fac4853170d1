"""Decisions of a case and public verification (token, number, upload)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.public.caching import cacheable
from supervision.cases import presenters
from supervision.cases.loaders import load_case
from supervision.core.errors import render_error
from supervision.decisions import drafts
from supervision.decisions import kinds as kind_config
from supervision.decisions import services
from supervision.core.forms import opts
from supervision.decisions import outcomes
from supervision.decisions.forms import ConsentForm, OutcomeForm, VerifyUploadForm
from supervision.decisions.models import STATUS_LABELS, Decision
from supervision.extensions import csrf, db
from workflows.base import N_

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


def outcome_form() -> OutcomeForm:
    form = OutcomeForm()
    form.route.choices = opts([("", "—")] + [(k, _(v)) for k, v in outcomes.ROUTE_LABELS.items()])
    form.outcome.choices = opts([("", "—")] + [(k, _(v)) for k, v in outcomes.OUTCOME_LABELS.items()])
    return form


@bp.app_template_global()
def decision_outcomes(decision):
    return outcomes.outcomes_of(decision)


@bp.app_template_global()
def decision_served_at(decision):
    from supervision.decisions.delivery import served_at

    return served_at(decision.id)


@bp.app_template_global()
def decision_appealable(decision) -> bool:
    kind = kind_config.installed().get(decision.kind)
    return kind is not None and kind.can_be_challenged()


@bp.app_template_global()
def outcome_label(value: str) -> str:
    return _(outcomes.OUTCOME_LABELS.get(value) or outcomes.ROUTE_LABELS.get(value) or value)


@bp.route("/cases/<int:case_id>/decisions")
@policies.policy(policies.CASE_WORKERS)
def case_list(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_view_case(current_user, case), case)
    may_record = policies.can_record_challenge_outcome(current_user, case)
    return render_template("decisions/case_list.html", case=case, decisions=services.decisions_of(case),
                           changed=services.changed_since_decision(case),
                           outcome_form=outcome_form() if may_record else None)


@bp.route("/cases/<int:case_id>/decisions/<int:decision_id>/outcome", methods=["POST"])
@policies.policy(policies.REGULATORS)
def record_outcome(case_id: int, decision_id: int):
    """A regulator records what a reconsideration body or a court decided about a decision."""
    from supervision.documents.services import UploadRejected, add_document, check_upload, upload_limit

    case = load_case(case_id)
    policies.authorize(policies.can_record_challenge_outcome(current_user, case), case)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.case_id != case.id:
        abort(404)
    form = outcome_form()
    back = redirect(url_for("decisions.case_list", case_id=case.id)), 303
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return back
    data = form.document.data.read(upload_limit() + 1)
    try:
        check_upload(data, "internal")
        document = add_document(data=data, filename=form.document.data.filename, classification="internal",
                                actor=current_user, case=case)
        outcomes.record_outcome(decision, actor=current_user, route=form.route.data, outcome=form.outcome.data,
                                body=form.body.data, body_document_number=form.body_document_number.data,
                                decided_on=form.decided_on.data, document=document, note=form.note.data)
    except UploadRejected as err:
        flash(err.user_message(), "error")
    except outcomes.OutcomeError as err:
        flash(_(str(err)), "error")
    else:
        flash(_("The outcome for %(number)s is on record.", number=decision.number), "success")
    return back


@bp.route("/cases/<int:case_id>/draft/<trigger>/<kind>.pdf")
@policies.policy(policies.REGULATORS)
def draft(case_id: int, trigger: str, kind: str):
    """The draft decision an approval would issue, marked and unsigned; ``?facts=`` is the hash
    the case page showed: a draft on other facts is refused (the page is out of date)."""
    case = load_case(case_id)
    policies.authorize(policies.can_preview_draft(current_user, case), case)
    found = drafts.drafts(case, current_user, presenters.actions(case, current_user)).get(trigger)
    if found is None or kind not in {k.key for k in found.kinds}:
        abort(404)
    if request.args.get("facts") != found.facts_sha256:
        return render_error(409, _("The facts changed after this page was shown: reload the case to read the new draft."))
    language = request.args.get("lang") if request.args.get("lang") in ("zh", "en") else \
        current_app.config.get("DECISION_LANGUAGE", "zh")
    pdf, _facts = drafts.render_draft(case, kind, actor=current_user, trigger=trigger, language=language)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{case.number}-draft.pdf"',
        "Cache-Control": "no-store", "X-Facts-Sha256": found.facts_sha256})


@bp.route("/verify/<token>")
@policies.policy(policies.PUBLIC)
@cacheable
def verify_token(token: str):
    decision = services.by_token(token)
    if decision is None:
        abort(404)
    return render_template("decisions/verify.html", decision=decision)


@bp.route("/verify", methods=["GET"])
@policies.policy(policies.PUBLIC)
@cacheable
def verify_form():
    number = (request.args.get("number") or "").strip()
    found = services.by_number(number) if number else None
    return render_template("decisions/verify_form.html", number=number, found=found,
                           searched=bool(number), form=VerifyUploadForm())


@bp.route("/verify/upload", methods=["POST"])
@policies.policy(policies.PUBLIC)
@csrf.exempt  # a check that changes nothing (VerifyUploadForm)
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


# -- the firm's consent to electronic service -----------------------------------------------------

@bp.route("/service-consent", methods=["GET"])
@policies.policy(policies.APPLICANTS)
def consent():
    """The firm's prior written consent to electronic service: given, or withdrawn, here."""
    from supervision.decisions import delivery

    firm = current_user.organisation
    return render_template("decisions/consent.html", consent=delivery.consent_of(firm.id), form=ConsentForm())


@bp.route("/service-consent", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def give_consent():
    from supervision.decisions import delivery
    from supervision.documents.services import UploadRejected, add_document, check_upload, upload_limit

    firm = current_user.organisation
    form = ConsentForm()
    if not form.validate_on_submit():
        return render_template("decisions/consent.html", consent=delivery.consent_of(firm.id), form=form), 422
    data = form.document.data.read(upload_limit() + 1)
    try:
        check_upload(data, "internal")
        if delivery.consent_of(firm.id) is not None:
            raise delivery.ServiceError(N_("Your consent to electronic service is already on record."))
        document = add_document(data=data, filename=form.document.data.filename, classification="internal",
                                actor=current_user, firm_id=firm.id)
        delivery.record_consent(firm, document=document, given_on=form.given_on.data, actor=current_user)
    except UploadRejected as err:
        flash(err.user_message(), "error")
    except delivery.ServiceError as err:
        flash(_(str(err)), "error")
    else:
        flash(_("Your consent to electronic service is on record: documents are served when they reach your inbox."),
              "success")
    return redirect(url_for("decisions.consent")), 303


@bp.route("/service-consent/withdraw", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def withdraw_consent():
    from supervision.decisions import delivery

    try:
        delivery.withdraw_consent(current_user.organisation, actor=current_user)
    except delivery.ServiceError as err:
        flash(_(str(err)), "error")
    else:
        flash(_("Your consent is withdrawn: later documents are served by post or by announcement."), "success")
    return redirect(url_for("decisions.consent")), 303
