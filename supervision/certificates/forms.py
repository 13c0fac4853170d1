"""Forms of the certificates pages: recording a certificate, changing its state, searching."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from supervision.core.forms import ChoiceField, opts


class RecordForm(FlaskForm):
    model_id = ChoiceField(_l("Robot model"), coerce=int, validators=[InputRequired()])
    number = StringField(_l("Certificate number"), validators=[
        DataRequired(_l("Enter the certificate number.")), Length(max=64)])
    standards = TextAreaField(_l("Standards covered"), validators=[
        DataRequired(_l("Name the standards the certificate covers.")), Length(max=4000)])
    scope = TextAreaField(_l("Scope"), validators=[DataRequired(_l("Describe the scope.")), Length(max=4000)])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired(_l("Enter a date."))])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired(_l("Enter a date."))])
    outcome = ChoiceField(_l("Outcome"), choices=opts([("issue", _l("Issue the certificate")), ("refuse", _l("Refuse certification"))]),
                          validators=[InputRequired()])
    reason = TextAreaField(_l("Reasons"), validators=[DataRequired(_l("Give the reasons for this action.")),
                                                      Length(max=4000)])


class ChangeForm(FlaskForm):
    trigger = ChoiceField(_l("Action"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reasons"), validators=[DataRequired(_l("Give the reasons for this action.")),
                                                      Length(max=4000)])
    effective_on = DateField(_l("Date it takes effect"), validators=[InputRequired(_l("Enter a date."))])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    state = ChoiceField(_l("State"), validators=[Optional()])
