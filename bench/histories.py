"""Plausible lives of registration cases for the benchmark dataset (pure Python, no database).

A case's life is a list of steps (audit events in the making) produced by walking the real
workflow table (``workflows.registration``) from ``draft`` to a target state, so every
transition in the dataset is one the engine allows.  The statutory clock of each case is
re-computed here with the same rules as ``supervision.cases.clocks.on_enter``, but at the
time of each step rather than "now".

The registry's own events are in the life too, where the app writes them: the model's creation
(with the draft case), draft edits, the classification made on acceptance, the certificate a
tier-2+ firm declares before the grant is proposed, a second model version (in answer to a
supplement or clarification notice, or after registration), the rare tier override, the
sandbox referral of tier-4 models and objections in public notice.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from supervision.core.timeutil import local_date
from supervision.registry.services import REVIEW_STATES
from supervision.workdays.calendar import WorkCalendar
from workflows.base import Context, Workflow

# Share of cases per current state (normalised; roughly a regulator's queue a year in).  Revocation
# is a penalty whose procedure (立案 approved by the head, two enforcement officers, a hearing notice
# with its date and presiding officer, the party's confirmation of the record, legal review,
# collective discussion) is not simulated here: the dataset holds no revocation cases.
STATE_MIX: dict[str, float] = {
    "draft": 6, "submitted": 7, "supplement_requested": 4, "not_accepted": 3,
    "accepted": 3, "classification_review": 10, "clarification_requested": 4,
    "decision_proposed": 4, "public_notice": 3, "registered": 33, "refused": 3,
    "withdrawn": 4, "suspension_noticed": 1.5, "suspension_proposed": 0.6, "suspended": 1.5,
    "rescission_noticed": 0.2, "rescission_proposed": 0.3, "rescinded": 0.3, "deregistration_proposed": 0.2, "deregistered": 2.5,
}
TIER_MIX = {1: 30, 2: 35, 3: 25, 4: 10}
# Who fires each trigger (the workflow table allows these roles).
APPLICANT_TRIGGERS = {"submit", "withdraw", "supplement", "answer_clarification",
                      "file_statement", "request_hearing"}
APPROVER_TRIGGERS = {"approve", "return", "approve_suspension", "return_proposal",
                     "lift_suspension", "approve_revocation", "approve_rescission", "approve_deregistration"}
PUBLIC_TRIGGERS = {"object"}
TEXTS = {
    "reason": ("申请材料不符合法定形式。", "经审查，产品风险分级依据不足。", "未按期提交季度报告。",
               "The applicant asked to withdraw the application.", "发现产品存在未申报的数据采集功能。"),
    "comment": ("请一次性补正：安全测试报告、数据安全方案、伦理自评估表。", "已按要求补充材料，请审查。",
                "请说明最大运行速度的测试条件。", "Please clarify the operating domain of the robot.",
                "同意，请按程序办理。", "陈述申辩意见已提交，详见附件。", "听证笔录已归档。"),
}
REQUIRES = {  # the inputs each trigger needs (from the workflow table: reason / comment / ground)
    "withdraw": "reason", "not_accept": "reason", "propose_refusal": "reason",
    "notice_suspension": "reason", "propose_suspension": "reason", "drop_action": "reason",
    "lift_suspension": "reason", "notice_revocation": "reason", "propose_revocation": "reason",
    "notice_rescission": "reason", "propose_rescission": "reason", "propose_deregistration": "reason",
    "request_supplement": "comment", "supplement": "comment", "request_clarification": "comment",
    "answer_clarification": "comment", "return": "comment", "object": "comment",
    "file_statement": "comment", "return_proposal": "comment", "record_hearing": "comment",
}
OBJECTIONS = ("该机器人在小区内运行时曾多次与行人发生碰撞，请核实其避障能力。",
              "产品宣传的最高速度与申报值不一致。", "我们担心该设备采集住户的人脸信息而未告知。",
              "The robot blocked the fire exit of our building twice last month.",
              "申报的使用场景不包括学校，但该产品已在校园内投放。")
OVERRIDE_REASONS = ("申报的运行场景限于封闭园区，实际风险低于计算结果。",
                    "样机检测发现未申报的远程升级功能，上调一级。",
                    "Operated only behind fixed guarding; the computed tier overstates the risk.")
RECLASSIFY_REASON = "new version in answer to a clarification request"  # as registry.facts writes it


@dataclass
class Step:
    """One audit event of a case, before it gets its time, sequence number and hashes."""

    action: str
    role: str                       # applicant / officer / approver / public
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    document: bool = False          # this step uploads a document (a row to create)
    at: dt.datetime | None = None
    case_event: bool = True         # joins the case's chain (not a model created or edited apart)
    joint: bool = False             # written in the same transaction as the next step


@dataclass
class Life:
    target: str
    tier: int                       # the tier in force (what the workflow routes on)
    computed_tier: int              # what the engine computes from the declared values
    steps: list[Step] = field(default_factory=list)


def _weighted(rng: random.Random, mix: dict) -> Any:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


_FIRST_ROWS: dict[tuple, Any] = {}


def first_row(wf: Workflow, state: str, trigger: str):
    """``wf.rows(state, trigger)[0]`` (``None`` when there is none), looked up once per
    (workflow, state, trigger): the table scan ran for every step of every case."""
    key = (wf.name, wf.version, state, trigger)
    if key not in _FIRST_ROWS:
        rows = wf.rows(state, trigger)
        _FIRST_ROWS[key] = rows[0] if rows else None
    return _FIRST_ROWS[key]


def _loops(rng: random.Random) -> int:
    """Rounds of clarification in review: mostly none or one, a long tail of many."""
    return rng.choices(range(9), weights=[40, 28, 14, 7, 4, 3, 2, 1, 1])[0]


def plan(target: str, tier: int, rng: random.Random) -> list[str]:
    """The triggers that take a new case to ``target`` (with the detours real cases take)."""
    if target == "draft":
        return []
    p = ["submit"]
    if target == "supplement_requested":
        return p + ["request_supplement"]
    if rng.random() < 0.35:
        p += ["request_supplement", "supplement"]
    if target == "submitted":
        return p
    if target == "not_accepted":
        return p + ["not_accept"]
    if target == "withdrawn" and rng.random() < 0.4:
        return p + ["withdraw"]
    p += ["accept"]
    if target == "accepted":
        return p
    p += ["start_review"] + ["request_clarification", "answer_clarification"] * _loops(rng)
    if target == "classification_review":
        return p
    if target == "clarification_requested":
        return p + ["request_clarification"]
    if target == "withdrawn":
        return p + ["withdraw"]
    if rng.random() < 0.15:
        p += ["propose_grant", "return"]
    if target == "refused":
        return p + ["propose_refusal", "approve"]
    if target == "decision_proposed":
        return p + [rng.choice(["propose_grant"] * 5 + ["propose_refusal"])]
    p += ["propose_grant", "approve"]
    if target == "public_notice":
        return p
    if tier >= 2:
        p += ["conclude_notice"]
    return p + _after_registration(target, rng)


def _after_registration(target: str, rng: random.Random) -> list[str]:
    statement = ["file_statement"] if rng.random() < 0.6 else []
    tails = {
        "registered": [],
        "suspension_noticed": ["notice_suspension"] + statement,
        "suspension_proposed": ["notice_suspension"] + statement + ["propose_suspension"],
        "suspended": ["notice_suspension"] + statement + ["propose_suspension", "approve_suspension"],
        "rescission_noticed": ["notice_rescission"] + statement,
        "rescission_proposed": ["notice_rescission"] + statement + ["propose_rescission"],
        "rescinded": ["notice_rescission"] + statement + ["propose_rescission", "approve_rescission"],
        "deregistration_proposed": ["propose_deregistration"],
        "deregistered": ["propose_deregistration", "approve_deregistration"],
    }
    tail = tails[target]
    if target == "registered" and rng.random() < 0.05:  # a suspension that was lifted again
        tail = ["notice_suspension", "file_statement", "propose_suspension",
                "approve_suspension", "lift_suspension"]
    return tail


def role_of(trigger: str) -> str:
    if trigger in APPLICANT_TRIGGERS:
        return "applicant"
    if trigger in APPROVER_TRIGGERS:
        return "approver"
    if trigger in PUBLIC_TRIGGERS:
        return "public"
    return "officer"


def _insert(steps: list[Step], pos: int, step: Step) -> None:
    """Insert ``step`` at ``pos``, never between two steps of one transaction."""
    while pos > 0 and steps[pos - 1].joint:
        pos -= 1
    steps.insert(pos, step)


def _second_version(triggers: list[str], target: str, rng: random.Random) -> str | None:
    """When the firm makes a second version of the model (None: it never does)."""
    r = rng.random()
    if "supplement" in triggers and r < 0.3:
        return "supplement"               # the supplement brings the new version (frozen with it)
    if "answer_clarification" in triggers and r < 0.25:
        return "answer_clarification"     # frozen and classified again with the answer
    if target in ("supplement_requested", "clarification_requested") and r < 0.3:
        return "pending"                  # edited, not yet sent back: an unfrozen version
    return "registered" if r < 0.15 else None  # a later version beside the registered one


def build_life(wf: Workflow, target: str, rng: random.Random) -> Life:
    """Walk the workflow table along ``plan``; documents, the officer's claim and the registry's
    own events included."""
    tier = _weighted(rng, TIER_MIX)
    if target == "public_notice":
        tier = max(tier, 2)
    triggers = plan(target, tier, rng)
    proposes = any(t.startswith("propose_") for t in triggers)
    computed = tier
    if proposes and rng.random() < 0.04:  # the officer overrides the computed tier, with reasons
        computed = {1: 2, 4: 3}.get(tier) or tier + rng.choice((-1, 1))
    life = Life(target, tier, computed)
    steps = life.steps
    state, proposal, claimed, certified, registered = wf.initial, None, False, False, False
    version2 = _second_version(triggers, target, rng)
    referral = tier == 4 and rng.random() < 0.7

    def add(step: Step) -> None:
        nonlocal claimed
        if step.role == "officer" and not claimed:
            steps.append(Step("case.claim", "officer"))
            claimed = True
        steps.append(step)

    def certificate() -> None:  # a certification body records the model's certificate
        nonlocal certified
        add(Step("certificate.record", "certifier", case_event=False))
        certified = True

    add(Step("registry.model_create", "applicant", case_event=False, joint=True))
    add(Step("case.create", "applicant", to_state=wf.initial))
    for _ in range(rng.choice((1, 2, 2, 3))):
        add(Step("document.upload", "applicant", document=True))
    if rng.random() < 0.2:
        add(Step("registry.version_update", "applicant"))
    if tier >= 2 and rng.random() < 0.25:
        certificate()
    for trigger in triggers:
        first = first_row(wf, state, trigger)
        if first is not None and first.proposes:
            proposal = first.proposes
        ctx = Context(None, frozenset(), {"proposal": proposal, "tier": tier}, {})
        row = wf.route(state, trigger, ctx)
        if row is None:
            raise AssertionError(f"{trigger} from {state} is not in the workflow table")
        role = role_of(trigger)
        if trigger == "object" and rng.random() < 0.25:
            role = "officer"  # received by letter or in person and put on record by the officer
        if tier >= 2 and not certified and state in REVIEW_STATES and (
                trigger == "propose_grant" or rng.random() < 0.3):
            certificate()
        if trigger.startswith("propose_") and state == "classification_review":
            if computed != tier and not any(s.action == "registry.tier_override" for s in steps):
                add(Step("registry.tier_override", "officer", reason=rng.choice(OVERRIDE_REASONS)))
            if referral and not any(s.action == "registry.sandbox_referral" for s in steps):
                add(Step("registry.sandbox_referral", "officer"))
        renewed = trigger == version2 and not any(s.action == "registry.version_create" for s in steps)
        if renewed:
            add(Step("registry.version_create", "applicant"))
        details: dict[str, Any] = {}
        text = rng.choice(TEXTS[REQUIRES[trigger]]) if trigger in REQUIRES else None
        if trigger == "object":
            text = rng.choice(OBJECTIONS)
            if role == "public":
                details["filed_publicly"] = True
        if trigger in ("supplement", "answer_clarification") and rng.random() < 0.6:
            add(Step("document.upload", "applicant", document=True))
        if trigger == "record_hearing":  # the hearing record is a required document
            add(Step("document.upload", "officer", document=True, joint=True))
            details["document"] = True
        if trigger == "accept":  # the ruleset in force on acceptance classifies the model
            add(Step("registry.classify", role, joint=True))
        if trigger == "answer_clarification" and renewed:
            add(Step("registry.classify", role, reason=RECLASSIFY_REASON, joint=True))
        if REQUIRES.get(trigger) == "comment":
            details["comment"] = text
        if trigger == "propose_deregistration":
            details["ground"] = rng.choice(["terminated", "firm_withdrawal", "force_majeure"])
        add(Step("case.transition", role, trigger, state, row.dest, reason=text, details=details or None))
        state = row.dest
        registered = registered or state == "registered"
    assert state == target, (state, target)
    if tier >= 2 and not certified and state in REVIEW_STATES and rng.random() < 0.5:
        certificate()
    if referral and state == "classification_review" and not any(
            s.action == "registry.sandbox_referral" for s in steps):
        add(Step("registry.sandbox_referral", "officer"))
    if version2 == "pending" or (version2 == "registered" and registered):
        add(Step("registry.version_create", "applicant", case_event=version2 == "pending"))
    if claimed and rng.random() < 0.08:  # an approver re-assigns the case at some point
        after = next(i for i, s in enumerate(steps) if s.action == "case.claim")
        _insert(steps, rng.randint(after + 1, len(steps)), Step("case.assign", "approver"))
    return life


def add_reads(life: Life, n: int, rng: random.Random) -> None:
    """``n`` more document events in the case's life: officers reading files, late uploads."""
    first = next(i for i, s in enumerate(life.steps) if s.action == "case.create") + 1
    while first < len(life.steps) and life.steps[first].document:
        first += 1  # after the files that came with the draft
    for _ in range(n):
        pos = rng.randint(first, len(life.steps))
        if rng.random() < 0.65:
            _insert(life.steps, pos, Step("document.download", "officer"))
        else:
            _insert(life.steps, pos, Step("document.upload", "applicant", document=True))


