"""``flask demo load``: idempotent demo data made through the real services."""
from __future__ import annotations

import click

from supervision.core import uow

demo_cli = click.Group("demo", help="Demo data.")


@demo_cli.command("load")
@uow.command
def load() -> None:
    from supervision.demo.data import PASSWORD, load_demo

    created = load_demo()
    click.echo("Demo data " + ("loaded." if created else "already present; nothing changed."))
    click.echo(f"Demo logins (password for all: {PASSWORD}):")
    from supervision.demo.data import LOGINS

    for email, what in LOGINS:
        click.echo(f"  {email:28} {what}")
