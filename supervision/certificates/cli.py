"""``flask certificates expire``: expire every certificate whose validity has ended (what the
periodic task ``certificate_expiry`` does), from cron or by hand."""
from __future__ import annotations

import click

from supervision.core import uow

certificates_cli = click.Group("certificates", help="Certificates of certification bodies.")


@certificates_cli.command("expire", help="Expire every certificate whose validity has ended.")
@uow.command
def expire() -> None:
    from supervision.certificates.services import expire_due

    done = expire_due()
    click.echo(f"{len(done)} certificates expired")
