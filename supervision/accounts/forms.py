"""Forms of the accounts domain (labels and messages translated lazily)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from supervision.core.forms import opts
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class SignInForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=512)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password.")),
                                                          Length(min=10, max=512, message=_l("The password must have at least 10 characters."))])
    confirm = PasswordField(_l("Repeat new password"), validators=[EqualTo("new", message=_l("The two new passwords differ."))])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=opts([("zh", "中文"), ("en", "English")]))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=opts([
        ("firm", _l("Firm")), ("department", _l("Regulator department")),
        ("certification_body", _l("Certification body")), ("testing_base", _l("Testing base"))]))
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(_l("Give the Chinese name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Give the English name.")), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"), validators=[Optional(), Length(max=24)])
    doc_prefix = StringField(_l("Document number prefix"), validators=[Optional(), Length(max=32)])


class UserForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")), Email(message=_l("Enter a valid email address.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(_l("Enter an initial password.")),
                                                                Length(min=10, max=512, message=_l("The password must have at least 10 characters."))])


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])


class ActiveForm(FlaskForm):
    active = BooleanField(_l("Active"))
