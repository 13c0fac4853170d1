"""Forms of the Art. 47 assessment: the measure, each structured assessment, the public summary,
a public comment, moderation and the consultation's outcome.  Every message is a lazy
translation; required parts cannot be left empty."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from supervision.core.forms import ChoiceField, MultiCheckboxField, opts
from supervision.core.i18n import label
from supervision.assessments.models import REJECTION_CATEGORIES, THEMES
from supervision.registry.models import FORM_FACTORS, SCENARIO_CLASSES, TIER_LABELS

NOT_EMPTY = _l("This part of the assessment cannot be left empty.")


def _text(title, rows_max: int = 20000, required: bool = True):
    return TextAreaField(title, validators=[DataRequired(NOT_EMPTY) if required else Optional(),
                                            Length(max=rows_max)])


class MeasureForm(FlaskForm):
    title = StringField(_l("Title of the measure"), validators=[DataRequired(_l("Give the measure a title.")),
                                                                Length(max=300)])
    text = _text(_l("Text of the measure"), 50000)
    problem = _text(_l("The problem it addresses"))
    scenario_classes = MultiCheckboxField(_l("Scenario classes affected"), validators=[Optional()])
    tiers = MultiCheckboxField(_l("Tiers affected"), validators=[Optional()])
    form_factors = MultiCheckboxField(_l("Form factors affected"), validators=[Optional()])
    ruleset_changes = StringField(
        _l("Ruleset changes it would make (codes, comma-separated)"), validators=[Optional(), Length(max=1000)],
        description=_l("obligation:TIER:NAME for an obligation added to a tier (e.g. obligation:3:geofence), "
                       "boundary:TIER for a tier whose lowest score goes down; empty if none."))

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.scenario_classes.choices = opts((k, label(v)) for k, v in SCENARIO_CLASSES.items())
        self.tiers.choices = opts((str(k), label(v)) for k, v in TIER_LABELS.items())
        self.form_factors.choices = opts((k, label(v)) for k, v in FORM_FACTORS.items())

    def validate_ruleset_changes(self, field):
        field.codes = []
        for code in (c.strip() for c in (field.data or "").split(",")):
            if not code:
                continue
            parts = code.split(":")
            ok = (len(parts) == 3 and parts[0] == "obligation" and parts[1] in "1234" and len(parts[1]) == 1
                  and parts[2].replace("_", "").isalnum()) or \
                 (len(parts) == 2 and parts[0] == "boundary" and parts[1] in ("2", "3", "4"))
            if not ok:
                raise ValidationError(_l("Not a ruleset change code: %(code)s", code=code))
            field.codes.append(code)

    def scope(self) -> dict:
        return {"problem": self.problem.data, "scenario_classes": self.scenario_classes.data or [],
                "tiers": self.tiers.data or [], "form_factors": self.form_factors.data or [],
                "ruleset_changes": getattr(self.ruleset_changes, "codes", [])}


class ScopeForm(MeasureForm):
    """The same scope, later (title and text are not changed here: ``revise`` makes a revision)."""

    title = None
    text = None


class _Attachments(FlaskForm):
    attachments = MultipleFileField(_l("Attachments (evidence, studies)"))


class AlternativeForm(FlaskForm):
    class Meta:
        csrf = False

    alternative = TextAreaField(_l("Less restrictive alternative considered"), validators=[Length(max=4000)])
    why_insufficient = TextAreaField(_l("Why it is insufficient"), validators=[Length(max=4000)])


class NecessityForm(_Attachments):
    problem = _text(_l("The problem"))
    evidence = _text(_l("Evidence of the problem"))
    alternatives = FieldList(FormField(AlternativeForm), min_entries=3, max_entries=10)

    def validate_alternatives(self, field):
        if not any((e.alternative.data or "").strip() and (e.why_insufficient.data or "").strip()
                   for e in field.entries):
            raise ValidationError(_l("Name at least one less restrictive alternative and why it is insufficient."))

    def content(self) -> dict:
        return {"problem": self.problem.data.strip(), "evidence": self.evidence.data.strip(),
                "alternatives": [{"alternative": e.alternative.data.strip(), "why_insufficient": e.why_insufficient.data.strip()}
                                 for e in self.alternatives.entries
                                 if (e.alternative.data or "").strip() and (e.why_insufficient.data or "").strip()]}


class SafetyForm(_Attachments):
    hazards = _text(_l("Hazards addressed"))
    residual_risks = _text(_l("Residual risks"))
    effect_on_users = _text(_l("Effect on users and the public"))

    def content(self) -> dict:
        return {k: getattr(self, k).data.strip() for k in ("hazards", "residual_risks", "effect_on_users")}


class EffectivenessForm(_Attachments):
    outcomes = _text(_l("Expected outcomes"))
    indicators = _text(_l("Indicators"))
    measurement = _text(_l("How and when the indicators will be measured"))
    cost_to_firms = _text(_l("Cost to firms"))
    competition_effect = _text(_l("Effect on fair competition (Art. 43 (3))"))
    review_date = DateField(_l("Review date"), validators=[DataRequired(_l("Give the date the measure will be reviewed."))])

    def content(self) -> dict:
        out = {k: getattr(self, k).data.strip()
               for k in ("outcomes", "indicators", "measurement", "cost_to_firms", "competition_effect")}
        out["review_date"] = self.review_date.data.isoformat()
        return out


class FairCompetitionForm(_Attachments):
    """The review under the State Council's 公平竞争审查条例 (2024): its four groups of standards."""

    market_entry = _text(_l("Market entry and exit: does it restrict them?"))
    free_movement = _text(_l("Free movement of goods and factors: does it restrict it?"))
    costs = _text(_l("Production and operating costs: does it affect them (subsidies, fees)?"))
    conduct = _text(_l("Production and operating conduct: does it affect it?"))
    conclusion = _text(_l("Conclusion of the fair-competition review"))

    def content(self) -> dict:
        return {k: getattr(self, k).data.strip() for k in ("market_entry", "free_movement", "costs", "conduct", "conclusion")}


FINDING_FORMS = {"necessity": NecessityForm, "safety": SafetyForm, "effectiveness": EffectivenessForm,
                 "fair_competition": FairCompetitionForm}


class SummaryForm(FlaskForm):
    summary = _text(_l("Plain summary of the assessments for the public"), 10000)


class CommentForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Give your name.")), Length(max=120)])
    contact = StringField(_l("How to reach you (e-mail or telephone; kept confidential)"), validators=[
        DataRequired(_l("Give a contact.")), Length(max=200)])
    theme = ChoiceField(_l("Your comment is about"))
    text = TextAreaField(_l("Your comment"), validators=[
        DataRequired(_l("Write your comment.")),
        Length(min=10, max=4000, message=_l("Write between 10 and 4000 characters."))])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.theme.choices = opts((k, label(v)) for k, v in THEMES.items())


class ModerateForm(FlaskForm):
    category = ChoiceField(_l("Why it is not published"), validators=[Optional()])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.category.choices = opts([("", "—")] + [(k, label(v)) for k, v in REJECTION_CATEGORIES.items()])


class OutcomeForm(FlaskForm):
    outcome = _text(_l("How the comments were taken into account, overall"), 10000)
    # One answer per theme raised is read from ``answer_<theme>`` (the themes vary per case).
