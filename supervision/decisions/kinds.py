"""Decision kinds as configuration: one row per kind (DOMAIN "Legal nature", §8).

Adding a kind is a row here plus a template in ``templates/pdf/decisions/``.  ``legal_basis_*``
is the default wording; administrators may replace it (``LegalBasis`` rows, admin page).  The
implementing measure cited is an example (the city has not adopted one yet) and says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

REGULATION_ZH = "《杭州市促进具身智能机器人产业发展条例》"
REGULATION_EN = "the Hangzhou Regulation on Promoting the Embodied-Intelligence Robot Industry"
MEASURE_ZH = "《杭州市具身智能机器人注册管理办法》（示例，待市人民政府依条例第四十九条制定）"
MEASURE_EN = ("the Hangzhou Measures for the Registration of Embodied-Intelligence Robots "
              "(example; to be adopted by the city government under Art. 49 of the Regulation)")
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
    template: str
    appealable: bool
    legal_basis_zh: str
    legal_basis_en: str
    # Issued automatically when (workflow, trigger) fires and ends in one of the states (None: any).
    issued_on: tuple[str, str, tuple[str, ...] | None] | None = None
    # Earlier triggers whose recorded reason is this decision's statement of reasons.
    reason_from: tuple[str, ...] = ()
    # What issuing it does to earlier decisions of the same case: {earlier kind: new status}.
    ends: dict[str, str] = field(default_factory=dict)
    defence: bool = False   # prior notice: the right to state a defence (行政处罚法 Arts. 44-45)
    hearing: bool = False   # and to request a hearing (行政处罚法 Art. 63)

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def template_path(self) -> str:
        return f"pdf/decisions/{self.template}"


def _basis(zh: list[str], en: list[str]) -> dict[str, str]:
    return {"legal_basis_zh": "；".join(zh) + "。", "legal_basis_en": "; ".join(en) + "."}


R48_ZH, R48_EN = REGULATION_ZH + "第四十八条", REGULATION_EN + ", Art. 48"
R43_ZH, R43_EN = REGULATION_ZH + "第四十三条", REGULATION_EN + ", Art. 43"

KINDS: dict[str, DecisionKind] = {k.key: k for k in (
    DecisionKind(
        "acceptance", "受理通知书", "Notice of Acceptance", "{dept}登受", "acceptance.html", False,
        issued_on=("registration", "accept", None),
        **_basis([R48_ZH, LICENSING_ZH + "第三十二条第一款第（五）项", MEASURE_ZH + "第十条"],
                 [R48_EN, LICENSING_EN + ", Art. 32(1)(5)", MEASURE_EN + ", Art. 10"])),
    DecisionKind(
        "non_acceptance", "不予受理决定书", "Decision not to Accept an Application", "{dept}登不受",
        "non_acceptance.html", True, issued_on=("registration", "not_accept", None),
        **_basis([R48_ZH, LICENSING_ZH + "第三十二条第一款", MEASURE_ZH + "第十条"],
                 [R48_EN, LICENSING_EN + ", Art. 32(1)", MEASURE_EN + ", Art. 10"])),
    DecisionKind(
        "supplement_notice", "补正通知书", "Notice to Supplement Application Materials", "{dept}登补",
        "supplement_notice.html", False, issued_on=("registration", "request_supplement", None),
        **_basis([LICENSING_ZH + "第三十二条第一款第（四）项", MEASURE_ZH + "第九条"],
                 [LICENSING_EN + ", Art. 32(1)(4)", MEASURE_EN + ", Art. 9"])),
    DecisionKind(
        "grant", "准予注册决定书", "Decision to Grant Registration", "{dept}登", "grant.html", False,
        issued_on=("registration", "approve", ("public_notice", "registered")), ends={"grant": "superseded"},
        **_basis([R48_ZH, LICENSING_ZH + "第三十八条第一款", MEASURE_ZH + "第十四条"],
                 [R48_EN, LICENSING_EN + ", Art. 38(1)", MEASURE_EN + ", Art. 14"])),
    DecisionKind(
        "refusal", "不予注册决定书", "Decision to Refuse Registration", "{dept}登不", "refusal.html", True,
        issued_on=("registration", "approve", ("refused",)),
        reason_from=("propose_refusal",),
        **_basis([R48_ZH, LICENSING_ZH + "第三十八条第二款", MEASURE_ZH + "第十五条"],
                 [R48_EN, LICENSING_EN + ", Art. 38(2)", MEASURE_EN + ", Art. 15"])),
    DecisionKind(
        "suspension_notice", "暂停注册事先告知书", "Prior Notice of Intended Suspension",
        "{dept}登停告", "suspension_notice.html", False, defence=True,
        issued_on=("registration", "notice_suspension", None),
        **_basis([R43_ZH, R48_ZH, PENALTY_ZH + "第四十四条、第四十五条", MEASURE_ZH + "第二十条"],
                 [R43_EN, R48_EN, PENALTY_EN + ", Arts. 44 and 45", MEASURE_EN + ", Art. 20"])),
    DecisionKind(
        "revocation_notice", "吊销注册事先告知书", "Prior Notice of Intended Revocation",
        "{dept}罚告", "revocation_notice.html", False, defence=True, hearing=True,
        issued_on=("registration", "notice_revocation", None),
        **_basis([R43_ZH, PENALTY_ZH + "第九条第（三）项、第四十四条、第四十五条、第六十三条",
                  MEASURE_ZH + "第二十二条"],
                 [R43_EN, PENALTY_EN + ", Arts. 9(3), 44, 45 and 63", MEASURE_EN + ", Art. 22"])),
    DecisionKind(
        "suspension", "暂停注册决定书", "Decision to Suspend Registration", "{dept}登停",
        "suspension.html", True, issued_on=("registration", "approve_suspension", None),
        reason_from=("propose_suspension", "notice_suspension"),
        **_basis([R43_ZH, R48_ZH, PENALTY_ZH + "第九条第（三）项", MEASURE_ZH + "第二十条"],
                 [R43_EN, R48_EN, PENALTY_EN + ", Art. 9(3)", MEASURE_EN + ", Art. 20"])),
    DecisionKind(
        "lifting", "恢复注册决定书", "Decision to Lift the Suspension of Registration", "{dept}登复",
        "lifting.html", False, issued_on=("registration", "lift_suspension", None),
        ends={"suspension": "superseded"},
        **_basis([R48_ZH, MEASURE_ZH + "第二十一条"], [R48_EN, MEASURE_EN + ", Art. 21"])),
    DecisionKind(
        "revocation", "吊销注册决定书", "Decision to Revoke Registration", "{dept}罚",
        "revocation.html", True, issued_on=("registration", "approve_revocation", None),
        reason_from=("propose_revocation", "notice_revocation"),
        ends={"grant": "revoked", "suspension": "superseded"},
        **_basis([R43_ZH, PENALTY_ZH + "第九条第（三）项", MEASURE_ZH + "第二十二条"],
                 [R43_EN, PENALTY_EN + ", Art. 9(3)", MEASURE_EN + ", Art. 22"])),
    DecisionKind(
        "rescission", "撤销注册决定书", "Decision to Rescind Registration", "{dept}登撤",
        "rescission.html", True, issued_on=("registration", "approve_rescission", None),
        reason_from=("propose_rescission",),
        ends={"grant": "rescinded", "suspension": "superseded"},
        **_basis([LICENSING_ZH + "第六十九条", MEASURE_ZH + "第二十三条"],
                 [LICENSING_EN + ", Art. 69", MEASURE_EN + ", Art. 23"])),
    DecisionKind(
        "deregistration", "注销注册决定书", "Decision to Deregister", "{dept}登注",
        "deregistration.html", True, issued_on=("registration", "deregister", None),
        ends={"grant": "superseded", "suspension": "superseded"},
        **_basis([LICENSING_ZH + "第七十条", MEASURE_ZH + "第二十四条"],
                 [LICENSING_EN + ", Art. 70", MEASURE_EN + ", Art. 24"])),
)}


def get(key: str) -> DecisionKind:
    return KINDS[key]
