"""Locations are kept for ``UNIT_LOCATION_RETENTION_DAYS`` only (personal tracking information
once a unit is sold or in service).  ``purge`` deletes older ones (one audit event); the ledger
keeps each location's salted digest, so it still verifies.  ``flask units purge-locations``
runs it (daily from cron or a systemd timer)."""
from __future__ import annotations

import datetime as dt

import click
from flask import current_app

from supervision.audit.services import record as audit
from supervision.core import uow
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units.models import UnitEventLocation


def purge(now: dt.datetime | None = None) -> int:
    days = current_app.config["UNIT_LOCATION_RETENTION_DAYS"]
    before = (now or utcnow()) - dt.timedelta(days=days)
    count = db.session.execute(db.delete(UnitEventLocation).where(UnitEventLocation.created_at < before)).rowcount
    if count:
        audit("units.locations_purged", actor=None, actor_email="system", object_type="unit_location",
              details={"count": count, "before": before.isoformat(), "retention_days": days})
    return count


units_cli = click.Group("units", help="Robot units.")


@units_cli.command("purge-locations")
@uow.command
def purge_locations() -> None:
    """Delete event locations older than the retention period."""
    click.echo(f"{purge()} locations deleted")
