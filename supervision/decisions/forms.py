"""Forms: verifying an uploaded PDF; recording the outcome of a challenge to a decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyUploadForm(FlaskForm):
    """Checking a PDF changes nothing and its answer goes only to the sender, so a forged
    cross-site submission gains nothing: no CSRF token, and the verification page needs no
    session (it sets no cookie, like the other public pages)."""

    class Meta:
        csrf = False

    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a file."))])


class OutcomeForm(FlaskForm):
    """What a reconsideration body or a court decided about a decision, with its document."""

    route = SelectField(_l("Challenged by"), validators=[DataRequired(_l("Choose one of the listed options."))])
    outcome = SelectField(_l("Outcome of the challenge"), validators=[DataRequired(_l("Choose one of the listed options."))])
    body = StringField(_l("Reconsideration body or court"), validators=[
        DataRequired(_l("Name the reconsideration body or the court.")), Length(max=200)])
    body_document_number = StringField(_l("Number of its decision or judgment"), validators=[
        DataRequired(_l("Enter the number of its decision or judgment.")), Length(max=100)])
    decided_on = DateField(_l("Decided on"), validators=[DataRequired(_l("Enter the day it was decided."))])
    document = FileField(_l("Its decision or judgment (PDF, PNG or JPEG)"),
                         validators=[FileRequired(_l("Attach its decision or judgment."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ConsentForm(FlaskForm):
    """A firm's prior written consent to electronic service: the signed consent and its date."""

    given_on = DateField(_l("Signed on"), validators=[DataRequired(_l("Enter the day the consent was signed."))])
    document = FileField(_l("Signed written consent (PDF, PNG or JPEG)"),
                         validators=[FileRequired(_l("Attach the signed written consent."))])
