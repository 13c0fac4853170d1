"""Forms of the unit pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from supervision.core.forms import ChoiceField, opts
from supervision.units.models import MAX_BATCH

OFFSETS = [(f"{sign}{h:02d}:00", f"UTC{sign}{h:02d}:00") for sign, h in
           [("+", 8), ("+", 0), ("+", 9), ("+", 7), ("-", 5), ("-", 8), ("+", 1)]]


class BatchForm(FlaskForm):
    model_id = ChoiceField(_l("Model"), coerce=int, validators=[InputRequired()])
    size = IntegerField(_l("Number of units"), validators=[InputRequired(), NumberRange(1, MAX_BATCH)])


class EventForm(FlaskForm):
    codes = TextAreaField(_l("Unit codes (one a line)"), validators=[DataRequired(), Length(max=60000)])
    step = ChoiceField(_l("What happened"), validators=[InputRequired()])
    event_time = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    offset = ChoiceField(_l("Time zone"), choices=opts(OFFSETS), default="+08:00")
    address = StringField(_l("Where (address or geo:latitude,longitude)"), validators=[Optional(), Length(max=500)])
    destination = StringField(_l("Receiving firm's unified social credit code (transfers only)"),
                              validators=[Optional(), Length(max=18)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class DeclareForm(FlaskForm):
    event_id = StringField(validators=[InputRequired(), Length(max=64)])
    reason = ChoiceField(_l("Why"), choices=opts([("incorrect_data", _l("The data were wrong")),
                                                   ("did_not_occur", _l("It did not happen"))]))
    explanation = StringField(_l("Explanation"), validators=[Optional(), Length(max=2000)])


class RecallForm(FlaskForm):
    model_id = ChoiceField(_l("Model"), coerce=int, validators=[InputRequired()])
    batch_id = ChoiceField(_l("Batch (all units of the model if none)"), coerce=int, validators=[Optional()])
    reason = TextAreaField(_l("Reason for the recall"), validators=[DataRequired(), Length(max=4000)])
    measures = TextAreaField(_l("Measures (repair, return, replacement …)"), validators=[DataRequired(), Length(max=4000)])


class PrefixForm(FlaskForm):
    firm_id = ChoiceField(_l("Firm"), coerce=int, validators=[InputRequired()])
    prefix = StringField(_l("Manufacturer prefix (6 characters, 0-9 A-Z)"), validators=[DataRequired(), Length(min=6, max=12)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Code"), validators=[Optional(), Length(max=64)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=120)])
    firm = StringField(_l("Firm or credit code"), validators=[Optional(), Length(max=200)])
    state = ChoiceField(_l("State"), validators=[Optional()])
    area = StringField(_l("Area (address text; looking it up is logged)"), validators=[Optional(), Length(max=200)])
