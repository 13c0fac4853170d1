"""The token form of the firm's account area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from supervision.api.models import SCOPES
from supervision.core.forms import MultiCheckboxField, opts


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), description=_l("What the token is for, e.g. the system that uses it."),
                       validators=[DataRequired(_l("Give the token a name.")),
                                   Length(max=120, message=_l("At most %(max)d characters."))])
    scopes = MultiCheckboxField(_l("Scopes"), choices=opts((k, _l(v)) for k, v in SCOPES.items()),
                                validators=[DataRequired(_l("Choose at least one of the offered scopes."))])
