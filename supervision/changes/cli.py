"""``flask changes deem-renewals``: under licence, renewals not decided before the registration
expired are deemed granted (行政许可法 Art. 50 ¶2).  Also a periodic task (``renewals``, with the
deadlines' period ``DEADLINE_CHECK_SECONDS``).  One unit of work."""
from __future__ import annotations

import click
from flask import Flask

from supervision.core import uow
from supervision.core.actors import SYSTEM

changes_cli = click.Group("changes", help="Change and renewal of registrations.")


def run_periodic() -> int:
    from supervision.changes.services import deem_overdue_renewals

    return deem_overdue_renewals(actor=SYSTEM)


def check_seconds(app: Flask) -> float:
    return max(float(app.config.get("DEADLINE_CHECK_SECONDS") or 0), 0.0)


@changes_cli.command("deem-renewals", help="Deem granted the renewals (under licence) not decided before expiry.")
@uow.command
def deem_command() -> None:
    click.echo(f"{run_periodic()} renewals deemed granted")


def install(state) -> None:
    from supervision.jobs import periodic

    periodic.register(periodic.PeriodicTask("renewals", run_periodic, check_seconds))
