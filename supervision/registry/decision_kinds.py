"""The registration procedure's decisions and notices (DOMAIN §6.1, §8): one ``DecisionKind``
row each, with its template in ``templates/registry/decisions/`` and the facts it prints.

Each kind's basis is a list of provisions per legal nature (``REGISTRATION_NATURE``: "filing",
the default, or "licence"; the README's table).  The implementing measure they cite is the
catalogue's example (``supervision.legal.catalogue``) until the city adopts one; so is the
law-level basis a licence or a revocation penalty needs.  The regulation's Art. 48 is cited only
for what it says (the mechanism being explored), never as the power to decide.
"""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case

from supervision.decisions.kinds import DecisionKind
from supervision.registry.decision_facts import (after_notice, grant_facts, ground_facts, hearing_notice_facts,
                                                 non_acceptance_facts, registered_facts, rescission_facts, rescission_notice_facts,
                                                 supplement_facts, tier_facts)

FILING, LICENCE = "filing", "licence"
NATURES = (FILING, LICENCE)
NATURE = "REGISTRATION_NATURE"   # the config setting that chooses
EXPLORED = ("regulation:48",)    # cited for what it says: the registration mechanism explored


def _by_nature(filing: tuple[str, ...], licence: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {FILING: filing, LICENCE: licence}


def _tpl(name: str) -> str:
    return f"registry/decisions/{name}.html"


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind(
        "acceptance", "受理通知书", "Notice of Acceptance", "{dept}登受", _tpl("acceptance"), False,
        issued_on=(("accept", "deem_accepted"), None), facts_matter=False, nature_setting=NATURE,
        basis=_by_nature(("measure:10",), ("licensing:32.1.5", "measure:10"))),
    DecisionKind(
        "non_acceptance", "不予受理决定书", "Decision not to Accept an Application", "{dept}登不受",
        _tpl("non_acceptance"), True, issued_on=("not_accept", None), nature_setting=NATURE, decides=True,
        facts=non_acceptance_facts, letter=True,
        basis=_by_nature(("measure:11",), ("licensing:32.1.2", "measure:11"))),
    DecisionKind(
        "supplement_notice", "补正通知书", "Notice to Supplement Application Materials", "{dept}登补",
        _tpl("supplement_notice"), False, issued_on=("request_supplement", None), facts=supplement_facts,
        facts_matter=False,
        nature_setting=NATURE, basis=_by_nature(("measure:9",), ("licensing:32.1.4", "measure:9"))),
    DecisionKind(
        "grant", "准予注册决定书", "Decision to Grant Registration", "{dept}登", _tpl("grant"), False,
        issued_on=(("approve", "conclude_notice"), ("registered",)), ends={"grant": "superseded"}, facts=grant_facts,
        decides=True, on_approved_facts=True, contradicts=("refusal",),
        nature_setting=NATURE, context=EXPLORED,
        basis=_by_nature(("measure:14",), ("law_example:1", "licensing:38.1", "measure:14"))),
    DecisionKind(
        "refusal", "不予注册决定书", "Decision to Refuse Registration", "{dept}登不", _tpl("refusal"), True,
        issued_on=("approve", ("refused",)), reason_from=("propose_refusal",), facts=tier_facts,
        decides=True, on_approved_facts=True, contradicts=("grant",),
        nature_setting=NATURE, context=EXPLORED,
        basis=_by_nature(("measure:15",), ("law_example:1", "licensing:38.2", "measure:15"))),
    DecisionKind(
        "suspension_notice", "暂停注册事先告知书", "Prior Notice of Intended Suspension",
        "{dept}登停告", _tpl("suspension_notice"), False, defence=True,
        issued_on=("notice_suspension", None), facts=registered_facts, nature_setting=NATURE,
        penalty={FILING: False, LICENCE: True},
        basis=_by_nature(("measure:20",), ("law_example:3", "penalty:44", "penalty:45"))),
    DecisionKind(
        "revocation_notice", "吊销注册事先告知书", "Prior Notice of Intended Revocation",
        "{dept}罚告", _tpl("revocation_notice"), False, defence=True, hearing=True,
        issued_on=("notice_revocation", None), facts=registered_facts, penalty=True,
        basis=("law_example:2", "penalty:44", "penalty:45", "penalty:63")),
    # 听证通知书 (行政处罚法 Art. 64): issued as the hearing is notified, at least seven working days
    # before it; served and its service recorded like every notice.
    DecisionKind(
        "hearing_notice", "听证通知书", "Notice of Hearing", "{dept}罚听", _tpl("hearing_notice"), False,
        issued_on=("schedule_hearing", None), facts=hearing_notice_facts, penalty=True,
        basis=("penalty:64",)),
    DecisionKind(
        "suspension", "暂停注册决定书", "Decision to Suspend Registration", "{dept}登停",
        _tpl("suspension"), True, issued_on=("approve_suspension", None), decides=True,
        facts=after_notice("suspension_notice", "notice_suspension"), nature_setting=NATURE, restricts=True,
        penalty={FILING: False, LICENCE: True},
        basis=_by_nature(("measure:20",), ("law_example:3",))),
    DecisionKind(
        "lifting", "恢复注册决定书", "Decision to Lift the Suspension of Registration", "{dept}登复",
        _tpl("lifting"), False, issued_on=("lift_suspension", None), ends={"suspension": "superseded"},
        facts=registered_facts, basis=("measure:21",)),
    DecisionKind(
        "revocation", "吊销注册决定书", "Decision to Revoke Registration", "{dept}罚",
        _tpl("revocation"), True, issued_on=("approve_revocation", None), decides=True,
        facts=after_notice("revocation_notice", "notice_revocation"),
        ends={"grant": "revoked", "suspension": "superseded"}, penalty=True, restricts=True,
        basis=("law_example:2",)),
    DecisionKind(
        "rescission_notice", "撤销注册事先告知书", "Prior Notice of Intended Rescission",
        "{dept}登撤告", _tpl("rescission_notice"), False, defence=True,
        issued_on=("notice_rescission", None), facts=rescission_notice_facts, nature_setting=NATURE,
        basis=_by_nature(("measure:23",), ("measure:23",))),
    DecisionKind(
        "rescission", "撤销注册决定书", "Decision to Rescind Registration", "{dept}登撤",
        _tpl("rescission"), True, issued_on=("approve_rescission", None), decides=True,
        reason_from=("propose_rescission",), ends={"grant": "rescinded", "suspension": "superseded"},
        facts=rescission_facts, nature_setting=NATURE,
        basis=_by_nature(("measure:23",), ("measure:23",))),
    DecisionKind(
        "deregistration", "注销注册决定书", "Decision to Deregister", "{dept}登注",
        _tpl("deregistration"), True, issued_on=("approve_deregistration", None), facts=ground_facts, decides=True,
        reason_from=("propose_deregistration",),
        ends={"grant": "superseded", "suspension": "superseded"}, nature_setting=NATURE,
        basis=_by_nature(("measure:24",), ("licensing:70", "measure:24"))),
)


