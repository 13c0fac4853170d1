"""Decision kinds: what a kind of formal act is (DOMAIN "Legal nature", §8), as data.

A case type declares its kinds on its ``CaseType.decision_kinds`` (one ``DecisionKind`` row
each, with its template); this module only describes a kind and finds the installed ones.
``legal_basis_*`` is the default wording; administrators may replace it (``LegalBasis`` rows).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from supervision.cases import types

# National laws and the regulation, cited by the kinds of several case types.
REGULATION_ZH = "《杭州市促进具身智能机器人产业发展条例》"
REGULATION_EN = "the Hangzhou Regulation on Promoting the Embodied-Intelligence Robot Industry"
LICENSING_ZH = "《中华人民共和国行政许可法》"
LICENSING_EN = "the Administrative Licensing Law of the PRC"
PENALTY_ZH = "《中华人民共和国行政处罚法》"
PENALTY_EN = "the Administrative Penalty Law of the PRC"


@dataclass(frozen=True)
class DecisionKind:
    key: str
    title_zh: str
    title_en: str
    # ``{dept}`` is the department's document prefix (e.g. 杭经信): 杭经信登〔2026〕7号.
    number_pattern: str
    template: str               # the template's path, in the case type's template folder
    appealable: bool
    legal_basis_zh: str
    legal_basis_en: str
    # Issued when this trigger fires and the case ends in one of the states (None: any state).
    issued_on: tuple[str, tuple[str, ...] | None] | None = None
    # Earlier triggers whose recorded reason is this decision's statement of reasons.
    reason_from: tuple[str, ...] = ()
    # What issuing it does to earlier decisions of the same case: {earlier kind: new status}.
    ends: dict[str, str] = field(default_factory=dict)
    defence: bool = False   # prior notice: the right to state a defence (行政处罚法 Arts. 44-45)
    hearing: bool = False   # and to request a hearing (行政处罚法 Art. 63)
    # What the document states beyond the reasons: (case, firing) -> values for its template.
    facts: Callable[[Any, Any], dict[str, Any]] | None = None

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def template_path(self) -> str:
        return self.template

    def issued_by(self, trigger: str, state: str) -> bool:
        if self.issued_on is None:
            return False
        on, states = self.issued_on
        return on == trigger and (states is None or state in states)


def basis(zh: list[str], en: list[str]) -> dict[str, str]:
    """The legal-basis fields of a kind from its provisions, in order."""
    return {"legal_basis_zh": "；".join(zh) + "。", "legal_basis_en": "; ".join(en) + "."}


def installed() -> dict[str, DecisionKind]:
    """Every installed case type's kinds by key."""
    return {k.key: k for k in types.all_of("decision_kinds")}


def get(key: str) -> DecisionKind:
    return installed()[key]
