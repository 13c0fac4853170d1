"""Administrators keep the calendar: add a year when the State Council publishes it."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from supervision import policies
from supervision.extensions import db
from supervision.workdays.models import CalendarYear
from supervision.workdays.services import set_year

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")


class YearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(_l("Enter the year.")), NumberRange(min=2000, max=2100, message=_l("Enter a year between 2000 and 2100."))])
    holidays = TextAreaField(_l("Public holidays (one date per line, YYYY-MM-DD)"), validators=[Optional(), Length(max=20000)])
    makeup = TextAreaField(_l("Make-up working days (one date per line, YYYY-MM-DD)"), validators=[Optional(), Length(max=20000)])
    note = StringField(_l("Source (e.g. the State Council notice)"), validators=[Optional(), Length(max=200)])


def _dates(text: str, year: int, field) -> list[dt.date] | None:
    out = []
    for line in (text or "").replace(",", "\n").split():
        try:
            d = dt.date.fromisoformat(line.strip())
        except ValueError:
            field.errors.append(_("%(value)s is not a date (YYYY-MM-DD).", value=line[:20]))
            return None
        if d.year != year:
            field.errors.append(_("%(value)s is not in %(year)s.", value=line[:20], year=year))
            return None
        out.append(d)
    return out


@bp.route("/", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def index():
    form = YearForm()
    status = 200
    if form.validate_on_submit():
        holidays = _dates(form.holidays.data, form.year.data, form.holidays)
        makeup = _dates(form.makeup.data, form.year.data, form.makeup)
        if holidays is not None and makeup is not None:
            set_year(form.year.data, holidays=holidays, makeup_workdays=makeup, actor=current_user,
                     note=form.note.data or None)
            flash(_("The calendar of %(year)s was saved.", year=form.year.data), "success")
            return redirect(url_for("workdays.index")), 303
        status = 422
    elif form.errors:
        status = 422
    years = db.session.execute(db.select(CalendarYear).order_by(CalendarYear.year.desc())).scalars().all()
    return render_template("workdays/index.html", form=form, years=years), status
