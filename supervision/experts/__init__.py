"""The expert pool (Art. 8): experts and their conflicts, recorded draws anyone can replay,
"my assignments" and structured opinions.  ``init_app`` adds the pages, the case panel, the
navigation entries and the ``flask experts`` commands.

The expert-review step (``step``) — how a case type uses the pool:

1. In the workflow table, tag the expert-review state(s) with ``workflows.base.EXPERT_REVIEW``.
   Give the state its own ``Clock`` (its period; ``CASE_CLOCKS`` may configure the length) with
   ``on_expiry`` naming a ``system`` trigger that leaves the step, and ``pauses=`` the statutory
   clock that must stand still meanwhile (e.g. 行政许可法 Art. 45), e.g.::

       REVIEW = Clock("expert_review", 15, N_("Expert review"), on_expiry="end_expert_review")
       State("expert_review", N_("Expert review"), clock=REVIEW, pauses="decision",
             tags=frozenset({EXPERT_REVIEW}))
       t("seek_expert_opinion", "screening", "expert_review", ["officer"], N_("Seek expert opinion"))
       t("end_expert_review", "expert_review", "screening", ["system"], N_("End expert review"))

2. On the ``CaseType`` set ``expert_review=step.ExpertReview(recommendations=((code, N_(label)),
   …), material=fn, complete_trigger="end_expert_review", default_n=…, default_fields=…,
   firm_sees_opinions=…, firm_sees_names=…)``.  ``material(case)`` returns a ``step.Material``
   (facts as (N_ label, text) pairs, documents); ``step.shared_documents(case)`` gives the
   case's documents without the firm's confidential ones (``confidential=True`` only where the
   case gives experts access).

What follows without more code: while the case is in the step its officer gets "Draw experts"
on the case page (``/cases/<id>/experts/draw``: N, fields, a reason for a re-draw; the seed is
the platform's); drawn experts hold the case role ``expert``, are told (audience
``drawn_experts``), see the case under "My assignments" with the material and the step's
deadline, decline (a replacement is drawn) or give one opinion with a recommendation from the
case type's list (a correction is a new linked opinion).  Opinions and draws are accepted only
during the step; the last opinion due makes the system fire ``complete_trigger``; officers,
approvers and auditors see every opinion with its author, the firm what ``ExpertReview`` allows.
"""
from __future__ import annotations

from flask import Flask

from workflows.base import N_

# How the pool's audit events read on pages (case timelines, the audit log).
ACTION_LABELS = {
    "expert.create": N_("Expert added to the pool"),
    "expert.activate": N_("Expert reactivated"),
    "expert.deactivate": N_("Expert deactivated"),
    "expert.conflict_declare": N_("Conflict of interest declared"),
    "expert.conflict_end": N_("Conflict declaration ended"),
    "expert.draw": N_("Experts drawn"),
    "expert.opinion": N_("Expert opinion given"),
    "expert.opinion_correct": N_("Expert opinion corrected"),
}


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_case_panel, add_nav
    from supervision.experts.cli import experts_cli
    from supervision.experts.step import recommendation_label
    from supervision.experts.views import bp, panel_for
    app.register_blueprint(bp)
    app.extensions.setdefault("action_labels", {}).update(ACTION_LABELS)
    add_case_panel(app, "experts/_case_panel.html", tab="experts")
    add_nav(app, NavItem("experts.assignments", N_("My assignments"), frozenset({"expert"})))
    add_nav(app, NavItem("experts.admin", N_("Expert pool"), frozenset({"admin"})))
    app.jinja_env.globals.update(expert_panel=panel_for, expert_recommendation=recommendation_label)
    app.cli.add_command(experts_cli)
