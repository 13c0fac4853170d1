"""The sandbox's forms: the application (saved as a draft at any time), an area, a zone."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from supervision.core.forms import ChoiceField, opts

LEVELS = [(0, "—")] + [(i, f"L{i}") for i in range(1, 6)]


class ApplicationForm(FlaskForm):
    model_name = StringField(_l("Robot model"), validators=[Optional()])
    intelligence_level = ChoiceField(_l("Intelligence level"), coerce=int, choices=opts(LEVELS))
    scenarios = TextAreaField(_l("Scenarios"), validators=[Optional()])
    sites = TextAreaField(_l("Sites"), validators=[Optional()])
    units_requested = IntegerField(_l("Number of units"), validators=[Optional(), NumberRange(1, 10_000)])
    unit_codes = TextAreaField(_l("Unit codes to be tested (one per line; your firm's coded units)"),
                               validators=[Optional()])
    period_start = DateField(_l("Start of the test period"), validators=[Optional()])
    period_end = DateField(_l("End of the test period"), validators=[Optional()])
    supervision_ratio = StringField(_l("Human supervision ratio (e.g. 1 supervisor : 3 units)"),
                                    validators=[Optional()])
    emergency_stop = BooleanField(_l("Emergency stop on every unit"))
    remote_takeover = BooleanField(_l("Remote takeover available"))
    insurance = FileField(_l("Insurance evidence (Art. 32): PDF"))
    data_protection_plan = TextAreaField(_l("Data-protection plan (Art. 45)"), validators=[Optional()])
    ethics_assessment = TextAreaField(_l("Ethics self-assessment (Art. 44)"), validators=[Optional()])
    reporting_cadence_days = IntegerField(_l("Reporting cadence (days between reports)"),
                                          validators=[Optional(), NumberRange(1, 366)])


class AreaForm(FlaskForm):
    label = StringField(_l("Name of the area"), validators=[Optional()])
    geojson = TextAreaField(_l("Area as GeoJSON (drawn on the map, or pasted)"), validators=[Optional()])
    upload = FileField(_l("or upload a GeoJSON file"))


class ZoneForm(FlaskForm):
    name = StringField(_l("Name of the zone"), validators=[Optional()])
    geojson = TextAreaField(_l("Zone as GeoJSON (drawn on the map, or pasted)"), validators=[Optional()])
    valid_from = DateTimeLocalField(_l("Valid from (Beijing time)"), validators=[Optional()])
    valid_to = DateTimeLocalField(_l("Valid until (Beijing time; empty: until ended)"), validators=[Optional()])
