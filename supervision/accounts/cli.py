"""``flask accounts create-admin``: the first administrator of a new installation.

Creates the lead department too when no department exists yet (a production database starts
empty: the migrations create no accounts and no demo data).  Runs through the same services as
the admin pages, so the administrator's creation is in the audit trail; one unit of work, so a
refused administrator leaves no department behind.
"""
from __future__ import annotations

import click

from supervision.accounts import services
from supervision.accounts.models import OrgKind, Organisation
from supervision.core import uow
from supervision.extensions import db

accounts_cli = click.Group("accounts", help="Manage accounts.")


@accounts_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administrator")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--department-zh", default="杭州市经济和信息化局")
@click.option("--department-en", default="Hangzhou Bureau of Economy and Information Technology")
@uow.command
def create_admin(email: str, name: str, password: str, department_zh: str, department_en: str) -> None:
    """Create an administrator (and the lead department, if no department exists yet)."""
    dept = db.session.execute(
        db.select(Organisation).filter_by(kind=OrgKind.DEPARTMENT.value).order_by(Organisation.id)
    ).scalars().first()
    try:
        if dept is None:
            dept = services.create_organisation(kind="department", name_zh=department_zh,
                                                name_en=department_en)
        user = services.create_user(email=email, name=name, password=password, organisation=dept,
                                    roles=["admin"])
    except services.AccountError as err:  # the command's unit of work rolls back the department
        raise click.ClickException(err.message % err.params if err.params else err.message) from None
    click.echo(f"Administrator {user.email} created in {dept.name_zh}.")
