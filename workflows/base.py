"""Shared machinery of the declarative workflows.

A workflow is a table of ``State`` and ``Transition`` rows plus named guards.  From that one
table come the ``transitions`` machine (one per workflow, shared by every case), the action
buttons a user sees, the server-side check of a POST, the diagram on the help page and the
tests.  Labels carry the no-op marker ``N_`` so Babel extracts them; the web layer translates
them when rendering.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from transitions import Machine, MachineError


def N_(text: str) -> str:
    """Mark a label for translation without translating it here."""
    return text


# What a transition is, beyond where it goes: the engine keeps a proposal on the case from a
# ``proposal`` row until an ``approval`` or a ``return`` row decides it (four eyes).
PROPOSAL, APPROVAL, RETURN = "proposal", "approval", "return"
# A state tag: while a case is in a state carrying it (a public notice of an approved grant),
# no decision that decides the case may be issued (``DecisionKind.decides``); the decisions
# domain refuses it.
DECISIONS_WITHHELD = "decisions_withheld"
# A state tag: a firm's case not yet submitted (its draft).  Nobody outside the firm sees it,
# lists it or acts on it (``policies``): it is not yet a matter before the authority.
UNSUBMITTED = "unsubmitted"
KINDS = frozenset({PROPOSAL, APPROVAL, RETURN})
FIELD_TYPES = frozenset({"text", "line", "choice", "document", "date", "list"})


@dataclass(frozen=True)
class Field:
    """One input a transition takes from the actor (its form field and its server check)."""

    name: str
    type: str                          # text (several lines), line, choice, document, date,
                                       # list (items entered one by one: a tuple of lines)
    label: str                         # N_-marked
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (value, N_-marked label) for a choice
    max_length: int = 10000
    # A fact naming the choices that apply to this case now (a subset of ``choices``; for a
    # field without static choices, the (value, name) pairs themselves: people on the case):
    # only they are offered, and another is refused.
    choices_from: str | None = None

    def narrowed(self, facts: Mapping[str, Any]) -> "Field":
        """This field with only the choices that apply now (``choices_from``)."""
        if not self.choices_from or self.choices_from not in facts:
            return self
        if not self.choices:  # choices drawn from the case itself (people): (value, name) pairs
            return replace(self, choices=tuple((str(v), str(n)) for v, n in facts[self.choices_from]))
        allowed = set(facts[self.choices_from])
        return replace(self, choices=tuple(c for c in self.choices if c[0] in allowed))

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable for this field (None: it is)."""
        if self.type == "list" and isinstance(value, str):
            return N_("Enter the items one by one.")
        if self.type == "list" and value is not None:
            value = tuple(str(v).strip() for v in value if str(v).strip())
            if any(len(v) > self.max_length for v in value):
                return N_("The text is too long.")
        empty = value is None or (isinstance(value, (str, tuple)) and not (value.strip() if isinstance(value, str) else value))
        if empty:
            if not self.required:
                return None
            if self.type == "choice":
                return N_("Choose one of the listed options.")
            return REQUIRED_MESSAGES.get(self.type if self.type == "document" else self.name,
                                         N_("Fill in every required field."))
        if self.type == "choice" and value not in dict(self.choices):
            return N_("Choose one of the listed options.")
        if self.type in ("text", "line") and len(str(value)) > self.max_length:
            return N_("The text is too long.")
        return None


# How a clock counts: working days by the official calendar, calendar days (both from the day
# after the start, Asia/Shanghai dates), or hours from the exact start time.
CLOCK_UNITS = ("working_days", "calendar_days", "hours")


@dataclass(frozen=True)
class Clock:
    """A period the case runs against while a state lasts, e.g. ``Clock("acceptance", 5,
    N_("Acceptance decision"))``: five working days from entering the state.

    ``length`` is the default; an installation may configure another per case type.
    ``on_expiry`` names a trigger the timer fires (as the system actor) when the period runs
    out; without it the deadline is flagged overdue.  ``starts_from`` names a recorded event
    time (``"served_at"``, ``"aware_at"``) the period runs from instead of entering the state.
    """

    name: str
    length: int
    label: str = ""
    unit: str = "working_days"
    on_expiry: str | None = None
    starts_from: str | None = None

    def __post_init__(self) -> None:
        if self.unit not in CLOCK_UNITS:
            raise ValueError(f"clock {self.name!r}: unit must be one of {', '.join(CLOCK_UNITS)}")
        if not isinstance(self.length, int) or isinstance(self.length, bool) or self.length < 0:
            raise ValueError(f"clock {self.name!r}: length must be a whole number, 0 or more")

    @property
    def working_days(self) -> int | None:
        """The length of a working-day clock (None for other units)."""
        return self.length if self.unit == "working_days" else None


