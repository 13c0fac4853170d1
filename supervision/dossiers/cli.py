"""``flask audit checkpoint``: sign the audit log's current tree head (run it periodically)."""
from __future__ import annotations

import sys

import click

from supervision.core import uow
from supervision.dossiers.checkpoints import CheckpointRefused, make_checkpoint


@click.command("checkpoint", help="Sign a checkpoint of the audit log (tree size and root).")
@uow.command
def checkpoint() -> None:
    try:
        cp, _tree = make_checkpoint()
    except CheckpointRefused as err:
        click.echo(f"checkpoint refused: {err}", err=True)
        sys.exit(1)  # nothing signed: the command's unit of work rolls back
    click.echo(f"checkpoint {cp.id}: tree size {cp.tree_size}, root {cp.root_hash}")
