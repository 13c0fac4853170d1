"""Administrators keep the calendar: add a year when the State Council publishes it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.core.i18n import label
from supervision.core.timeutil import local_today
from supervision.workdays.forms import YearForm
from supervision.workdays.services import CalendarError, set_year, year_summaries

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")


@bp.route("/", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def index():
    form = YearForm()
    status = 200
    if form.validate_on_submit():
        try:
            set_year(form.year.data, holidays=form.holidays.data, makeup_workdays=form.makeup.data,
                     actor=current_user, note=form.note.data or None)
        except CalendarError as err:
            form.year.errors = [*form.year.errors, label(err.message) % err.params]
            status = 422
        else:
            flash(_("The calendar of %(year)s was saved.", year=form.year.data), "success")
            return redirect(url_for("workdays.index")), 303
    elif form.errors:
        status = 422
    years = year_summaries()
    this_year = local_today().year
    next_estimated = min((y.year for y in years if y.source is None and y.year >= this_year), default=None)
    return render_template("workdays/index.html", form=form, years=years, this_year=this_year,
                           next_estimated=next_estimated), status
