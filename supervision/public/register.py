"""The public register's sections, whatever case type contributes them (DOMAIN §10):
``/register.json?section=NAME`` (paged JSON with next/previous links) and ``/register/NAME``
(the same page as an HTML table).  Case types declare their sections on ``CaseType``."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from supervision import policies
from supervision.cases import types
from supervision.cases.types import RegisterArgsError, RegisterSection

bp = Blueprint("register_sections", __name__)
DEFAULT_SECTION = "registered"


def sections() -> dict[str, RegisterSection]:
    return {s.name: s for s in types.all_of("register_sections")}


def _page_arg() -> int:
    return request.args.get("page", 1, type=int)


@bp.app_template_global()
def register_sections() -> list[RegisterSection]:
    return list(sections().values())


@bp.route("/register.json")
@policies.policy(policies.PUBLIC)
def as_json():
    """One page of one section, with the section's own query parameters and links to the next
    and previous pages.  A parameter it cannot use is refused with 400 and the reason."""
    found = sections()
    name = request.args.get("section") or (DEFAULT_SECTION if DEFAULT_SECTION in found else "")
    section = found.get(name)
    if section is None:
        return jsonify(error=_("Unknown section; use one of: %(names)s.", names=", ".join(found)),
                       status=400), 400
    try:
        listing = section.listing(request.args, _page_arg())
    except RegisterArgsError as err:
        return jsonify(error=str(err), status=400), 400
    kept = {k: request.args[k] for k in section.link_args if request.args.get(k)}

    def link(page: int) -> str | None:
        if not 1 <= page <= listing.pages or page == listing.page:
            return None
        return url_for("register_sections.as_json", section=name, **kept, page=page, _external=True)

    return jsonify(section=name, query=kept, total=listing.total, page=listing.page, pages=listing.pages,
                   page_size=listing.page_size, next=link(listing.page + 1), previous=link(listing.page - 1),
                   entries=listing.rows)


@bp.route("/register/<name>")
@policies.policy(policies.PUBLIC)
def section_page(name: str):
    section = sections().get(name)
    if section is None:
        abort(404)
    try:
        listing = section.listing(request.args, _page_arg())
    except RegisterArgsError as err:
        return render_template("public/register_section.html", section=section, listing=None,
                               error=str(err)), 400
    kept = {k: request.args[k] for k in section.link_args if request.args.get(k)}
    return render_template("public/register_section.html", section=section, listing=listing, error=None,
                           page_url=lambda page: url_for("register_sections.section_page", name=name,
                                                         **kept, page=page))