@dataclass(frozen=True)
class State:
    name: str
    label: str
    clock: Clock | None = None       # the clock that runs in this state (started or resumed)
    pauses: str | None = None        # the clock that stands still in this state
    final: bool = False
    tags: frozenset[str] = frozenset()  # the groups the state belongs to (e.g. "editable")


@dataclass(frozen=True)
class Transition:
    trigger: str
    source: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    label: str
    guards: tuple[str, ...] = ()     # named checks that must pass; failures are shown to the user
    when: str | None = None          # routing condition choosing between rows of one trigger
    fields: tuple[Field, ...] = ()   # the inputs the actor supplies
    danger: bool = False             # shown as a destructive action
    kind: str | None = None          # PROPOSAL, APPROVAL, RETURN or None
    proposes: str | None = None      # for a proposal: what is proposed (e.g. "grant")
    tags: frozenset[str] = frozenset()  # what the action means to others (e.g. "information_request")

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)


@dataclass(frozen=True)
class Context:
    """What guards see: the actor, facts about the case gathered by the service, the inputs."""

    actor_id: int | None
    actor_roles: frozenset[str]
    facts: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict)
    # True while buttons are drawn (the inputs are samples): a guard that checks an input's
    # value against the facts lets it pass then, and checks the real value on the POST.
    probe: bool = False


Guard = Callable[[Context], "str | None"]  # None = passes; otherwise the (N_-marked) reason
# A routing condition (``Transition.when``) follows the same convention: None means it holds.
Condition = Guard

ROLE_REFUSED = N_("Your role may not take this action.")


class TransitionRefused(Exception):
    """The trigger exists here but the actor may not fire it now; ``reasons`` say why.

    ``forbidden`` is true when the actor's roles exclude the action altogether (as opposed to
    a guard that may pass later), so the web layer can answer 403 instead of a hint.
    """

    def __init__(self, reasons: list[str], *, forbidden: bool = False,
                 params: Mapping[str, Any] | None = None):
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.forbidden = forbidden
        self.params = dict(params or {})  # values for the %(name)s fields of the reasons


class InvalidTrigger(Exception):
    """The trigger does not exist in the case's current state."""


def t(trigger: str, source: str | Iterable[str], dest: str, roles: Iterable[str], label: str,
      **kw: Any) -> Transition:
    """Shorthand for one row of a transition table."""
    src = (source,) if isinstance(source, str) else tuple(source)
    return Transition(trigger, src, dest, frozenset(roles), label,
                      guards=tuple(kw.pop("guards", ())), fields=tuple(kw.pop("fields", ())),
                      tags=frozenset(kw.pop("tags", ())), **kw)


class WorkflowError(AssertionError):
    """A workflow table that contradicts itself (found when the table is built, at import)."""


def _require(condition: bool, message: object) -> None:
    """A check of a workflow table that stays on under ``python -O`` (unlike ``assert``)."""
    if not condition:
        raise WorkflowError(message)


