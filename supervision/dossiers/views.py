"""Dossier exports of a case: start one, watch its progress, download it, retry a failed one."""
from __future__ import annotations

import os

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from supervision import policies
from supervision.cases.models import Case
from supervision.core.i18n import label, lang
from supervision.dossiers import export
from supervision.extensions import db
from supervision.jobs import services as jobs
from supervision.jobs.models import STATUS_LABELS, Job, JobStatus

bp = Blueprint("dossiers", __name__)


class StartForm(FlaskForm):
    """Only the CSRF token: an export takes no other input."""


def _load_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    policies.authorize(policies.can_export_case(current_user, case), case)
    return case


def _load_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != export.KIND or job.case is None:
        abort(404)
    policies.authorize(policies.can_export_case(current_user, job.case), job)
    return job


@bp.route("/cases/<int:case_id>/dossiers")
@policies.policy(policies.EXPORTERS)
def index(case_id: int):
    case = _load_case(case_id)
    return render_template("dossiers/index.html", case=case, jobs=export.exports_of(case),
                           form=StartForm(), status_label=lambda s: label(STATUS_LABELS[s]))


@bp.route("/cases/<int:case_id>/dossiers", methods=["POST"])
@policies.policy(policies.EXPORTERS)
def start(case_id: int):
    case = _load_case(case_id)
    if not StartForm().validate_on_submit():
        abort(400)
    job = export.start_export(case, actor=current_user, lang=lang())  # runs once the request commits
    flash(_("The export was started. This page shows its progress."), "success")
    return redirect(url_for("dossiers.show", job_id=job.id)), 303


@bp.route("/dossiers/<sealed(kind='dossier'):job_id>")
@policies.policy(policies.EXPORTERS)
def show(job_id: int):
    job = _load_job(job_id)
    return render_template("dossiers/show.html", job=job, case=job.case, form=StartForm(),
                           status_label=label(STATUS_LABELS[job.status]),
                           message=label(job.message) if job.message else "",
                           downloadable=_downloadable(job), stalled=jobs.stalled(job))


def _downloadable(job: Job) -> bool:
    return (job.status == JobStatus.DONE.value and bool(job.result_path)
            and os.path.isfile(job.result_path))


@bp.route("/dossiers/<sealed(kind='dossier'):job_id>/download")
@policies.policy(policies.EXPORTERS)
def download(job_id: int):
    job = _load_job(job_id)
    if not _downloadable(job):
        abort(404)
    export.record_download(job, actor=current_user)
    return send_file(job.result_path, mimetype="application/zip", as_attachment=True,
                     download_name=os.path.basename(job.result_path))


@bp.route("/dossiers/<sealed(kind='dossier'):job_id>/retry", methods=["POST"])
@policies.policy(policies.EXPORTERS)
def retry(job_id: int):
    job = _load_job(job_id)
    if not StartForm().validate_on_submit():
        abort(400)
    try:
        jobs.retry(job, actor=current_user)
    except jobs.JobFailed as err:
        flash(label(str(err)), "error")
    else:
        flash(_("The export was started again."), "success")
    return redirect(url_for("dossiers.show", job_id=job.id)), 303
