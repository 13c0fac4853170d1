"""Small helpers for WTForms: choices, and choice fields whose refusals speak plainly."""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

NOT_OFFERED = _l("Choose one of the offered options.")


def opts(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value=v, label=label) for v, label in pairs]


class _PlainRefusal:
    """Mixin: a forged or malformed value gets "Choose one of the offered options."
    (WTForms' own "Invalid Choice: could not coerce." means nothing to a user)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as err:
            raise ValueError(str(NOT_OFFERED)) from err

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as err:
            raise ValidationError(str(NOT_OFFERED)) from err


class ChoiceField(_PlainRefusal, SelectField):
    """A select with the plain refusal."""


class MultiCheckboxField(_PlainRefusal, SelectMultipleField):
    """Check boxes for a multiple choice, with the same plain refusal."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
