"""``flask audit verify``: exit 0 with the count when intact, 1 naming the first bad event."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from supervision.audit.verify import verify_database

audit_cli = click.Group("audit", help="The audit trail.")


@audit_cli.command("verify")
@with_appcontext
def verify() -> None:
    started = time.perf_counter()
    result = verify_database()
    elapsed = time.perf_counter() - started
    if result.ok:
        click.echo(f"audit log intact: {result.verified} events verified in {elapsed:.2f}s")
        return
    click.echo(f"audit log NOT intact: event {result.first_bad}: {result.problem} "
               f"({result.verified} events before it verified)", err=True)
    sys.exit(1)
