"""Forms: verifying an uploaded PDF, editing a kind's legal basis."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class VerifyUploadForm(FlaskForm):
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a file."))])


class LegalBasisForm(FlaskForm):
    kind = HiddenField()
    text_zh = TextAreaField(_l("Legal basis (Chinese)"), validators=[
        DataRequired(_l("Give the legal basis in Chinese and in English.")), Length(max=4000)])
    text_en = TextAreaField(_l("Legal basis (English)"), validators=[
        DataRequired(_l("Give the legal basis in Chinese and in English.")), Length(max=4000)])
