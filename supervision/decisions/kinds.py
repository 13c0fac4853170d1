"""Decision kinds: what a kind of formal act is (DOMAIN "Legal nature", §8), as data.

A case type declares its kinds on its ``CaseType.decision_kinds`` (one ``DecisionKind`` row
each, with its template); this module only describes a kind and finds the installed ones.
A kind's legal basis is a list of provision keys (``supervision.legal``): the default is
``basis`` here (per legal nature where the kind's case type has a nature setting); administrators
may set another list (``legal.models.KindBasis``).  ``context`` lists provisions cited only for
what they say (the regulation's Art. 48: the mechanism being explored), never as the power.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from supervision.cases import types

Keys = tuple[str, ...]


@dataclass(frozen=True)
class DecisionKind:
    key: str
    title_zh: str
    title_en: str
    # ``{dept}`` is the department's document prefix (e.g. 杭经信): 杭经信登〔2026〕7号.
    number_pattern: str
    template: str               # the template's path, in the case type's template folder
    appealable: bool
    # The provisions that empower the decision, in citing order; a mapping chooses by legal
    # nature (the value of the config setting ``nature_setting``).
    basis: Keys | Mapping[str, Keys] = ()
    context: Keys | Mapping[str, Keys] = ()
    nature_setting: str | None = None
    # A penalty (行政处罚) under that nature: Art. 59's contents, Art. 73's remedy wording.
    penalty: bool | Mapping[str, bool] = False
    # Issued when this trigger (or one of these triggers) fires and the case ends in one of the
    # states (None: any state).
    issued_on: tuple[str | tuple[str, ...], tuple[str, ...] | None] | None = None
    # Earlier triggers whose recorded reason is this decision's statement of reasons.
    reason_from: tuple[str, ...] = ()
    # What issuing it does to earlier decisions of the same case: {earlier kind: new status}.
    ends: dict[str, str] = field(default_factory=dict)
    defence: bool = False   # prior notice: the right to state a defence (行政处罚法 Arts. 44-45)
    hearing: bool = False   # and to request a hearing (行政处罚法 Art. 63)
    # It restricts a right in force (suspension, revocation): a challenge does not stop it.
    restricts: bool = False
    # A decision that decides the case (not a notice): withheld while the case is in a state
    # tagged ``DECISIONS_WITHHELD`` (public notice), and signed only on the facts last approved.
    decides: bool = False
    # Kinds that cannot stand beside this one on one case: issuing it while one of them is in
    # force (and not ended by this one, ``ends``) is refused.
    contradicts: tuple[str, ...] = ()
    # Signed only on exactly the facts the latest approval recorded (their hash is checked).
    on_approved_facts: bool = False
    # Whether a later change of the case's facts matters to this kind (a notice asking the firm
    # to supplement expects the facts to change: "facts changed since" is not shown for it).
    facts_matter: bool = True
    # Addressed to the case's firm (the party): its credit code and address print under the
    # addressee.  Documents addressed to an office (an Art. 47 conclusion) carry no party.
    to_firm: bool = True
    # What the document states beyond the reasons: (case, firing) -> values for its template.
    facts: Callable[[Any, Any], dict[str, Any]] | None = None
    # Laid out in GB/T 9704-2012's letter format (信函格式, §10.1) rather than its document
    # format (文件格式, §7): the 文件格式 header (the mark 35 mm into the type area, two blank lines
    # under it and under the red line) leaves about four lines of body on page one, so a short
    # notice would spill onto a second page.  None: notices (kinds that do not decide) are letters.
    letter: bool | None = None
    # Whether an outcome of reconsideration or litigation may be recorded against it (None: when
    # it is ``appealable``).  A grant prints no remedy notice to the firm that asked for it, yet
    # a third party whose interests it affects may challenge it (行政复议法 Art. 2, 行政诉讼法
    # Art. 25), and a body may set it aside.
    challengeable: bool | None = None

    def can_be_challenged(self) -> bool:
        return self.appealable if self.challengeable is None else self.challengeable

    def in_letter_format(self) -> bool:
        return (not self.decides) if self.letter is None else self.letter

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def nature(self) -> str:
        """The legal nature this kind is issued under now ("" when it has none)."""
        if not self.nature_setting:
            return ""
        from flask import current_app

        return str(current_app.config.get(self.nature_setting) or "")

    def _by_nature(self, value, nature: str | None):
        if isinstance(value, Mapping):
            return value[self.nature() if nature is None else nature]
        return value

    def default_basis(self, nature: str | None = None) -> Keys:
        return tuple(self._by_nature(self.basis, nature))

    def context_keys(self, nature: str | None = None) -> Keys:
        return tuple(self._by_nature(self.context, nature))

    def is_penalty(self, nature: str | None = None) -> bool:
        return bool(self._by_nature(self.penalty, nature))

    def natures(self) -> tuple[str, ...]:
        """The natures the kind's basis is configured for ("" when it has none)."""
        return tuple(self.basis) if isinstance(self.basis, Mapping) else ("",)

    def template_path(self) -> str:
        return self.template

    def issued_by(self, trigger: str, state: str) -> bool:
        if self.issued_on is None:
            return False
        on, states = self.issued_on
        triggers = (on,) if isinstance(on, str) else on
        return trigger in triggers and (states is None or state in states)


def installed() -> dict[str, DecisionKind]:
    """Every installed case type's kinds by key."""
    return {k.key: k for k in types.all_of("decision_kinds")}


def get(key: str) -> DecisionKind:
    return installed()[key]
