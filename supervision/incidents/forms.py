"""The incident's forms: the report (by a firm or a regulator) and an action on a linked case."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, FloatField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from supervision.core.forms import ChoiceField, MultiCheckboxField

WHEN = "%Y-%m-%dT%H:%M"


class ReportForm(FlaskForm):
    firm_id = ChoiceField(_l("Firm"), coerce=int, choices=[])           # a regulator's report only
    title = StringField(_l("Short title"), validators=[DataRequired(), Length(max=200)])
    what = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=10000)])
    occurred_at = DateTimeLocalField(_l("When it happened (Beijing time)"), format=WHEN,
                                     validators=[DataRequired()])
    aware_at = DateTimeLocalField(_l("When the firm became aware (Beijing time)"), format=WHEN,
                                  validators=[DataRequired()])
    place = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    lon = FloatField(_l("Longitude (WGS-84, optional)"), validators=[Optional(), NumberRange(-180, 180)])
    lat = FloatField(_l("Latitude (WGS-84, optional)"), validators=[Optional(), NumberRange(-90, 90)])
    sandbox_case_id = ChoiceField(_l("Sandbox test concerned"), coerce=int, choices=[])
    unit_codes = TextAreaField(_l("Units involved (codes, one per line)"), validators=[Optional()])
    model_ids = MultiCheckboxField(_l("Models involved"), coerce=int, choices=[])
    injuries = TextAreaField(_l("Injuries"), validators=[Optional(), Length(max=5000)])
    damage = TextAreaField(_l("Damage"), validators=[Optional(), Length(max=5000)])
    data_categories = MultiCheckboxField(_l("Personal data exposed (Art. 45): categories"), choices=[])
    people_affected = IntegerField(_l("Number of people whose data was exposed"),
                                   validators=[Optional(), NumberRange(0, 100_000_000)])
    immediate_measures = TextAreaField(_l("Immediate measures taken"), validators=[DataRequired(),
                                                                                   Length(max=10000)])
    severity = ChoiceField(_l("Provisional severity"), coerce=int, choices=[])
    safety_accident = BooleanField(_l("A production-safety accident (report to emergency management "
                                      "within 1 hour)"))
    emergency_reported_at = DateTimeLocalField(_l("Reported to emergency management at"), format=WHEN,
                                               validators=[Optional()])
    authority_reported_at = DateTimeLocalField(_l("Reported to the cyberspace authority at"), format=WHEN,
                                               validators=[Optional()])
    people_notified_at = DateTimeLocalField(_l("People affected notified at"), format=WHEN,
                                            validators=[Optional()])
    attachment = FileField(_l("Attachment (PDF or image)"))


class LinkedActionForm(FlaskForm):
    target = StringField(validators=[DataRequired()])    # "<case id>:<action>"
    reason = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=5000)])