def stamp_times(life: Life, wf: Workflow, rng: random.Random, now: dt.datetime,
                earliest: dt.datetime) -> None:
    """Give the steps increasing times; open cases were last touched recently."""
    offsets, t = [], 0.0
    for step in life.steps:
        mean_h = 2 if step.action != "case.transition" else (60 if step.role == "applicant" else 40)
        t += max(rng.expovariate(1 / mean_h), 0.1)
        offsets.append(t)
    open_ = not wf.states[life.target].final and life.target not in ("registered", "suspended")
    age_h = rng.uniform(1, 24 * 14) if open_ else rng.uniform(24 * 10, 24 * 800)
    end = now - dt.timedelta(hours=age_h)
    start = max(end - dt.timedelta(hours=offsets[-1]), earliest)
    prev: Step | None = None
    for step, off in zip(life.steps, offsets):
        if prev is not None and prev.joint:  # one transaction: milliseconds apart
            step.at = prev.at + dt.timedelta(microseconds=rng.randrange(500, 20_000))
        else:
            step.at = min(start + dt.timedelta(hours=off, microseconds=rng.randrange(10**6)),
                          now - dt.timedelta(seconds=1))
        prev = step
    for a, b in zip(life.steps, life.steps[1:]):  # keep the order strict after clamping
        if b.at <= a.at:
            b.at = a.at + dt.timedelta(microseconds=1)


