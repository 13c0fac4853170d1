"""Forms of the registry: the robot model application, certificate, override, referral,
rulesets and the public objection.  Every message is a lazy translation."""
from __future__ import annotations

import json
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DecimalField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from supervision.core.forms import MultiCheckboxField, opts
from supervision.core.i18n import label
from supervision.registry.models import FORM_FACTORS, INTELLIGENCE_LEVELS, SCENARIO_CLASSES, SCENARIOS, TIER_LABELS


class Finite:
    """Stop at NaN and infinities (which ``Decimal`` would otherwise accept)."""

    def __call__(self, form, field):
        if field.data is not None and not field.data.is_finite():
            field.errors[:] = []
            raise StopValidation(_l("Enter a number."))


class ModelForm(FlaskForm):
    name = StringField(_l("Model name (型号)"), validators=[DataRequired(_l("Give the model a name.")),
                                                           Length(max=120)])
    manufacturer = StringField(_l("Manufacturer"), validators=[Optional(), Length(max=200)])
    form_factor = SelectField(_l("Form factor"), validators=[Optional()])
    intelligence_level = SelectField(_l("Intelligence level"), validators=[Optional()])
    scenarios = MultiCheckboxField(_l("Application scenarios (all that apply)"), validators=[Optional()])
    mass_kg = DecimalField(_l("Declared mass (kg)"), places=2, validators=[
        Optional(), Finite(),
        NumberRange(min=Decimal("0.01"), max=Decimal("100000"),
                    message=_l("Enter a mass between 0.01 and 100000 kg."))])
    max_speed_mps = DecimalField(_l("Maximum speed (m/s)"), places=2, validators=[
        Optional(), Finite(),
        NumberRange(min=Decimal("0"), max=Decimal("1000"),
                    message=_l("Enter a speed between 0 and 1000 m/s."))])
    public_space = BooleanField(_l("Operates in public space"))
    vulnerable_contact = BooleanField(_l("Physical contact or close interaction with vulnerable people (children, elderly, patients)"))
    personal_data = BooleanField(_l("Collects personal or biometric data (Art. 45)"))
    ota_learning = BooleanField(_l("Behaviour updated over the air or learned in the field"))
    standards = TextAreaField(_l("Mandatory standards declared (Art. 42), one per line"),
                              validators=[Optional(), Length(max=4000)])
    software_version = StringField(_l("Software / model version"), validators=[Optional(), Length(max=100)])

    FIELDS = ("manufacturer", "form_factor", "intelligence_level", "scenarios", "mass_kg",
              "max_speed_mps", "public_space", "vulnerable_contact", "personal_data", "ota_learning",
              "standards", "software_version")

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.form_factor.choices = opts([("", "—")] + [(k, label(v)) for k, v in FORM_FACTORS.items()])
        self.intelligence_level.choices = opts([("", "—")] + [(str(k), label(v)) for k, v in INTELLIGENCE_LEVELS.items()])
        self.scenarios.choices = opts((k, f"{cls} · {label(text)}") for k, (cls, text) in SCENARIOS.items())

    def values(self) -> dict:
        """What the firm declared, as the service expects it (blank fields are None)."""
        out = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("manufacturer", "standards", "software_version", "form_factor"):
            out[name] = (out[name] or "").strip() or None
        out["intelligence_level"] = int(out["intelligence_level"]) if out["intelligence_level"] else None
        out["scenarios"] = list(out["scenarios"] or [])
        return out

    def require_complete(self) -> bool:
        """For submission: mark every required field that is still empty."""
        ok = True
        for name in ("manufacturer", "form_factor", "intelligence_level", "scenarios", "mass_kg",
                     "max_speed_mps", "standards", "software_version"):
            f = getattr(self, name)
            if f.data in (None, "", []) and not f.errors:
                f.errors = list(f.errors) + [_l("Required before the application can be submitted.")]
                ok = False
        return ok


def scenario_groups() -> list[tuple[str, str]]:
    return [(k, label(v)) for k, v in SCENARIO_CLASSES.items()]


