"""The dashboard and the statistics pages, and the statistics' exports.  Read-only: GET only,
for regulators, auditors and administrators (``DASHBOARD_READERS``); a firm's user is refused
(403).  An administrator decides nothing and opens no case: they read their department's figures
(``figures.counted``) without the panels that list cases."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, flash, render_template, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.types import Period
from supervision.core import fragments
from supervision.core.i18n import asked_language, label
from supervision.core.timeutil import local_today
from supervision.dashboard import charts, exports, figures

bp = Blueprint("dashboard", __name__)
# Regulators, auditors and administrators (there is no separate statistics role: DOMAIN §2 lists
# none); every page here is a GET that changes nothing.
DASHBOARD_READERS = policies.RoutePolicy("dashboard_readers", frozenset({"officer", "approver", "auditor", "admin"}))


@bp.route("/dashboard")
@policies.policy(DASHBOARD_READERS)
def index():
    """The reader's figures.  Each is a grouped query over the cases the reader may see; the
    body is rendered once per reader, language, day and data version, and kept
    (``core.fragments``): the next request after any change reads the figures anew."""
    parts = (current_user.id, str(get_locale()), asked_language(), local_today())
    return render_template("dashboard/index.html", body=fragments.render("dashboard", parts, _body))


def _body(**context) -> str:
    data = figures.summary(current_user)
    trend = data["trend"]
    return render_template(
        "dashboard/_body.html", **data, **context,
        panels=current_app.extensions.get("dashboard_panels", []) if figures.lists_cases(current_user) else [],
        lists_cases=figures.lists_cases(current_user),
        figure_charts=[(s, lines, charts.bars([(label(t), n) for t, n in lines], label(s.label)))
                       for s, lines in data["figures"]],
        opened_chart=charts.columns(trend.months, [sum(v) for v in zip(*trend.opened.values(), strict=True)]
                                    if trend.opened else [0] * len(trend.months), _("Cases opened per month")),
        decisions_chart=charts.columns(trend.months, trend.decisions, _("Decisions issued per month")))


def _period() -> tuple[Period, dict[str, str]]:
    """The period asked for (``from`` / ``to``, ISO dates; default: this year so far)."""
    args = {k: request.args.get(k, "").strip() for k in ("from", "to")}
    today = local_today()
    try:
        start = dt.date.fromisoformat(args["from"]) if args["from"] else dt.date(today.year, 1, 1)
        end = dt.date.fromisoformat(args["to"]) if args["to"] else today
    except ValueError:
        flash(_("Enter dates as YYYY-MM-DD; showing this year so far."), "error")
        start, end = dt.date(today.year, 1, 1), today
    if end < start:
        flash(_("The period ends before it starts; the dates were swapped."), "error")
        start, end = end, start
    return Period(start, end), {"from": start.isoformat(), "to": end.isoformat()}


def _industry(period: Period):
    return figures.computed(figures.statistics("industry"), period)


@bp.route("/statistics")
@policies.policy(DASHBOARD_READERS)
def statistics():
    period, args = _period()
    rows = _industry(period)
    return render_template("dashboard/statistics.html", rows=rows, args=args,
                           charts=[charts.bars([(label(t), n) for t, n in lines], label(s.label))
                                   for s, lines in rows])


def _table(period: Period) -> tuple[list[str], list[list[object]]]:
    header = [_("Figure"), _("Line"), _("Count"), _("Start date"), _("End date")]
    lines = []
    for s, rows in _industry(period):
        start = period.start.isoformat() if s.periodic else ""
        end = period.end.isoformat() if s.periodic else local_today().isoformat()
        lines.extend([label(s.label), label(text), n, start, end] for text, n in rows)
    return header, lines


@bp.route("/statistics.csv")
@policies.policy(DASHBOARD_READERS)
def statistics_csv():
    period, args = _period()
    header, lines = _table(period)
    return Response(exports.to_csv(header, lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{args["from"]}-{args["to"]}.csv"'})


@bp.route("/statistics.xlsx")
@policies.policy(DASHBOARD_READERS)
def statistics_xlsx():
    period, args = _period()
    header, lines = _table(period)
    return Response(exports.to_xlsx(header, lines, title=_("Statistics")),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{args["from"]}-{args["to"]}.xlsx"'})
