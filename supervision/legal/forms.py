"""Forms of the legal-bases pages: an instrument, a provision, a decision kind's provisions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from supervision.core.forms import ChoiceField, MultiCheckboxField, opts

STATUS_CHOICES = (("adopted", _l("Adopted")), ("draft_example", _l("Draft example (not adopted)")))
_REQUIRED = _l("Fill in every required field.")


class InstrumentForm(FlaskForm):
    key = StringField(_l("Short name (letters, digits, underscores)"), validators=[
        DataRequired(_REQUIRED), Regexp(r"^[a-z][a-z0-9_]{1,39}$", message=_l(
            "An instrument key has lower-case letters, digits and underscores."))])
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(_REQUIRED), Length(max=300)])
    issuing_body_zh = StringField(_l("Issuing body (Chinese)"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    issuing_body_en = StringField(_l("Issuing body (English)"), validators=[DataRequired(_REQUIRED), Length(max=300)])
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=120)])
    adopted_on = DateField(_l("Adoption date"), validators=[Optional()])
    status = ChoiceField(_l("Status"), choices=opts(STATUS_CHOICES))


class ProvisionForm(FlaskForm):
    instrument = ChoiceField(_l("Instrument"), choices=[])
    article = IntegerField(_l("Article"), validators=[DataRequired(_REQUIRED), NumberRange(1, 9999)])
    paragraph = IntegerField(_l("Paragraph"), validators=[Optional(), NumberRange(1, 99)])
    item = IntegerField(_l("Item"), validators=[Optional(), NumberRange(1, 99)])
    text_zh = TextAreaField(_l("What it says (Chinese)"), validators=[DataRequired(_REQUIRED), Length(max=2000)])
    text_en = TextAreaField(_l("What it says (English)"), validators=[DataRequired(_REQUIRED), Length(max=2000)])


class KindBasisForm(FlaskForm):
    provisions = MultiCheckboxField(_l("Provisions cited as the basis"), choices=[])
