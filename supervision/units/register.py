"""Recalls on the public register (DOMAIN §10; issue 11): the ``recalls`` section
(``/register/recalls``, ``/register.json?section=recalls``, ``/register/recalls.csv``) and one
announcement per recall in the register's Atom feed.  Public facts only: the model, its
manufacturer, the reason and measures the recall states and how many units it covers and how
many are still outstanding — never holders, owners or locations."""
from __future__ import annotations

from typing import Any, Mapping

from flask import url_for
from flask_babel import gettext as _

from supervision.accounts.models import Organisation
from supervision.cases.queries import Listing, paged_listing
from supervision.cases.types import RegisterArgsError, RegisterSection
from supervision.core.i18n import label, pick
from supervision.core.timeutil import to_local
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units.models import Unit, UnitRecall
from workflows.base import N_

PAGE_SIZE = 50
COLUMNS = (("reported_on", N_("Reported on")), ("model", N_("Robot model")), ("manufacturer", N_("Manufacturer")),
           ("kind", N_("Recall")), ("scope", N_("Scope")), ("reason", N_("Reason")), ("measures", N_("Measures")),
           ("units_recalled", N_("Units recalled")), ("units_outstanding", N_("Still outstanding")))
SCOPES = {"model": N_("Every unit of the model"), "batch": N_("One batch")}
KINDS = {"voluntary": N_("Voluntary, by the manufacturer"), "ordered": N_("Ordered by the regulator")}


def _query(args: Mapping[str, str]):
    q = (args.get("q") or "").strip()
    if len(q) > 100:
        raise RegisterArgsError(label(N_("The search text is too long.")))
    outstanding = (db.select(db.func.count(Unit.id)).where(Unit.recall_id == UnitRecall.id, Unit.state == "recalled")
                   .correlate(UnitRecall).scalar_subquery())
    stmt = (db.select(UnitRecall, RobotModel.name, Organisation, outstanding.label("outstanding"))
            .join(RobotModel, RobotModel.id == UnitRecall.model_id)
            .join(Organisation, Organisation.id == UnitRecall.firm_id))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(RobotModel.name.ilike(like) | Organisation.name_zh.ilike(like)
                          | Organisation.name_en.ilike(like) | Organisation.credit_code.ilike(like))
    return stmt


def _row(recall: UnitRecall, model: str, firm: Organisation, outstanding: int) -> dict[str, Any]:
    return {"reported_on": to_local(recall.created_at).date().isoformat(), "model": model,
            "manufacturer": {"name_zh": firm.name_zh, "name_en": firm.name_en, "credit_code": firm.credit_code},
            "kind": "ordered" if recall.order_case_id else "voluntary", "scope": "batch" if recall.batch_id else "model", "reason": recall.reason, "measures": recall.measures,
            "units_recalled": recall.units_recalled, "units_outstanding": outstanding}


def listing(args: Mapping[str, str], page: int) -> Listing:
    return paged_listing(_query(args), page, order_by=UnitRecall.id.desc(), row=lambda r: _row(*r),
                         page_size=PAGE_SIZE)


def _shown(key: str, value: Any) -> str:
    if key == "manufacturer":
        return pick(value["name_zh"], value["name_en"])
    if key == "scope":
        return label(SCOPES[value])
    if key == "kind":
        return label(KINDS[value])
    return str(value)


SECTION = RegisterSection("recalls", N_("Recalls"), listing, columns=COLUMNS, link_args=("q",), display=_shown)


def announcements(limit: int) -> list:
    """The newest recalls as announcements of the register's feed, newest first."""
    from supervision.public.feed import Announcement

    rows = db.session.execute(_query({}).order_by(UnitRecall.id.desc()).limit(limit)).all()
    return [Announcement(key=f"unit-recall/{recall.id}", category="recall",
                         title=_("Recall: %(model)s", model=model),
                         summary=" · ".join((pick(firm.name_zh, firm.name_en), firm.credit_code or "", recall.reason)),
                         path=url_for("register_sections.section_page", name="recalls", q=model),
                         published=recall.created_at)
            for recall, model, firm, _outstanding in rows]
