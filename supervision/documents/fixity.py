"""Fixity of the document store: nothing altered unnoticed.

A download re-hashes the bytes it serves; when they no longer match the recorded SHA-256 (or the
file is gone) it refuses, and ``report_damage`` writes an audit event, a security-log line and an
e-mail to every administrator.  ``check_store`` re-hashes the whole store (``flask documents
fixity``, and the periodic task every ``FIXITY_CHECK_HOURS``) and reports the same way."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from supervision.accounts.models import Role, User, UserRole
from supervision.audit.services import record
from supervision.core import uow
from supervision.core.security_log import security_event
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.extensions import db
from workflows.base import N_

DAMAGED_MESSAGE = N_("This file is damaged in the store and is not served. The administrators "
                     "have been alerted; the document can be restored from a backup.")


def _alert_administrators(subject_msgid: str, body_msgid: str, **params) -> None:
    from supervision.notifications.services import queue_email, recipient_locale

    admins = db.session.execute(
        db.select(User).join(UserRole).where(UserRole.role == Role.ADMIN.value, User.active)).scalars()
    for admin in admins:
        with force_locale(recipient_locale(admin)):
            queue_email(to_address=admin.email, subject=_(subject_msgid), body=_(body_msgid, **params))


def report_damage(doc: Document, *, found: str | None) -> None:
    """A download found ``doc``'s bytes changed (``found``: their hash now) or missing (None)."""
    security_event("stored file damaged", document_id=doc.id, sha256=doc.sha256, found=found)
    # The request answers with an error and rolls back: the event and the alert commit now.
    with uow.unit_of_work():
        record("document.damaged", case=doc.case, object_type="document", object_id=doc.id,
               details={"sha256": doc.sha256, "found": found or "missing"})
        _alert_administrators(N_("A stored document is damaged"),
                              N_("Document %(id)s (%(name)s) no longer matches its recorded hash "
                                 "%(sha)s and was refused to a user. Restore it from a backup and run "
                                 "`flask documents fixity`."),
                              id=doc.id, name=doc.filename, sha=doc.sha256)


def check_store() -> tuple[list[str], list[str]]:
    """Re-hash every stored document; record the result (one audit event) and alert the
    administrators when anything changed or is missing.  Returns (changed, missing)."""
    digests = db.session.execute(db.select(Document.sha256).distinct().order_by(Document.sha256)).scalars()
    changed, missing = storage.check(list(digests))
    record("document.fixity_check", details={"changed": changed, "missing": missing})
    if changed or missing:
        security_event("document store fixity failed", changed=changed, missing=missing)
        _alert_administrators(N_("The document store failed its fixity check"),
                              N_("Changed: %(changed)s. Missing: %(missing)s. Restore them from a backup."),
                              changed=", ".join(changed) or "-", missing=", ".join(missing) or "-")
    return changed, missing


documents_cli = AppGroup("documents", help="The document store.")


@documents_cli.command("fixity")
@uow.command
def fixity_command() -> None:
    """Re-hash every stored file; list changed and missing ones; exit 1 if there are any."""
    changed, missing = check_store()
    for digest in changed:
        click.echo(f"CHANGED {digest}")
    for digest in missing:
        click.echo(f"MISSING {digest}")
    if changed or missing:
        uow.commit()  # the record and the alerts stand although the command fails
        raise SystemExit(1)
    click.echo("All stored files match their hashes.")


def _periodic() -> None:
    check_store()


def init_app(app: Flask) -> None:
    from supervision.jobs import periodic

    app.cli.add_command(documents_cli)
    periodic.register(periodic.PeriodicTask(
        "fixity", _periodic, lambda a: float(a.config.get("FIXITY_CHECK_HOURS") or 0) * 3600))
