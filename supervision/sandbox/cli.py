"""``flask sandbox …``: seal the position ledger, check its seals, purge positions past their
retention period, mirror the fences in PostGIS.  Each command is one unit of work."""
from __future__ import annotations

import click
from flask import Flask

from supervision.core import uow
from supervision.extensions import db
from supervision.geo import postgis
from supervision.sandbox import fences
from supervision.sandbox.models import PositionSeal

sandbox_cli = click.Group("sandbox", help="Sandbox tests: the position ledger.")


@sandbox_cli.command("seal", help="Seal every position not sealed yet (one audit event with the hash).")
@uow.command
def seal_command() -> None:
    s = fences.seal()
    click.echo(f"sealed {s.count} positions ({s.sha256})" if s else "nothing to seal")


@sandbox_cli.command("verify-seals", help="Re-hash the positions of every seal; exit 1 on a mismatch.")
@uow.command
def verify_command() -> None:
    bad = [s.id for s in db.session.execute(db.select(PositionSeal).order_by(PositionSeal.id)).scalars()
           if not fences.verify_seal(s)]
    click.echo(f"{len(bad)} seals do not match: {bad}" if bad else "every seal matches its positions")
    if bad:
        raise SystemExit(1)


@sandbox_cli.command("purge-positions", help="Delete sealed positions older than SANDBOX_POSITION_RETENTION_DAYS.")
@uow.command
def purge_command() -> None:
    click.echo(f"{fences.purge()} positions deleted")


def seal_every(app: Flask) -> float:
    """The periodic seal's interval (off under tests, which seal by hand)."""
    return 0.0 if app.testing else float(app.config["SANDBOX"]["seal_seconds"])


def periodic_seal() -> None:
    with uow.unit_of_work():
        fences.seal()


def install(state) -> None:
    """Blueprint hook: the periodic seal (the embedded job runner calls it every interval)."""
    from supervision.jobs import periodic

    periodic.register(periodic.PeriodicTask("sandbox-seal", periodic_seal, seal_every))


@sandbox_cli.command("enable-postgis",
                     help="Mirror areas and zones as PostGIS geometries (GiST-indexed) for FENCE_ENGINE=postgis.")
@uow.command
def enable_postgis_command() -> None:
    try:
        postgis.enable(db.session.connection(), fences.POSTGIS_TABLES)
    except postgis.PostgisUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("PostGIS geometries ready: set FENCE_ENGINE=postgis to check positions in the database")
