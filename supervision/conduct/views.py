"""The conduct pages: an officer opens a case against a firm (the case page, its actions and its
documents are the case engine's).  Thin: authorise → validate → one service call → redirect."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.conduct import services
from supervision.conduct.forms import OpenForm
from supervision.core.i18n import label

bp = Blueprint("conduct", __name__)


@bp.route("/conduct/new", methods=["GET", "POST"])
@policies.policy(policies.OFFICERS)
def new():
    form = OpenForm()
    if form.validate_on_submit():
        try:
            case = services.open_case(actor=current_user, firm_id=form.firm_id.data, category=form.category.data,
                                      title=form.title.data, description=form.description.data,
                                      source=form.source.data or "")
        except services.ConductError as err:
            flash(label(err.message), "error")
        else:
            flash(_("Case %(n)s was opened.", n=case.number), "success")
            return redirect(url_for("cases.show", case_id=case.id)), 303
    return render_template("conduct/new.html", form=form), 422 if form.errors else 200
