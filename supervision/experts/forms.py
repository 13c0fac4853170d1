"""Forms of the expert pool: an expert record, a conflict declaration, an opinion, a decline."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOne:
    """At least one box ticked.  Unlike ``DataRequired`` it sets no ``required`` flag: on a
    list of checkboxes that would make the browser demand every box."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


class ExpertForm(FlaskForm):
    user_id = SelectField(_l("User with the expert role"), coerce=int, validators=[InputRequired()])
    fields = MultiCheckboxField(_l("Fields of expertise"), validators=[
        AtLeastOne(_l("Choose at least one field of expertise from the list."))])
    organisation_id = SelectField(_l("Employer on the platform"), coerce=int, validators=[Optional()])
    affiliation = StringField(_l("Organisation"), validators=[Length(max=200)])
    title = StringField(_l("Title"), validators=[Length(max=120)])


class ActiveForm(FlaskForm):
    expert_id = IntegerField(validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


class ConflictForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=2000)])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_to = DateField(_l("Valid to (empty: open-ended)"), validators=[Optional()])


class EndConflictForm(FlaskForm):
    conflict_id = IntegerField(validators=[InputRequired()])


class OpinionForm(FlaskForm):
    recommendation = SelectField(_l("Recommendation"), validators=[InputRequired()])
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(_l("Give your reasons.")), Length(max=8000)])
    conditions = TextAreaField(_l("Conditions proposed"), validators=[Length(max=4000)])
    no_conflict = BooleanField(_l("I declare that I have no conflict of interest with this case."),
                               validators=[DataRequired(_l("Declare that you have no conflict of interest, or decline the case."))])
    corrects_id = HiddenField()


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[DataRequired(_l("A decline needs a reason.")),
                                                                   Length(max=2000)])


class DrawForm(FlaskForm):
    """The officer's draw: how many, from which fields, and why (a re-draw must say why).  The
    seed is the platform's: there is no field for it."""

    n = IntegerField(_l("Number of experts"), validators=[InputRequired(), NumberRange(min=1, max=15)])
    fields = MultiCheckboxField(_l("Fields of expertise"), validators=[
        AtLeastOne(_l("Choose at least one field of expertise from the list."))])
    reason = TextAreaField(_l("Reason for a new draw"), validators=[Length(max=2000)])
