"""The upload form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from supervision.core.forms import opts


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
    classification = SelectField(
        _l("Classification"),
        choices=opts([("internal", _l("Internal (内部)")), ("confidential", _l("Confidential (敏感)")),
                      ("public", _l("Public (公开)"))]),
        validators=[InputRequired(_l("Choose a classification."))],
        validate_choice=True,
    )
