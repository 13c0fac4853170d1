"""``flask backup PATH``, ``flask restore PATH`` and ``flask audit accept-restore``.

The passphrase comes from the environment variable ``BACKUP_PASSPHRASE`` or is asked for (never a
command-line argument, which other users of the machine could read)."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from supervision.backups import archive, crypto, witness
from supervision.core import uow


def _passphrase(confirm: bool) -> str:
    value = current_app.config.get("BACKUP_PASSPHRASE")
    if value:
        return value
    return click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write an encrypted backup (database, stored files, keys) to PATH."""
    manifest = archive.create(path, _passphrase(confirm=True))
    click.echo(f"backup written to {path}: {manifest['database']} database at revision "
               f"{manifest['revision']}, {manifest['audit_events']} audit events, "
               f"{len(manifest['files'])} stored files, {len(manifest['keys'])} key files")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--database-url", help="Restore into this database (default: the app's).")
@click.option("--document-store", help="Restore the stored files here (default: the app's).")
@click.option("--key-dir", help="Restore the keys here (default: the app's).")
@click.option("--force", is_flag=True, help="Overwrite a database with tables and existing keys.")
@with_appcontext
def restore_command(path: str, database_url: str | None, document_store: str | None,
                    key_dir: str | None, force: bool) -> None:
    """Restore an encrypted backup; every stored file is checked against its hash."""
    config = current_app.config
    try:
        manifest = archive.restore(
            path, _passphrase(confirm=False),
            database_url=database_url or config["SQLALCHEMY_DATABASE_URI"],
            document_store=document_store or config["DOCUMENT_STORE"],
            key_dir=key_dir or config.get("DECISION_KEY_DIR") or os.path.join(current_app.instance_path, "keys"),
            force=force)
    except (archive.RestoreRefused, crypto.BadBackup) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"restored {manifest['audit_events']} audit events and {len(manifest['files'])} stored "
               f"files from a backup of {manifest['created_at']}; run `flask audit verify` next")


@click.command("accept-restore")
@click.option("--reason", required=True, help="Why the restored (older) log is accepted.")
@uow.command
def accept_restore_command(reason: str) -> None:
    """Accept a restore behind the published checkpoint (audited): the witness moves back."""
    from supervision.audit.services import record
    from supervision.dossiers import checkpoints

    found = witness.problem()
    if not found:
        click.echo("the audit log is not behind its published checkpoint; nothing to accept")
        return
    newest = checkpoints.latest()
    record("audit.restore_accepted", details={"reason": reason, "was": witness.published(),
                                              "now": newest.tree_size if newest else 0})
    uow.after_commit(lambda: witness.remember(newest.tree_size, newest.root_hash) if newest
                     else os.remove(current_app.config["CHECKPOINT_WITNESS_PATH"]))
    click.echo(f"accepted: {found}")
