"""Forms of the case pages: firing a trigger, claiming and assigning."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from supervision.core.forms import opts


class ActionForm(FlaskForm):
    trigger = HiddenField(validators=[DataRequired(), Length(max=48)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    reason = TextAreaField(_l("Reasons"), validators=[Optional(), Length(max=10000)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=10000)])
    ground = SelectField(_l("Ground"), choices=opts([
        ("", "—"), ("expired", _l("Registration expired (3 years)")),
        ("firm_withdrawal", _l("Withdrawn by the firm")),
        ("units_scrapped", _l("All units scrapped"))]), validators=[Optional()])
    document = FileField(_l("Document"))
    classification = SelectField(_l("Classification"), choices=opts([
        ("internal", _l("Internal (内部)")), ("confidential", _l("Confidential (敏感)")),
        ("public", _l("Public (公开)"))]), default="internal", validators=[Optional()])


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
