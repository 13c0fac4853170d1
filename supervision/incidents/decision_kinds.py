"""The incident's decision (issue 14; DOMAIN §6.3, "Legal nature"): the remediation order
(责令整改通知书), listing the measures and the deadline.  Ordering correction is not a penalty
(行政处罚法 Art. 28); its power is the implementing measure's (an example until the city adopts
one, and marked so); Art. 43 is cited for what it says, never as the power."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.decisions.kinds import DecisionKind


def _order(case: Case, firing) -> dict[str, Any]:
    deadline = str(firing.inputs.get("deadline") or "")
    return {"measures": [str(m) for m in firing.inputs.get("measures") or ()], "deadline": deadline}


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind("incident_remediation", "责令整改通知书", "Order to Remediate", "{dept}事改",
                 "incidents/decisions/remediation.html", True, issued_on=("order_remediation", None),
                 facts=_order, basis=("incident_measure:14",), context=("regulation:43",),
                 facts_matter=False),  # the firm answers with evidence: facts are expected to change
)
