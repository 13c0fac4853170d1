"""The form on which an administrator enters a year's official arrangement."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from supervision.workdays.services import MAX_YEAR, MIN_YEAR

_SPLIT = re.compile(r"[\s,，;；、]+")


class DateListField(TextAreaField):
    """Dates, one per line (commas and spaces also separate); ``data`` is a list of dates."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = []
        for token in _SPLIT.split(self.raw.strip()):
            if not token:
                continue
            try:
                self.data.append(dt.date.fromisoformat(token))
            except ValueError:
                self.data = []
                # A plain (not lazy) string: lazy strings count as safe markup in templates,
                # and this one carries what the user typed.
                raise ValueError(gettext('"%(value)s" is not a date; write dates as YYYY-MM-DD.',
                                         value=token[:20])) from None

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "\n".join(d.isoformat() for d in (self.data or []))


class YearField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter the year as a number, e.g. 2027.")) from None


class YearForm(FlaskForm):
    year = YearField(_l("Year"), validators=[
        InputRequired(_l("Enter the year.")),
        NumberRange(min=MIN_YEAR, max=MAX_YEAR,
                    message=_l("Enter a year between %(min)s and %(max)s.", min=MIN_YEAR, max=MAX_YEAR))])
    holidays = DateListField(_l("Public holidays (one date per line, YYYY-MM-DD), including the weekend days inside a holiday"),
                             validators=[Length(max=20000)])
    makeup = DateListField(_l("Make-up working days on a Saturday or Sunday (one date per line, YYYY-MM-DD)"),
                           validators=[Length(max=5000)])
    note = StringField(_l("Source (e.g. the State Council notice)"), validators=[Optional(), Length(max=200)])

    def _in_year(self, field) -> None:
        year = self.year.data
        if not isinstance(year, int):
            return
        for d in field.data or []:
            if d.year != year:
                raise ValidationError(_l("%(date)s is not in %(year)s.", date=d.isoformat(), year=year))

    def validate_holidays(self, field) -> None:
        self._in_year(field)

    def validate_makeup(self, field) -> None:
        self._in_year(field)
        for d in field.data or []:
            if d.weekday() < 5:
                raise ValidationError(_l("%(date)s is a weekday; make-up working days fall on a Saturday or Sunday.",
                                         date=d.isoformat()))
        clash = sorted(set(field.data or []) & set(self.holidays.data or []))
        if clash:
            raise ValidationError(_l("%(date)s cannot be both a holiday and a make-up working day.",
                                     date=clash[0].isoformat()))
