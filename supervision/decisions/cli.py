"""``flask decisions init-keys``: the development CA and one signing key per department."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from supervision.accounts.models import Organisation
from supervision.extensions import db

decisions_cli = click.Group("decisions", help="Signed decisions.")


@decisions_cli.command("init-keys")
@with_appcontext
def init_keys() -> None:
    """Create the development CA and the missing department keys (existing ones are kept)."""
    from supervision.decisions import signing

    signing.ensure_dev_ca()
    signing.stamp_font_path()
    departments = db.session.execute(
        db.select(Organisation).filter_by(kind="department").order_by(Organisation.id)).scalars().all()
    created = [d for d in departments if signing.ensure_dev_department_key(d)]
    click.echo(f"signing keys in {signing.key_dir()}: {len(created)} created, "
               f"{len(departments) - len(created)} kept; CA {signing.ca_cert_path()}")