class OverrideForm(FlaskForm):
    tier = SelectField(_l("Tier"), choices=opts([("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]),
                       validators=[DataRequired()])
    reason = TextAreaField(_l("Written reason for the override"), validators=[
        DataRequired(_l("An override needs a written reason.")), Length(min=10, max=4000,
                                                                        message=_l("Write at least 10 characters."))])


class ReferralForm(FlaskForm):
    note = TextAreaField(_l("Why the model is referred to the sandbox"), validators=[
        DataRequired(_l("Write a note for the referral.")), Length(max=4000)])


class ReclassifyForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for reclassification"), validators=[
        DataRequired(_l("Give the reasons for reclassification.")), Length(max=4000)])


class RulesetForm(FlaskForm):
    rules = TextAreaField(_l("Rules (JSON)"), validators=[DataRequired(), Length(max=50000)])
    note = TextAreaField(_l("Note (what changed and why)"), validators=[
        DataRequired(_l("Say what changed and why.")), Length(max=4000)])
    assessment_ref = StringField(
        _l("Passed Art. 47 assessments (case numbers, comma-separated)"), validators=[Optional(), Length(max=64)],
        description=_l("Required when the version is stricter than the one in force: an obligation added to a "
                       "tier, or a tier's lowest score lowered. Each change must be covered by a passed assessment."))
    instrument = SelectField(_l("Adopted instrument that enacts the stricter changes"), validators=[Optional()],
                             validate_choice=False)

    def validate_rules(self, field):
        try:
            field.parsed = json.loads(field.data)
        except ValueError as err:
            raise ValidationError(_l("This is not valid JSON.")) from err


class ObjectionForm(FlaskForm):
    """An objection: its text, and the objector's name and contact (confidential, for the answer)."""

    objector = StringField(_l("Your name"), validators=[
        DataRequired(_l("Give your name: the regulator answers every objection.")), Length(max=120)])
    contact = StringField(_l("E-mail or postal address for the answer"), validators=[
        DataRequired(_l("Give an e-mail or postal address for the answer.")), Length(max=200)])
    text = TextAreaField(_l("Your objection"), validators=[
        DataRequired(_l("Write your objection.")),
        Length(min=10, max=4000, message=_l("Write between 10 and 4000 characters."))])


class PostalServiceForm(FlaskForm):
    """The return receipt of a document served by post, and the day the firm signed for it."""

    received_on = DateField(_l("Received on (per the return receipt)"), validators=[
        DataRequired(_l("Enter the day on the return receipt."))])
    receipt = FileField(_l("Return receipt (PDF, PNG or JPEG)"))


class ObjectionAnswerForm(FlaskForm):
    """The officer's reasoned answer to one objection."""

    answer = TextAreaField(_l("Answer with reasons"), validators=[
        DataRequired(_l("Give the reasons of the answer (at least 10 characters).")),
        Length(min=10, max=4000, message=_l("Give the reasons of the answer (at least 10 characters)."))])


class ApplyForm(FlaskForm):
    """An empty form: the CSRF token for starting a new application on a model."""


SEARCH_MAX = 100


def _printable(value: str | None) -> str:
    """Control characters (a NUL, which PostgreSQL refuses and SQLite's LIKE stops at) count as
    spaces; then the ends are trimmed."""
    return "".join(ch if ch.isprintable() else " " for ch in (value or "")).strip()


class RegisterSearchForm(FlaskForm):
    """The public register's search (a GET form): a value it cannot use is left out, with a
    message saying so, and the register answers without it."""

    class Meta:
        csrf = False

    q = StringField(_l("Registration number, model, firm or credit code"),
                    filters=[_printable], render_kw={"maxlength": SEARCH_MAX},
                    validators=[
                        Optional(), Length(max=SEARCH_MAX, message=_l(
                            "Search for at most %(max)d characters; the search was not applied."))])
    tier = SelectField(_l("Tier"), validate_choice=False, validators=[
        Optional(), AnyOf(("1", "2", "3", "4"), message=_l("Unknown tier; showing all tiers."))])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.tier.choices = opts([("", _l("All tiers"))] + [(str(k), label(v)) for k, v in TIER_LABELS.items()])

    def query_args(self) -> dict:
        """What to look for (``text``, ``tier``), leaving out any value that did not validate."""
        self.validate()
        return {"text": "" if self.q.errors else (self.q.data or ""),
                "tier": int(self.tier.data) if self.tier.data and not self.tier.errors else None}
