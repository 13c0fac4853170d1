"""Forms of the accounts domain (labels and messages translated lazily)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from supervision.accounts.models import ORG_KIND_LABELS
from supervision.core.forms import ChoiceField, MultiCheckboxField, opts

_TOO_LONG = _l("This field is too long (at most %(max)d characters).")


class SignInForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Length(max=254, message=_TOO_LONG)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=512, message=_TOO_LONG)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=512, message=_TOO_LONG)])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=12, max=512, message=_l("The password must have 12 to 512 characters."))])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        EqualTo("new", message=_l("The two new passwords differ."))])


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Length(max=254, message=_TOO_LONG)])


class ResetPasswordForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=12, max=512, message=_l("The password must have 12 to 512 characters."))])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        EqualTo("new", message=_l("The two new passwords differ."))])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), description=_l("The 6-digit code your authenticator app shows, or one of your recovery codes."),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=32, message=_TOO_LONG)])


class ConfirmForm(FlaskForm):
    """Re-authentication before a sensitive change: the password, and the code when enrolled."""
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=512, message=_TOO_LONG)])
    code = StringField(_l("Code"), validators=[Optional(), Length(max=32, message=_TOO_LONG)])


class LanguageForm(FlaskForm):
    lang = ChoiceField(_l("Language"), choices=opts([("zh", "中文"), ("en", "English")]))


class OrganisationForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), choices=opts((k, _l(v)) for k, v in ORG_KIND_LABELS.items()))
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(_l("Give the Chinese name.")),
                                                            Length(max=200, message=_TOO_LONG)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Give the English name.")),
                                                            Length(max=200, message=_TOO_LONG)])
    credit_code = StringField(
        _l("Unified social credit code"),
        description=_l("18 characters (GB 32100); required for firms."),
        validators=[Optional(), Length(max=24, message=_TOO_LONG)])
    doc_prefix = StringField(_l("Document number prefix"),
                             description=_l("Departments: the prefix of their document numbers, e.g. 杭经信 (a registration decision then reads 杭经信登〔2026〕7号)."),
                             validators=[Optional(), Length(max=32, message=_TOO_LONG)])


class UserForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")),
                                                 Email(message=_l("Enter a valid email address.")),
                                                 Length(max=254, message=_TOO_LONG)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120, message=_TOO_LONG)])
    organisation_id = ChoiceField(_l("Organisation"), coerce=int, validate_choice=True)
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(_l("Enter an initial password.")),
        Length(min=12, max=512, message=_l("The password must have 12 to 512 characters."))])


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])


class ActiveForm(FlaskForm):
    active = BooleanField(_l("Active"))
