"""The firm's compensation claim form: the amount and the loss (国家赔偿法 Art. 12)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from supervision.compensation.services import MAX_LOSS_LENGTH


class ClaimForm(FlaskForm):
    amount = StringField(_l("Amount claimed (yuan)"), validators=[DataRequired(), Length(max=20)],
                         description=_l("A positive number with at most two decimals, e.g. 12500.00."))
    loss = TextAreaField(_l("The loss and how the rescission caused it"),
                         validators=[DataRequired(), Length(max=MAX_LOSS_LENGTH)],
                         description=_l("State the direct loss, how it was calculated and the evidence you hold; "
                                        "you can add documents on the claim's page after filing it."))
