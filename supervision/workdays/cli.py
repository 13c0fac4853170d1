"""``flask calendar``: inspect the working-day calendar."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from supervision.workdays.services import current_calendar

calendar_cli = click.Group("calendar", help="The working-day calendar.")


@calendar_cli.command("deadline")
@click.argument("start")
@click.argument("days", type=int)
@with_appcontext
def deadline(start: str, days: int) -> None:
    """The DAYS-th working day after START (YYYY-MM-DD)."""
    d = current_calendar().add_working_days(dt.date.fromisoformat(start), days)
    click.echo(f"{d.due.isoformat()}{' (estimated calendar)' if d.estimated else ''}")