class Workflow:
    def __init__(self, *, name: str, version: int, label: str, initial: str,
                 states: Iterable[State], transitions: Iterable[Transition],
                 guards: Mapping[str, Guard], conditions: Mapping[str, Condition] | None = None):
        self.name = name
        self.version = version
        self.label = label
        self.initial = initial
        self.states: dict[str, State] = {s.name: s for s in states}
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.guards = dict(guards)
        self.conditions = dict(conditions or {})
        self._validate()
        self.machine = Machine(
            model=None,
            states=list(self.states),
            initial=initial,
            transitions=[self._machine_row(tr) for tr in self.transitions],
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
            ignore_invalid_triggers=False,
        )

    # -- construction -------------------------------------------------------------------
    def _validate(self) -> None:
        _require(self.initial in self.states, self.initial)
        for tr in self.transitions:
            for s in (*tr.source, tr.dest):
                _require(s in self.states, f"{self.name}: unknown state {s!r} in {tr.trigger}")
            for g in tr.guards:
                _require(g in self.guards, f"{self.name}: unknown guard {g!r}")
            _require(tr.when is None or tr.when in self.conditions, tr.when)
            _require(all(f.type in FIELD_TYPES for f in tr.fields), tr.trigger)
            _require(tr.kind is None or tr.kind in KINDS, tr.kind)
            _require((tr.kind == PROPOSAL) == (tr.proposes is not None),
                     f"{self.name}: {tr.trigger} must name what it proposes (and only a proposal does)")
            _require(bool(tr.roles), f"{tr.trigger} has no roles")
        # A clock's expiry trigger must be one the table offers where that clock runs.
        for state in self.states.values():
            if state.clock is not None and state.clock.on_expiry is not None:
                _require(bool(self.rows(state.name, state.clock.on_expiry)),
                         f"{self.name}: {state.clock.on_expiry!r} (expiry of {state.clock.name!r}) "
                         f"is not a trigger from {state.name!r}")
        # Rows of one trigger from one state differ only in destination and routing condition:
        # who may fire it, its guards and its inputs are decided before the route is known.
        for state in self.states:
            for trig in self.triggers(state):
                rows = self.rows(state, trig)
                first = rows[0]
                for other in rows[1:]:
                    _require((other.roles, other.guards, other.fields, other.kind) == (
                        first.roles, first.guards, first.fields, first.kind),
                        f"{self.name}: rows of {trig!r} from {state!r} disagree")
                for row in rows[:-1]:
                    _require(row.when is not None,
                             f"{self.name}: {trig!r} from {state!r} has a row no firing can reach")

    def _machine_row(self, tr: Transition) -> dict[str, Any]:
        checks = [self._as_condition(self.guards[g]) for g in tr.guards]
        if tr.when:
            checks.append(self._as_condition(self.conditions[tr.when]))
        return {"trigger": tr.trigger, "source": list(tr.source), "dest": tr.dest,
                "conditions": checks}

    @staticmethod
    def _as_condition(fn: Guard) -> Callable[[Any], bool]:
        return lambda event: fn(event.kwargs["ctx"]) is None

    # -- queries ------------------------------------------------------------------------
    def rows(self, state: str, trigger: str | None = None) -> list[Transition]:
        return [tr for tr in self.transitions
                if state in tr.source and (trigger is None or tr.trigger == trigger)]

    def allowed(self) -> frozenset[tuple[str, str, str]]:
        """Every (state, trigger, role) the table allows, guards aside."""
        return frozenset((src, tr.trigger, role)
                         for tr in self.transitions for src in tr.source for role in tr.roles)

    def may(self, state: str, trigger: str, roles: frozenset[str]) -> bool:
        """Whether any of ``roles`` may fire ``trigger`` in ``state`` (guards aside)."""
        return any(tr.roles & roles for tr in self.rows(state, trigger))

    def triggers(self, state: str) -> list[str]:
        seen: list[str] = []
        for tr in self.rows(state):
            if tr.trigger not in seen:
                seen.append(tr.trigger)
        return seen

    def refusals(self, state: str, trigger: str, ctx: Context) -> list[str]:
        """Why ``ctx`` may not fire ``trigger`` in ``state`` now (empty list: it may)."""
        rows = self.rows(state, trigger)
        if not rows:
            raise InvalidTrigger(f"{self.name}: no {trigger!r} from {state!r}")
        first = rows[0]
        if not (first.roles & ctx.actor_roles):
            return [ROLE_REFUSED]
        reasons: list[str] = []
        for g in first.guards:
            why = self.guards[g](ctx)
            if why:
                reasons.append(why)
        for f in first.fields:
            why = f.narrowed(ctx.facts).problem(ctx.inputs.get(f.name))
            if why and why not in reasons:
                reasons.append(why)
        if not reasons and self.route(state, trigger, ctx) is None:
            reasons.append(N_("This action does not apply to this case."))
        return reasons

    def route(self, state: str, trigger: str, ctx: Context) -> Transition | None:
        """The row whose routing condition holds (the destination this firing will reach)."""
        for tr in self.rows(state, trigger):
            if tr.when is None or self.conditions[tr.when](ctx) is None:
                return tr
        return None

    def available(self, state: str, ctx: Context) -> list[tuple[Transition, list[str]]]:
        """Every trigger the actor's roles allow here, with the reasons it is refused (if any).

        Inputs are not yet supplied when buttons are drawn, so required inputs don't count.
        """
        out = []
        for trig in self.triggers(state):
            row = self.rows(state, trig)[0]
            if row.roles & ctx.actor_roles:
                row = replace(row, fields=tuple(f.narrowed(ctx.facts) for f in row.fields))
                probe = Context(ctx.actor_id, ctx.actor_roles, ctx.facts,
                                {f.name: _sample(f) for f in row.fields}, probe=True)
                out.append((row, self.refusals(state, trig, probe)))
        return out

    # -- firing -------------------------------------------------------------------------
    def fire(self, model: Any, trigger: str, ctx: Context) -> Transition:
        """Check and apply ``trigger`` to ``model`` (whose ``state`` attribute changes)."""
        state = model.state
        reasons = self.refusals(state, trigger, ctx)
        if reasons:
            raise TransitionRefused(reasons, forbidden=reasons == [ROLE_REFUSED])
        row = self.route(state, trigger, ctx)
        try:
            ok = self.machine.events[trigger].trigger(model, ctx=ctx)
        except MachineError as err:  # pragma: no cover - refusals() already caught it
            raise InvalidTrigger(str(err)) from err
        if not ok:  # pragma: no cover - guards are pure, so the machine agrees with refusals()
            raise TransitionRefused([N_("This action does not apply to this case.")])
        if row is None:  # pragma: no cover - the machine fired, so a row matched
            raise InvalidTrigger(trigger)
        return row

    def state_label(self, name: str) -> str:
        return self.states[name].label if name in self.states else name

    def tagged(self, tag: str) -> tuple[str, ...]:
        """The states carrying ``tag``, in table order (a state group has one home: the table)."""
        return tuple(s.name for s in self.states.values() if tag in s.tags)

    def row_of(self, trigger: str) -> Transition | None:
        """The first row of ``trigger`` (for its label and fields wherever it is fired from)."""
        return next((tr for tr in self.transitions if tr.trigger == trigger), None)


