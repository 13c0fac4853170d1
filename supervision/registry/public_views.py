"""The public register (no login, DOMAIN §10): registered models with tier, firm and number;
models in public notice with the objection form; suspensions and revocations; and JSON.

Both the page and the JSON are searched (number, model, firm, credit code), filtered by tier
and paged in the database; every section pages on its own (``notice_page``, ``page``,
``ended_page`` on the page; ``section`` and ``page`` in the JSON).  A page number out of range
answers with the nearest page, like the case list."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from supervision import policies
from supervision.public.caching import cacheable
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.cases.queries import Listing
from supervision.cases.types import RegisterArgsError
from supervision.core.i18n import label
from supervision.core.requestctx import client_address
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.forms import ObjectionForm, RegisterSearchForm
from supervision.registry.models import FORM_FACTORS, TIER_LABELS
from supervision.registry.presenters import (REGISTER_SECTIONS, RegisterEntry, RegisterQuery, register_entry,
                                             register_page, register_totals)

bp = Blueprint("register", __name__)

# Each section's page-number parameter and its place on the page.
PAGE_PARAMS = {"public_notice": "notice_page", "registered": "page", "suspended_or_ended": "ended_page"}
ANCHORS = {"public_notice": "in-notice", "registered": "registered", "suspended_or_ended": "ended"}


def _search(form: RegisterSearchForm) -> RegisterQuery:
    return RegisterQuery(**form.query_args())


def _search_args(query: RegisterQuery) -> dict:
    return {k: v for k, v in (("q", query.text), ("tier", query.tier)) if v}


@bp.route("/register")
@policies.policy(policies.PUBLIC)
@cacheable
def index():
    form = RegisterSearchForm(request.args)
    query = _search(form)
    totals = register_totals(query)
    sections = {name: register_page(name, query, page=request.args.get(PAGE_PARAMS[name], 1, type=int),
                                    total=totals[name]) for name in REGISTER_SECTIONS}
    pages = {PAGE_PARAMS[name]: listing.page for name, listing in sections.items() if listing.page > 1}

    def page_url(section: str, page: int) -> str:
        args = {**_search_args(query), **pages}
        args.pop(PAGE_PARAMS[section], None)
        if page > 1:
            args[PAGE_PARAMS[section]] = page
        return url_for("register.index", **args, _anchor=ANCHORS[section])

    return render_template("public/register.html", form=form, query=query, sections=sections,
                           page_url=page_url, json_url=url_for("register_sections.as_json", **_search_args(query)),
                           # translated once per page, not once per row
                           tier_names={k: label(v) for k, v in TIER_LABELS.items()},
                           form_factor_names={k: label(v) for k, v in FORM_FACTORS.items()})


def _as_dict(e: RegisterEntry) -> dict:
    return {"registration_number": e.number, "model": e.model,
            "firm": {"name_zh": e.firm_zh, "name_en": e.firm_en, "credit_code": e.credit_code},
            "tier": e.tier, "status": e.state, "form_factor": e.form_factor, "intelligence_level": e.level,
            "scenario_classes": e.scenario_classes,
            "registered_on": e.registered_on.isoformat() if e.registered_on else None,
            "valid_until": e.valid_until.isoformat() if e.valid_until else None,
            "public_notice_until": e.notice_until.isoformat() if e.notice_until else None}


def section_listing(section: str):
    """The JSON listing of one of registration's register sections (``cases.types.RegisterSection``):
    searched by ``q``, filtered by ``tier``, paged like the page."""

    def listing(args, page: int):
        form = RegisterSearchForm(args)
        query = _search(form)
        errors = [str(e) for field in (form.q, form.tier) for e in field.errors]
        if errors:
            raise RegisterArgsError(" ".join(errors))
        found = register_page(section, query, page=page, total=register_totals(query)[section])
        return Listing(rows=[_as_dict(e) for e in found.rows], total=found.total, page=found.page,
                       pages=found.pages, page_size=found.page_size)

    return listing


def _notice_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or case.case_type != "registration" or case.state != "public_notice":
        abort(404)
    return case


@bp.route("/register/notice/<int:case_id>", methods=["GET", "POST"])
@policies.policy(policies.PUBLIC)
def notice(case_id: int):
    case = _notice_case(case_id)
    entry = register_entry(case.id, "public_notice")
    if entry is None:
        abort(404)
    form = ObjectionForm()
    status = 200
    if form.validate_on_submit():
        try:
            objection = services.file_objection(case, text_=form.text.data, objector=form.objector.data,
                                                contact=form.contact.data, client_address=client_address())
        except services.RateLimited as err:
            form.text.errors = list(form.text.errors) + [_(err.message, **err.params)]
            status = 429
        except (services.RegistryError, cases.TransitionRefused, cases.InvalidTrigger):
            # Refused before anything was written: the redirect commits nothing.  (A concurrent
            # change found at the flush, ``Conflict``, is not caught: it answers 409 and rolls back.)
            flash(_("This model is no longer in public notice."), "error")
            return redirect(url_for("register.index")), 303
        else:
            flash(_("Your objection was received under reference %(ref)s. The regulator will answer it "
                    "before deciding.", ref=objection.reference), "success")
            return redirect(url_for("register.index")), 303
    elif form.errors:
        status = 422
    return render_template("public/register_notice.html", entry=entry, form=form, tiers=TIER_LABELS,
                           form_factors=FORM_FACTORS), status
