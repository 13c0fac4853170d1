"""A case's documents: list and upload; download (always as an attachment, checked, audited)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.documents import storage
from supervision.documents.forms import UploadForm
from supervision.documents.models import CLASSIFICATION_LABELS, Document
from supervision.documents import fixity
from supervision.documents.services import (UploadRejected, add_case_document, human_size,
                                            record_download, upload_limit)
from supervision.extensions import db

bp = Blueprint("documents", __name__)


@bp.route("/cases/<int:case_id>/documents", methods=["GET", "POST"])
@policies.policy(policies.CASE_WORKERS)
def upload(case_id: int):
    case = load_case(case_id)  # 404 / 403 for cases the user may not see
    can_upload = policies.can_act_on_case(current_user, case)
    form = UploadForm()
    status = 200
    if form.is_submitted():
        policies.authorize(can_upload, case)
        if form.validate():
            # Read one byte past the limit: enough to tell an oversize file, never more.
            data = form.file.data.read(upload_limit() + 1)
            try:
                add_case_document(case, data=data, filename=form.file.data.filename or "",
                                  classification=form.classification.data, actor=current_user)
            except UploadRejected as err:  # nothing was stored
                form.file.errors = [*form.file.errors, err.user_message()]
                status = err.status
            else:
                flash(_("The document was uploaded."), "success")
                return redirect(url_for("documents.upload", case_id=case.id)), 303
        else:
            status = 422
    docs = db.session.execute(db.select(Document).where(Document.case_id == case.id)
                              .options(selectinload(Document.uploaded_by))
                              .order_by(Document.id)).scalars().all()
    docs = [d for d in docs if policies.can_view_document(current_user, d)]
    return render_template("documents/upload.html", case=case, form=form, docs=docs,
                           can_upload=can_upload, labels=CLASSIFICATION_LABELS,
                           human_size=human_size, limit=human_size(upload_limit())), status


@bp.route("/documents/<sealed(kind='document'):doc_id>")
@policies.policy(policies.SIGNED_IN)
def download(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None:
        abort(404)
    policies.authorize(policies.can_view_document(current_user, doc), doc)
    return attachment(doc)


def attachment(doc: Document):
    """The document's bytes as a download (audited); 404 when the store lost them.  Callers
    have checked that the user may read it."""
    try:
        # Uploads are capped (MAX_UPLOAD_BYTES), so reading them whole is fine and leaves no
        # open file behind a response that a client abandons.
        data = storage.read_verified(doc.sha256)
    except FileNotFoundError:
        current_app.logger.error("document %s missing from the store", doc.id)
        fixity.report_damage(doc, found=None)
        return render_template("error.html", code=503, message=_(fixity.DAMAGED_MESSAGE)), 503
    except storage.Damaged as err:
        fixity.report_damage(doc, found=err.found)
        return render_template("error.html", code=503, message=_(fixity.DAMAGED_MESSAGE)), 503
    record_download(doc, actor=current_user)
    # send_file writes ``filename=`` (ASCII) and ``filename*=UTF-8''…`` for non-ASCII names.
    resp = send_file(io.BytesIO(data), mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.filename, max_age=0, etag=False, conditional=False)
    resp.headers["Cache-Control"] = "private, no-store"
    # A stored file is the firm's content, never the platform's: even opened in place it runs
    # no script and reaches nothing (CSP sandbox).
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return resp
