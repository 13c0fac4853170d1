"""The form that opens a prohibited-conduct case against a firm."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from supervision.accounts.models import Organisation, OrgKind
from supervision.conduct.models import CATEGORY_LABELS
from supervision.core.forms import ChoiceField, opts
from supervision.core.i18n import label
from supervision.extensions import db


class OpenForm(FlaskForm):
    firm_id = ChoiceField(_l("Firm concerned"), coerce=int, validators=[DataRequired(_l("Choose a firm."))])
    category = ChoiceField(_l("Category of conduct (Art. 43)"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the case a title.")), Length(max=300)])
    description = TextAreaField(_l("The conduct: what, when and where"),
                                validators=[DataRequired(_l("Describe the conduct.")), Length(max=20000)])
    source = TextAreaField(_l("How it came to light (complaint, inspection, report …)"),
                           validators=[Optional(), Length(max=5000)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        firms = db.session.execute(db.select(Organisation.id, Organisation.name_zh, Organisation.name_en)
                                   .where(Organisation.kind == OrgKind.FIRM.value)
                                   .order_by(Organisation.name_zh)).all()
        self.firm_id.choices = opts([(0, "—")] + [(f.id, f"{f.name_zh} / {f.name_en}") for f in firms])
        self.category.choices = opts([("", "—")] + [(k, label(v)) for k, v in CATEGORY_LABELS.items()])
