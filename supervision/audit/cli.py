"""``flask audit verify``: exit 0 with the number of events verified when the log is intact;
exit 1 naming the first event that was altered, deleted or reordered."""
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
    """Re-check every event's hash and both chains (global and per case)."""
    started = time.perf_counter()
    result = verify_database()
    elapsed = time.perf_counter() - started
    rate = f"{result.verified / elapsed:,.0f} events/s" if elapsed > 0 and result.verified else "-"
    if result.ok:
        click.echo(f"audit log intact: {result.verified} events verified in {elapsed:.2f}s ({rate})")
        if result.head:
            click.echo(f"head hash: {result.head}")
        _verify_ledgers()
        return
    click.echo(f"audit log NOT intact: event {result.first_bad}: {result.problem} "
               f"({result.verified} events before it verified)", err=True)
    sys.exit(1)


def _verify_ledgers() -> None:
    """Ledgers kept beside the log whose submissions the log hashes (e.g. unit events):
    ``app.extensions["audit.ledgers"]`` maps a name to a check returning (ok, lines)."""
    from flask import current_app

    failed = False
    for name, check in current_app.extensions.get("audit.ledgers", {}).items():
        ok, lines = check()
        for line in lines:
            click.echo(f"{name}: {line}", err=not ok)
        failed = failed or not ok
    if failed:
        sys.exit(1)
