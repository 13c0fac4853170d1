"""``flask api demo-token``: a fresh every-scope token for the demo's firm A (``make run``)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from supervision.accounts.models import User
from supervision.api import tokens
from supervision.core import uow
from supervision.extensions import db

api_cli = AppGroup("api", help="The firms' API.")
DEMO_FIRM_USER = "applicant@example.com"  # the demo's applicant of firm A


@api_cli.command("demo-token")
@click.option("--email", default=DEMO_FIRM_USER, show_default=True,
              help="An applicant of the firm that gets the token.")
@uow.command
def demo_token(email: str) -> None:
    """Revoke the previous demo token and print a new one holding every scope."""
    user = db.session.execute(db.select(User).where(User.email == email)).scalar()
    if user is None or not user.organisation.is_firm:
        raise click.ClickException(f"no firm user {email} (load the demo first: flask demo load)")
    secret = tokens.issue_demo_token(user.organisation)
    uow.after_commit(lambda: click.echo(f"API token (firm A): {secret}"))  # only once it exists