@dataclass
class Clock:
    """The clock columns of a case, as ``clocks.on_enter`` would leave them."""

    name: str | None = None
    started_on: dt.date | None = None
    due: dt.date | None = None
    estimated: bool = False
    paused_at: dt.datetime | None = None
    pauses: list[dict] = field(default_factory=list)


def run_clock(life: Life, wf: Workflow, cal: WorkCalendar) -> Clock:
    """Replay ``clocks.on_enter`` for every state change of the case at its own time."""
    c = Clock()
    for step in life.steps:
        if step.action == "case.create" or (step.action == "case.transition"
                                            and step.to_state != step.from_state):
            _enter(c, wf, step.to_state, step.at, cal)
    return c


def _enter(c: Clock, wf: Workflow, dest: str, at: dt.datetime, cal: WorkCalendar) -> None:
    state, today = wf.states[dest], local_date(at)
    if state.clock is not None:
        if c.name == state.clock.name and c.paused_at is not None:
            lost = max(cal.working_days_between(local_date(c.paused_at), today), 0)
            if lost and c.due is not None:
                d = cal.add_working_days(c.due, lost)
                c.due, c.estimated = d.due, c.estimated or d.estimated
            c.paused_at = None
            for p in c.pauses:
                if p["ended_at"] is None:
                    p["ended_at"], p["working_days"] = at, lost
        elif c.name != state.clock.name:
            d = cal.add_working_days(today, state.clock.working_days)
            c.name, c.started_on, c.due, c.estimated, c.paused_at = (
                state.clock.name, today, d.due, d.estimated, None)
    elif state.pauses is not None:
        if c.name == state.pauses and c.paused_at is None:
            c.paused_at = at
            c.pauses.append({"clock_name": state.pauses, "state": dest, "started_at": at,
                             "ended_at": None, "working_days": None})
    else:
        c.name = c.started_on = c.due = c.paused_at = None
        c.estimated = False
