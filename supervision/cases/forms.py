"""Forms of the case pages: firing a trigger, claiming and assigning."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from supervision.core.forms import opts


class ActionForm(FlaskForm):
    """The envelope of an action: which trigger, on which version of the case.  The inputs are
    the fields the transition declares (``Transition.fields``), read and checked by the engine."""

    trigger = HiddenField(validators=[DataRequired(), Length(max=48)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


# The classifications a document given with an action may carry.
DOCUMENT_CLASSIFICATIONS = (("internal", _l("Internal (内部)")), ("confidential", _l("Confidential (敏感)")),
                            ("public", _l("Public (公开)")))


class VersionForm(FlaskForm):
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class AssignForm(VersionForm):
    assignee_id = SelectField(_l("Assign to"), coerce=int, validate_choice=True)


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    case_type = SelectField(_l("Type"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    scope = SelectField(_l("Show"), choices=opts([("all", _l("All")), ("mine", _l("Assigned to me")),
                                             ("unassigned", _l("Unassigned"))]), validators=[Optional()])
