"""``flask experts replay-draw ID | --all``: re-run recorded draws from their records and say
whether each gives the stored result (exit status 1 on any mismatch)."""
from __future__ import annotations

import sys

import click

from supervision.core import uow
from supervision.experts import services
from supervision.experts.models import ExpertDraw
from supervision.extensions import db

experts_cli = click.Group("experts", help="The expert pool.")


@experts_cli.command("replay-draw", help="Re-run a recorded draw (or --all) and check its result.")
@click.argument("draw_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Check every recorded draw.")
@uow.command
def replay_draw(draw_id: int | None, every: bool) -> None:
    if every == (draw_id is not None):
        raise click.UsageError("give a draw ID or --all")
    if every:
        rows = list(db.session.execute(db.select(ExpertDraw).order_by(ExpertDraw.id)).scalars())
    else:
        row = db.session.get(ExpertDraw, draw_id)
        if row is None:
            click.echo(f"draw {draw_id}: not found", err=True)
            sys.exit(2)
        rows = [row]
    bad = 0
    for row in rows:
        ok = services.replay(row)
        bad += not ok
        click.echo(f"draw {row.id} (case {row.case_id}, {row.algorithm}, seed {row.seed}): "
                   f"{'match' if ok else 'MISMATCH'} {row.result}")
    if every:
        click.echo(f"{len(rows)} draws checked, {bad} mismatched")
    if bad:
        sys.exit(1)
