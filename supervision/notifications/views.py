"""The inbox of every signed-in user, and the administrators' page of e-mails that did not go out."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.core.errors import Conflict
from supervision.core.urls import MAX_ID
from supervision.extensions import db
from supervision.notifications import services
from supervision.notifications.models import OUTBOX_STATUS_LABELS, OutboxMessage, OutboxStatus

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def inbox_unread_count() -> int:
    """The header's badge: one indexed COUNT per page, none for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "inbox_unread" not in g:
        g.inbox_unread = services.unread_count(current_user)
    return g.inbox_unread


@bp.route("/inbox")
@policies.policy(policies.SIGNED_IN)
def inbox():
    items, page, pages = services.inbox_page(current_user, request.args.get("page", 1, type=int))
    rows = [(item, services.fill(item.subject, item.text_params()), services.fill(item.body, item.text_params()))
            for item in items]
    return render_template("notifications/inbox.html", rows=rows, page=page, pages=pages)


@bp.route("/inbox/<int:item_id>/read", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
def mark_read(item_id: int):
    item = services.own_item(current_user, item_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        abort(404)  # someone else's row is not disclosed
    services.mark_read(item, user=current_user)
    return redirect(url_for("notifications.inbox", page=request.form.get("page", 1, type=int))), 303


@bp.route("/inbox/read-all", methods=["POST"])
@policies.policy(policies.SELF_SERVICE)
def mark_all_read():
    services.mark_all_read(user=current_user)
    return redirect(url_for("notifications.inbox")), 303


@bp.route("/admin/outbox")
@policies.policy(policies.ADMINS)
def outbox():
    return render_template("notifications/outbox.html", messages=services.needing_attention(),
                           counts=services.outbox_counts(), status_labels=OUTBOX_STATUS_LABELS,
                           stuck_before=services.stuck_before(), SENDING=OutboxStatus.SENDING.value)


def _load_message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id) if 0 < message_id <= MAX_ID else None
    if message is None:
        abort(404)
    return message


def _outbox_action(message_id: int, act, done: str):
    """Resend or drop one stuck or failed e-mail; a sender that finished meanwhile wins."""
    message = _load_message(message_id)
    try:
        act(message, actor=current_user)
    except Conflict:
        flash(_("This e-mail is no longer stuck or failed; nothing was changed."), "error")
    else:
        flash(done % {"to": message.to_address}, "success")
    return redirect(url_for("notifications.outbox")), 303


@bp.route("/admin/outbox/<int:message_id>/resend", methods=["POST"])
@policies.policy(policies.ADMINS)
def resend(message_id: int):
    return _outbox_action(message_id, services.resend, _("The e-mail to %(to)s is queued again."))


@bp.route("/admin/outbox/<int:message_id>/drop", methods=["POST"])
@policies.policy(policies.ADMINS)
def drop(message_id: int):
    return _outbox_action(message_id, services.drop, _("The e-mail to %(to)s was dropped."))
