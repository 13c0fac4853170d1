"""Read-side queries of certificates: the pages' lists (scoped to who asks) and the public
register's section (public facts only).  Each list is one count and one page query, with the
model, the firm and the body joined in."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.orm import aliased

from supervision.accounts.models import Organisation
from supervision.cases.queries import Listing
from supervision.cases.types import RegisterArgsError
from supervision.certificates.access import CERTIFIER, READER_ROLES
from supervision.certificates.models import Certificate
from supervision.extensions import db
from supervision.registry.models import RobotModel
from workflows.base import N_
from workflows.certificate import CERTIFICATE, PUBLIC

PAGE_SIZE = 50
PUBLIC_STATES = CERTIFICATE.tagged(PUBLIC)
Firm = aliased(Organisation, name="firm")
Body = aliased(Organisation, name="body")


def _base():
    return (db.select(Certificate, RobotModel, Firm, Body)
            .join(RobotModel, RobotModel.id == Certificate.model_id)
            .join(Firm, Firm.id == RobotModel.firm_id)
            .join(Body, Body.id == Certificate.body_id))


def _searched(stmt, text: str | None, state: str | None):
    text = (text or "").strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Certificate.number.ilike(like), RobotModel.name.ilike(like),
                              Firm.name_zh.ilike(like), Firm.name_en.ilike(like), Firm.credit_code.ilike(like),
                              Body.name_zh.ilike(like), Body.name_en.ilike(like)))
    if state:
        stmt = stmt.where(Certificate.state == state)
    return stmt


def _page(stmt, page: int, page_size: int = PAGE_SIZE) -> Listing:
    total = db.session.execute(db.select(func.count()).select_from(stmt.order_by(None).subquery())).scalar()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.order_by(Certificate.id.desc()).limit(page_size)
                              .offset((page - 1) * page_size)).all()
    return Listing(rows=list(rows), total=total, page=page, pages=pages, page_size=page_size)


def visible_to(user, *, text: str | None = None, state: str | None = None, page: int = 1) -> Listing:
    """The certificates ``user`` may list: a certifier their body's, regulators and auditors
    every one, a firm's applicants their models'."""
    stmt = _searched(_base(), text, state)
    if user.roles & READER_ROLES:
        pass
    elif CERTIFIER in user.roles:
        stmt = stmt.where(Certificate.body_id == user.organisation_id)
    else:
        stmt = stmt.where(RobotModel.firm_id == user.organisation_id)
    return _page(stmt, page)


# -- the public register's section ------------------------------------------------------------

COLUMNS = (("number", N_("Certificate number")), ("body", N_("Certification body")),
           ("model", N_("Robot model")), ("firm", N_("Firm")), ("standards", N_("Standards covered")),
           ("valid_from", N_("Valid from")), ("valid_until", N_("Valid until")), ("status", N_("Status")))


def public_row(cert: Certificate, model: RobotModel, firm: Organisation, body: Organisation) -> dict[str, Any]:
    """What the register says about a certificate: public facts, never reasons or people."""
    return {"number": cert.number, "body": {"name_zh": body.name_zh, "name_en": body.name_en},
            "model": model.name,
            "firm": {"name_zh": firm.name_zh, "name_en": firm.name_en, "credit_code": firm.credit_code},
            "standards": cert.standards, "scope": cert.scope, "valid_from": cert.valid_from.isoformat(),
            "valid_until": cert.valid_until.isoformat(), "status": cert.state,
            "status_since": cert.state_since.isoformat()}


def public_listing(args: Mapping[str, str], page: int) -> Listing:
    """``/register.json?section=certificates&q=&status=``: certificates on the register."""
    text = (args.get("q") or "").strip()
    status = (args.get("status") or "").strip()
    if len(text) > 100:
        raise RegisterArgsError(_("The search text is too long."))
    if status and status not in PUBLIC_STATES:
        raise RegisterArgsError(_("Unknown status."))
    stmt = _searched(_base().where(Certificate.state.in_(PUBLIC_STATES)), text, status or None)
    found = _page(stmt, page)
    return Listing(rows=[public_row(*row) for row in found.rows], total=found.total, page=found.page,
                   pages=found.pages, page_size=found.page_size)
