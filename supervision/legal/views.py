"""The legal-bases pages (administrators): instruments and their status, provisions, and the
provisions each decision kind cites under the legal nature in force."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.core.forms import opts
from supervision.core.i18n import label, lang
from supervision.decisions import bases
from supervision.decisions import kinds as kind_config
from supervision.legal import services
from supervision.legal.forms import InstrumentForm, KindBasisForm, ProvisionForm
from supervision.legal.model import cite

bp = Blueprint("legal", __name__)

STATUS_LABELS = {"adopted": "Adopted", "draft_example": "Draft example (not adopted)"}


def _kind_rows() -> list[dict]:
    rows = []
    for kind in kind_config.installed().values():
        try:
            cited = bases.basis_of(kind.key)
        except services.LegalError:
            cited = []
        rows.append({"kind": kind, "cited": [(p, p.cite(lang())) for p in cited],
                     "context": cite(bases.context_of(kind.key), lang()),
                     "sample": bool(services.not_adopted(cited)), "penalty": kind.is_penalty()})
    return rows


@bp.route("/admin/legal-bases")
@policies.policy(policies.ADMINS)
def index():
    provision_form = ProvisionForm()
    provision_form.instrument.choices = _instrument_choices()
    return render_template("legal/index.html", kinds=_kind_rows(), instruments=services.instruments().values(),
                           provisions=services.provisions(), status_labels=STATUS_LABELS,
                           instrument_form=InstrumentForm(formdata=None), provision_form=provision_form)


def _instrument_choices():
    return opts((i.key, i.title(lang())) for i in services.instruments().values())


@bp.route("/admin/legal-bases/instruments", methods=["POST"])
@bp.route("/admin/legal-bases/instruments/<key>", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def instrument(key: str | None = None):
    found = services.instrument(key) if key else None
    if key and found is None:
        abort(404)
    form = InstrumentForm(obj=found) if found else InstrumentForm()
    if form.validate_on_submit():
        try:
            services.save_instrument(found.key if found else form.key.data, title_zh=form.title_zh.data,
                                     title_en=form.title_en.data, issuing_body_zh=form.issuing_body_zh.data,
                                     issuing_body_en=form.issuing_body_en.data,
                                     document_number=form.document_number.data or "",
                                     adopted_on=form.adopted_on.data, status=form.status.data, actor=current_user)
        except services.LegalError as err:
            form.status.errors = list(form.status.errors) + [label(err.message, **err.params)]
        else:
            flash(_("The instrument was saved. Decisions issued from now on cite it as recorded."), "success")
            return redirect(url_for("legal.index")), 303
    status = 422 if form.errors else 200
    return render_template("legal/instrument.html", form=form, found=found), status


@bp.route("/admin/legal-bases/provisions", methods=["POST"])
@policies.policy(policies.ADMINS)
def provision():
    form = ProvisionForm()
    form.instrument.choices = _instrument_choices()
    if form.validate_on_submit():
        key = f"{form.instrument.data}:{form.article.data}"
        if form.item.data:
            key += f".{form.paragraph.data or 0}.{form.item.data}"
        elif form.paragraph.data:
            key += f".{form.paragraph.data}"
        try:
            services.save_provision(key, text_zh=form.text_zh.data, text_en=form.text_en.data, actor=current_user)
        except services.LegalError as err:
            form.article.errors = list(form.article.errors) + [label(err.message, **err.params)]
        else:
            flash(_("The provision was saved."), "success")
            return redirect(url_for("legal.index")), 303
    return render_template("legal/provision_error.html", form=form), 422


@bp.route("/admin/legal-bases/kinds/<kind_key>", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def kind_basis(kind_key: str):
    kind = kind_config.installed().get(kind_key)
    if kind is None:
        abort(404)
    known = services.provisions()
    form = KindBasisForm()
    form.provisions.choices = opts((key, f"{p.cite(lang())} — {p.text_zh if lang() == 'zh' else p.text_en}")
                                   for key, p in known.items())
    if form.validate_on_submit():
        chosen = [key for key in known if key in set(form.provisions.data or ())]
        try:
            bases.set_basis(kind.key, chosen, actor=current_user)
        except services.LegalError as err:
            form.provisions.errors = list(form.provisions.errors) + [label(err.message, **err.params)]
        else:
            flash(_("The legal basis was saved. Decisions issued from now on cite it."), "success")
            return redirect(url_for("legal.index") + f"#kind-{kind.key}"), 303
    elif not form.is_submitted():
        form.provisions.data = list(bases.basis_keys(kind.key))
    return render_template("legal/kind.html", kind=kind, form=form), 422 if form.errors else 200
