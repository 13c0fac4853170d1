"""The public register's sections, whatever case type contributes them (DOMAIN §10):
``/register.json?section=NAME`` (paged JSON with next/previous links), ``/register/NAME``
(the same page as an HTML table) and ``/register/NAME.csv`` (every entry, the JSON's keys as
columns).  Case types declare their sections on ``CaseType``; other domains (certificates,
recalls) add theirs with ``add_register_section``."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from supervision import policies
from supervision.public.caching import cacheable
from supervision.cases import types
from supervision.cases.types import RegisterArgsError, RegisterSection
from supervision.public import csvout

bp = Blueprint("register_sections", __name__)
DEFAULT_SECTION = "registered"


def add_register_section(app: Flask, section: RegisterSection) -> None:
    """A register section contributed by a domain that is not a case type."""
    app.extensions.setdefault("register_sections", []).append(section)


def sections() -> dict[str, RegisterSection]:
    found = [*types.all_of("register_sections"), *current_app.extensions.get("register_sections", [])]
    return {s.name: s for s in found}


def _page_arg() -> int:
    return request.args.get("page", 1, type=int)


@bp.app_template_global()
def register_sections() -> list[RegisterSection]:
    return list(sections().values())


@bp.route("/register.json")
@policies.policy(policies.PUBLIC)
@cacheable
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
@cacheable
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


@bp.route("/register/<name>.csv")
@policies.policy(policies.PUBLIC)
@cacheable
def section_csv(name: str):
    """Every entry of one section as CSV (UTF-8 with a byte-order mark, for spreadsheets), the
    section's query parameters applied; cells a spreadsheet would run as a formula neutralised."""
    section = sections().get(name)
    if section is None:
        abort(404)
    try:
        first = section.listing(request.args, 1)
    except RegisterArgsError as err:
        return Response(str(err), status=400, mimetype="text/plain")

    def rows():
        yield from first.rows
        for page in range(2, first.pages + 1):
            yield from section.listing(request.args, page).rows

    body = csvout.render(list(rows()))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="register-{name}.csv"'})
