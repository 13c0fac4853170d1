"""The decisions on a compensation claim (行政赔偿决定书 / 不予赔偿决定书): one ``DecisionKind``
each, with its template in ``templates/compensation/decisions/``.

Their basis is configuration like every other kind's (``supervision.legal``): 国家赔偿法 Art. 4(4)
(an unlawful act harming property) and Art. 13 (the decision within two months), Art. 36(8) (direct
loss), and under licence 行政许可法 Art. 69 ¶4 first.  They are challenged in court within three
months of the decision (国家赔偿法 Art. 14), not by reconsideration: the templates state that
remedy themselves (``appealable`` is off, so the general notice is not printed).
"""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.compensation.services import claim_of, yuan
from supervision.decisions.kinds import DecisionKind
from supervision.decisions.services import date_text
from supervision.core.timeutil import local_date
from supervision.registry.services import registration_of

NATURE = "REGISTRATION_NATURE"
BASIS = {"filing": ("state_compensation:4.0.4", "state_compensation:13", "state_compensation:36.0.8"),
         "licence": ("licensing:69.4", "state_compensation:4.0.4", "state_compensation:13",
                     "state_compensation:36.0.8")}


def claim_facts(case: Case, firing) -> dict[str, Any]:
    """The rescission the claim follows (its number and date), what was claimed and when, and the
    amount awarded (the approved proposal's)."""
    claim = claim_of(case)
    reg = registration_of(claim.registration_case)
    received = local_date(case.created_at)
    rescinded = local_date(claim.rescission.issued_at)
    return {"subject": claim.registration_case.title, "rescission_number": claim.rescission.number,
            "registration_number": (reg.registration_number if reg else None) or "",
            "rescinded_zh": date_text(rescinded, "zh"), "rescinded_en": date_text(rescinded, "en"),
            "received_zh": date_text(received, "zh"), "received_en": date_text(received, "en"),
            "claimed": yuan(claim.amount_claimed), "awarded": yuan(claim.amount_proposed)}


def _tpl(name: str) -> str:
    return f"compensation/decisions/{name}.html"


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind(
        "compensation_award", "行政赔偿决定书", "Decision on Compensation", "{dept}赔",
        _tpl("award"), False, issued_on=("approve", ("awarded",)), facts=claim_facts,
        reason_from=("propose_award",), decides=True, on_approved_facts=True, nature_setting=NATURE, basis=BASIS),
    DecisionKind(
        "compensation_refusal", "不予赔偿决定书", "Decision to Refuse Compensation", "{dept}不赔",
        _tpl("refusal"), False, issued_on=("approve", ("refused",)), facts=claim_facts,
        reason_from=("propose_refusal",), decides=True, on_approved_facts=True, nature_setting=NATURE, basis=BASIS),
)