# -- expert review (experts-ui) ------------------------------------------------------------------

def _expert_review_period(case: Case, firing) -> dict[str, Any]:
    """How long the expert review takes: the step's deadline (started as the case entered it)."""
    from supervision.cases import clocks
    from supervision.decisions.services import date_text
    from workflows.registration import EXPERT_REVIEW_CLOCK

    d = clocks.find(case, EXPERT_REVIEW_CLOCK.name)
    if d is None:
        return {}
    return {"review_length": d.length, "review_unit": d.unit,
            "review_until_zh": date_text(d.due_date, "zh"), "review_until_en": date_text(d.due_date, "en")}


def _extension(case: Case, firing) -> dict[str, Any]:
    """The decision period's new end (Art. 42 ¶1: extended by ten working days)."""
    from supervision.cases import clocks
    from supervision.decisions.services import date_text

    d = clocks.find(case, "decision")
    if d is None:
        return {}
    return {"due_zh": date_text(d.due_date, "zh"), "due_en": date_text(d.due_date, "en")}


# What is done during an Art. 45 pause, in the notice's words.
PROCEDURES = {"hearing": ("听证", "a hearing"), "testing": ("检验、检测", "testing and inspection"),
              "appraisal": ("鉴定", "an appraisal")}


def _procedure(case: Case, firing) -> dict[str, Any]:
    """What is done and until when it is expected to take (Art. 45: told in writing)."""
    import datetime as dt

    from supervision.decisions.services import date_text

    zh, en = PROCEDURES.get(firing.inputs.get("procedure") or "", ("", ""))
    until = firing.inputs.get("expected_until")
    if isinstance(until, str):
        until = dt.date.fromisoformat(until)
    return {"procedure_zh": zh, "procedure_en": en,
            "until_zh": date_text(until, "zh") if until else "", "until_en": date_text(until, "en") if until else ""}


KINDS += (
    DecisionKind(
        "extension_notice", "延长审查期限告知书", "Notice of Extension of the Decision Period", "{dept}登延",
        _tpl("extension_notice"), False, issued_on=("extend_decision_period", None), facts=_extension,
        basis=("licensing:42.1",)),  # issued under licence only (the transition's guard)
    DecisionKind(
        "procedure_notice", "期间中止告知书", "Notice that the Decision Period Stands Still", "{dept}登中",
        _tpl("procedure_notice"), False, issued_on=("pause_for_procedure", None), facts=_procedure,
        nature_setting=NATURE, basis=_by_nature(("measure:13",), ("licensing:45", "measure:13"))),
    DecisionKind(
        "expert_review_notice", "专家评审告知书", "Notice of Expert Review", "{dept}登评",
        _tpl("expert_review_notice"), False, issued_on=("seek_expert_opinion", None),
        facts=_expert_review_period, nature_setting=NATURE, context=EXPLORED,
        basis=_by_nature(("measure:12",), ("licensing:45", "measure:12"))),
)
