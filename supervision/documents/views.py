"""Upload to a case and download (always as an attachment, always checked and audited)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import quote_header_value

from supervision import policies
from supervision.cases.views import load_case
from supervision.documents import storage
from supervision.documents.forms import UploadForm
from supervision.documents.models import Document
from supervision.documents.services import UploadRejected, add_document, record_download
from supervision.extensions import db

bp = Blueprint("documents", __name__)


@bp.route("/cases/<int:case_id>/documents", methods=["GET", "POST"])
@policies.policy(policies.CASE_WORKERS)
def upload(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_act_on_case(current_user, case), case)
    form = UploadForm()
    docs = db.session.execute(db.select(Document).where(Document.case_id == case.id)
                              .order_by(Document.id)).scalars().all()
    docs = [d for d in docs if policies.can_view_document(current_user, d)]
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
        try:
            add_document(data=data, filename=form.file.data.filename,
                         classification=form.classification.data, actor=current_user, case=case,
                         firm_id=case.firm_id if current_user.organisation_id == case.firm_id else None)
        except UploadRejected as err:
            db.session.rollback()
            form.file.errors.append(_(err.message, mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)))
            status = 422
        else:
            flash(_("The document was uploaded."), "success")
            return redirect(url_for("documents.upload", case_id=case.id)), 303
    elif form.errors:
        status = 422
    return render_template("documents/upload.html", case=case, form=form, docs=docs), status


@bp.route("/documents/<int:doc_id>")
@policies.policy(policies.SIGNED_IN)
def download(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None:
        abort(404)
    policies.authorize(policies.can_view_document(current_user, doc), doc)
    try:
        data = storage.read(doc.sha256)
    except FileNotFoundError:
        current_app.logger.error("document %s missing from the store", doc.id)
        abort(404)
    record_download(doc, actor=current_user)
    resp = Response(data, mimetype=doc.content_type)
    ascii_name = doc.filename.encode("ascii", "replace").decode().replace("?", "_")
    from urllib.parse import quote

    resp.headers["Content-Disposition"] = (
        f"attachment; filename={quote_header_value(ascii_name)}; filename*=UTF-8''{quote(doc.filename)}")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
