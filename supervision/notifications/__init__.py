"""Notifications: the case engine's events become inbox rows (read in the app, in the reader's
language) and e-mails (written to an outbox in the same transaction, sent after the commit).

The engine calls ``services.emit(Event(...), rules)`` with its case type's ``Rule`` table
(``rules.py``); audiences are resolved by ``audiences.AUDIENCES``; ``sending.send_due`` sends.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_nav
    from supervision.jobs import periodic
    from supervision.notifications import sending
    from supervision.notifications.cli import mail_cli
    from supervision.notifications.views import bp
    from workflows.base import N_

    app.register_blueprint(bp)
    periodic.register(periodic.PeriodicTask(sending.TASK_NAME, sending.periodic, sending.interval_seconds))
    add_nav(app, NavItem("notifications.outbox", N_("Mail outbox"), frozenset({"admin"})))
    app.cli.add_command(mail_cli)
