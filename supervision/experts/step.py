"""The expert-review step, the same for every case type that has one.

A workflow marks its expert-review states with the tag ``workflows.base.EXPERT_REVIEW``; its
``CaseType.expert_review`` is an ``ExpertReview``: the recommendations the experts choose from,
the material they are given, the trigger that ends the step once every drawn expert has given
an opinion, and what the firm sees.  Nothing here names a case type.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from supervision.cases import clocks, types
from supervision.cases.models import Case, CaseRole, Deadline
from supervision.extensions import db
from workflows.base import EXPERT_REVIEW

CONFIDENTIAL = "confidential"


@dataclass(frozen=True)
class Material:
    """What the drawn experts of a case are given: facts to read and documents to open."""

    facts: Sequence[tuple[str, str]] = ()   # (N_-marked label, text)
    documents: Sequence[Any] = ()           # documents.models.Document rows


@dataclass(frozen=True)
class ExpertReview:
    """A case type's expert-review settings (``CaseType.expert_review``).

    ``material(case)`` returns the ``Material`` the experts get; it must leave out the firm's
    confidential documents unless the case gives the experts access (``shared_documents``
    helps).  ``complete_trigger`` is fired by the system when every drawn expert has given an
    opinion (the step's clock's ``on_expiry`` ends it when its deadline passes)."""

    recommendations: Sequence[tuple[str, str]]     # (code, N_-marked label), in the form's order
    material: Callable[[Case], Material]
    complete_trigger: str | None = None
    default_n: int = 3
    default_fields: Sequence[str] = ()
    firm_sees_opinions: bool = True                 # the firm sees the opinions (reasons, conditions)
    firm_sees_names: bool = False                   # … and who gave them
    codes: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(code for code, _label in self.recommendations))

    def label_of(self, code: str) -> str:
        return dict(self.recommendations).get(code, code)


def spec_of(case: Case) -> ExpertReview | None:
    """The case type's expert-review settings (None: the case type has no such step)."""
    return types.get(case.case_type).expert_review


def review_states(case: Case) -> tuple[str, ...]:
    return types.workflow(case.case_type).tagged(EXPERT_REVIEW)


def in_review(case: Case) -> bool:
    """The case is in an expert-review step of its workflow now."""
    return spec_of(case) is not None and case.state in review_states(case)


def recommendation_label(case: Case, code: str) -> str:
    spec = spec_of(case)
    return spec.label_of(code) if spec is not None else code


def step_deadline(case: Case) -> Deadline | None:
    """The open deadline of the step the case is in (its state's clock), if any."""
    if not in_review(case):
        return None
    clock = types.workflow(case.case_type).states[case.state].clock
    return clocks.find(case, clock.name) if clock is not None else None


def step_deadlines(cases: Sequence[Case]) -> dict[int, Deadline]:
    """``step_deadline`` of many cases in one query (for a list page)."""
    wanted = {}
    for case in cases:
        if in_review(case):
            clock = types.workflow(case.case_type).states[case.state].clock
            if clock is not None:
                wanted[case.id] = clock.name
    if not wanted:
        return {}
    rows = db.session.execute(db.select(Deadline).where(
        Deadline.case_id.in_(wanted), Deadline.status.in_((clocks.RUNNING, clocks.PAUSED)))).scalars()
    return {d.case_id: d for d in rows if wanted.get(d.case_id) == d.name}


def material_for(case: Case) -> Material:
    spec = spec_of(case)
    return spec.material(case) if spec is not None else Material()


def shared_documents(case: Case, *, confidential: bool = False, decisions: bool = False) -> list[Any]:
    """The case's documents an expert may read, oldest first: the uploads but the confidential
    ones (``confidential``: the case gives the experts access to them too; ``decisions``: the
    authority's issued documents as well)."""
    from supervision.documents.models import Document

    q = db.select(Document).where(Document.case_id == case.id)
    if not decisions:
        q = q.where(Document.kind != "decision")
    if not confidential:
        q = q.where(Document.classification != CONFIDENTIAL)
    return list(db.session.execute(q.order_by(Document.id)).scalars())


def active_experts(case: Case) -> list[int]:
    """User ids of the experts on the case now (drawn and not declined)."""
    return list(db.session.execute(db.select(CaseRole.user_id).where(
        CaseRole.case_id == case.id, CaseRole.role == "expert", CaseRole.ended_at.is_(None))
        .order_by(CaseRole.id)).scalars())


def all_heard(case: Case) -> bool:
    """Every expert on the case has given an opinion (and there is at least one)."""
    from supervision.experts.models import ExpertOpinion

    experts = set(active_experts(case))
    heard = set(db.session.execute(db.select(ExpertOpinion.expert_user_id)
                                   .where(ExpertOpinion.case_id == case.id)).scalars())
    return bool(experts) and experts <= heard


def complete_if_all_heard(case: Case) -> bool:
    """End the step (the system fires ``complete_trigger``) once every drawn expert has given
    an opinion; True when it did."""
    from supervision.cases import services as cases
    from supervision.core.actors import SYSTEM

    spec = spec_of(case)
    if spec is None or spec.complete_trigger is None or not in_review(case) or not all_heard(case):
        return False
    wf = types.workflow(case.case_type)
    if not wf.rows(case.state, spec.complete_trigger):
        return False
    cases.fire(case, spec.complete_trigger, actor=SYSTEM)
    return True
