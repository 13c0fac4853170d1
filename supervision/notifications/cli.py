"""``flask mail send``: send the e-mails that are due (for a system cron instead of the
embedded scheduler, or to flush the outbox by hand)."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("send")
@with_appcontext
def send() -> None:
    """Send the queued e-mails whose time has come (each row commits on its own)."""
    from supervision.notifications.sending import send_due

    click.echo(f"sent {send_due()}")
