"""Legal instruments and provisions as configuration (DOMAIN "Legal nature").

An **instrument** (law, regulation, measure) has a title (zh/en), issuing body, document number,
adoption date and a status: ``adopted`` or ``draft_example``.  A **provision** is one article,
paragraph or item of an instrument with a short statement of what it says, named by its key
``<instrument>:<article>[.<paragraph>[.<item>]]`` (``licensing:32.1.5`` = 行政许可法第三十二条第一款
第（五）项; paragraph ``0`` for items of an article without numbered paragraphs: ``licensing:70.0.1``).

Where they come from: ``catalogue.py`` holds the national laws and the regulation (adopted) and
the examples the city has not adopted yet (``measure``: the registration measure;
``law_example``: the law-level basis a licence or a revocation penalty needs), both
``draft_example``.  Administrators record, edit and adopt instruments and provisions on
``/admin/legal-bases`` (rows in ``legal_instruments`` / ``legal_provisions`` take the place of the
catalogue entry with the same key).  Nothing needs seeding: a fresh database answers from the
catalogue; ``services.seed_catalogue()`` writes it as rows (the demo does).

API for other packages (merge branch ``legal-docs``)::

    from supervision.legal import services as legal
    legal.instrument("measure")          # -> model.Instrument | None (catalogue or admin row)
    legal.is_adopted("measure")          # bind a ruleset to "an adopted instrument"
    legal.resolve(["measure:10"])        # -> [model.Provision] (each .of = its Instrument);
                                         #    LegalError for an unknown key
    legal.not_adopted(provisions)        # instruments among them that are not adopted
    legal.issuing_refusal(provisions)    # (N_ message, params) in production when one is not adopted
    from supervision.legal.model import cite
    cite(provisions, "zh")               # 《甲》第一条、第二条，《乙》第三条 / "Arts. 1 and 2 of …"

A decision kind (``decisions.kinds.DecisionKind``) names its basis as provision keys::

    DecisionKind(..., basis=("measure:14",), context=("regulation:48",))
    DecisionKind(..., basis={"filing": (...), "licence": (...)}, nature_setting="REGISTRATION_NATURE",
                 penalty={"filing": False, "licence": True})

``context`` is cited only for what it says (the regulation's Arts. 46, 48), never as the power to
decide; the regulation and 行政处罚法 Art. 9 are refused as a basis (``NEVER_A_BASIS``).
``decisions.bases`` resolves a kind's basis (an administrator's list, else the default for the
nature in force); ``issue_decision`` refuses in production when it is not adopted, and the case
engine refuses the transition that would issue it (with the message for the administrator).
Outside production a decision on a draft example carries the "样例 SAMPLE" mark in its margin.
"""
from __future__ import annotations

from flask import Flask

from workflows.base import N_

NATURE_LABELS = {"filing": N_("Filing (备案)"), "licence": N_("Licence (许可)")}


def nature_label(nature: str) -> str:
    from supervision.core.i18n import label

    return label(NATURE_LABELS.get(nature, nature))


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_nav
    from supervision.legal.views import bp

    app.register_blueprint(bp)
    add_nav(app, NavItem("legal.index", N_("Legal bases"), frozenset({"admin"})))
    app.jinja_env.globals.update(nature_label=nature_label)