def _sample(field: Field) -> Any:
    """A value that satisfies ``field`` (buttons are drawn before the actor types anything)."""
    if field.type == "list":
        return ("x",)
    if field.type == "date":
        return "9999-12-31"
    if field.type == "choice" and not field.choices:
        return None  # nothing applies now: the refusal says so
    return field.choices[0][0] if field.type == "choice" and field.choices else "x"


REQUIRED_MESSAGES = {
    "reason": N_("Give the reasons for this action."),
    "comment": N_("Write a comment for this action."),
    "document": N_("Attach the supporting document."),
}
# The inputs most actions take.
REASON = Field("reason", "text", N_("Reasons"))
COMMENT = Field("comment", "text", N_("Comment"))
# A file the firm sends with its answer to a request, in the same form.
ATTACHMENT = Field("attachment", "document", N_("Attachment"), required=False)
# An approver's opinion (审批意见), recorded with the approval; never the decision's reasons.
OPINION = Field("opinion", "text", N_("Approval opinion"), required=False)
DOCUMENT = Field("document", "document", N_("Document"))


def four_eyes(ctx: Context) -> str | None:
    """The user who proposed a decision may not approve or return it."""
    proposer = ctx.facts.get("proposed_by_id")
    if proposer is not None and proposer == ctx.actor_id:
        return N_("You proposed this decision; another approver must decide it (four eyes).")
    return None


# -- the expert-review step (supervision.experts) -- experts-ui ---------------------------------
# A state carrying this tag is an expert-review step: the officer draws experts there and the
# drawn experts give their opinions.  The case type's ``CaseType.expert_review`` says what the
# experts get and which recommendations they choose from.
EXPERT_REVIEW = "expert_review"
