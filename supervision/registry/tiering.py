"""The classification engine (DOMAIN §4): a pure function from declared facts and a ruleset
(data) to a score, a tier and a rationale in words a firm can read, in Chinese and English.

No database here: ``services.classify`` feeds it a model version and a ``Ruleset`` row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# The default ruleset v1 (DOMAIN §4), seeded by migration 0003.
DEFAULT_RULES_V1: dict[str, Any] = {
    "level_points": {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4},
    "scenario_points": {"S1": 0, "S2": 1, "S3": 1, "S4": 2, "S5": 2},
    "factor_points": {"public_space": 1, "vulnerable_contact": 1, "personal_data": 1,
                      "heavy_or_fast": 1, "ota_learning": 1},
    "heavy_or_fast": {"mass_kg_over": "20", "speed_mps_over": "1.5"},
    "tiers": [{"min_score": 0, "tier": 1}, {"min_score": 2, "tier": 2},
              {"min_score": 4, "tier": 3}, {"min_score": 6, "tier": 4}],
    "obligations": {
        "1": ["coding", "registration_filing"],
        "2": ["coding", "registration_filing", "certification", "public_notice", "annual_report"],
        "3": ["coding", "registration_filing", "certification", "public_notice", "annual_report",
              "geofence", "incident_report_24h", "quarterly_report", "insurance"],
        "4": ["coding", "registration_filing", "certification", "public_notice", "annual_report",
              "geofence", "incident_report_24h", "quarterly_report", "insurance", "sandbox_referral"],
    },
}

FACTOR_TEXT = {
    "public_space": ("在公共空间运行", "operates in public space"),
    "vulnerable_contact": ("与儿童、老人、病人等弱势人群有身体接触或近距离互动",
                           "physical contact or close interaction with vulnerable people"),
    "personal_data": ("采集个人信息或生物识别信息（第四十五条）",
                      "collects personal or biometric data (Art. 45)"),
    "ota_learning": ("通过远程升级更新行为或在现场学习", "behaviour updated over the air or learned in the field"),
}
CLASS_TEXT = {
    "S1": ("S1 工业类", "S1 industrial"), "S2": ("S2 城市与基础设施类", "S2 city and infrastructure"),
    "S3": ("S3 公共服务类", "S3 public-facing services"), "S4": ("S4 照护与家庭类", "S4 care and home"),
    "S5": ("S5 公共安全类", "S5 public safety"),
}
TIER_TEXT = {1: ("第一级 基础监管", "Tier 1 (basic supervision)"),
             2: ("第二级 一般监管", "Tier 2 (general supervision)"),
             3: ("第三级 重点监管", "Tier 3 (key supervision)"),
             4: ("第四级 审慎监管", "Tier 4 (prudent supervision)")}


class RulesetInvalid(ValueError):
    """The rules are not a usable classification table; ``args[0]`` says what is wrong."""


@dataclass(frozen=True)
class Inputs:
    intelligence_level: int
    scenario_classes: tuple[str, ...]
    mass_kg: Decimal
    max_speed_mps: Decimal
    public_space: bool = False
    vulnerable_contact: bool = False
    personal_data: bool = False
    ota_learning: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"intelligence_level": self.intelligence_level,
                "scenario_classes": list(self.scenario_classes),
                "mass_kg": str(self.mass_kg), "max_speed_mps": str(self.max_speed_mps),
                "public_space": self.public_space, "vulnerable_contact": self.vulnerable_contact,
                "personal_data": self.personal_data, "ota_learning": self.ota_learning}


@dataclass
class Result:
    score: int
    tier: int
    lines_zh: list[str] = field(default_factory=list)
    lines_en: list[str] = field(default_factory=list)

    @property
    def rationale_zh(self) -> str:
        return "\n".join(self.lines_zh)

    @property
    def rationale_en(self) -> str:
        return "\n".join(self.lines_en)


def validate_rules(rules: Any) -> dict[str, Any]:
    """Check that ``rules`` has every part the engine reads; return it or raise RulesetInvalid."""
    if not isinstance(rules, dict):
        raise RulesetInvalid("The rules must be a JSON object.")
    for key in ("level_points", "scenario_points", "factor_points", "heavy_or_fast", "tiers"):
        if key not in rules:
            raise RulesetInvalid(f"The rules lack '{key}'.")
    try:
        if sorted(rules["level_points"]) != ["1", "2", "3", "4", "5"]:
            raise RulesetInvalid("'level_points' must give points for levels 1 to 5.")
        if sorted(rules["scenario_points"]) != ["S1", "S2", "S3", "S4", "S5"]:
            raise RulesetInvalid("'scenario_points' must give points for S1 to S5.")
        if set(rules["factor_points"]) != set(DEFAULT_RULES_V1["factor_points"]):
            raise RulesetInvalid("'factor_points' must name exactly: "
                                 + ", ".join(sorted(DEFAULT_RULES_V1["factor_points"])) + ".")
        points = [*rules["level_points"].values(), *rules["scenario_points"].values(),
                  *rules["factor_points"].values()]
        if not all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 100 for p in points):
            raise RulesetInvalid("Points must be whole numbers from 0 to 100.")
        for key in ("mass_kg_over", "speed_mps_over"):
            limit = Decimal(str(rules["heavy_or_fast"][key]))
            if not limit.is_finite() or limit < 0:
                raise RulesetInvalid(f"'{key}' must be a non-negative number.")
        tiers = rules["tiers"]
        mins = [row["min_score"] for row in tiers]
        if (not tiers or mins[0] != 0 or mins != sorted(set(mins))
                or [row["tier"] for row in tiers] != list(range(1, len(tiers) + 1)) or len(tiers) > 4):
            raise RulesetInvalid("'tiers' must start at score 0 and rise: tiers 1, 2, … (at most 4).")
    except (KeyError, TypeError, AttributeError, InvalidOperation) as err:
        raise RulesetInvalid(f"The rules are malformed ({type(err).__name__}: {err}).") from err
    return rules


def classify(inputs: Inputs, rules: dict[str, Any]) -> Result:
    """Score ``inputs`` under ``rules``: level + highest scenario class + aggravating factors."""
    res = Result(0, 1)
    lvl = str(inputs.intelligence_level)
    level_pts = rules["level_points"][lvl]
    res.lines_zh.append(f"智能化等级 L{lvl}：{level_pts} 分")
    res.lines_en.append(f"Intelligence level L{lvl}: {level_pts} point(s)")
    score = level_pts

    sp = rules["scenario_points"]
    if inputs.scenario_classes:
        top = max(inputs.scenario_classes, key=lambda c: (sp[c], c))
        score += sp[top]
        res.lines_zh.append(f"最高应用场景类别 {CLASS_TEXT[top][0]}：{sp[top]} 分")
        res.lines_en.append(f"Highest application scenario class {CLASS_TEXT[top][1]}: {sp[top]} point(s)")

    fp = rules["factor_points"]
    for name in ("public_space", "vulnerable_contact", "personal_data"):
        if getattr(inputs, name):
            score += fp[name]
            res.lines_zh.append(f"加重因素：{FACTOR_TEXT[name][0]}：+{fp[name]} 分")
            res.lines_en.append(f"Aggravating factor: {FACTOR_TEXT[name][1]}: +{fp[name]}")
    mass_limit = Decimal(str(rules["heavy_or_fast"]["mass_kg_over"]))
    speed_limit = Decimal(str(rules["heavy_or_fast"]["speed_mps_over"]))
    heavy, fast = inputs.mass_kg > mass_limit, inputs.max_speed_mps > speed_limit
    if heavy or fast:
        score += fp["heavy_or_fast"]
        res.lines_zh.append(
            f"加重因素：申报质量 {inputs.mass_kg} kg、最高速度 {inputs.max_speed_mps} m/s，"
            f"超过 {mass_limit} kg 或 {speed_limit} m/s（只计一次）：+{fp['heavy_or_fast']} 分")
        res.lines_en.append(
            f"Aggravating factor: declared mass {inputs.mass_kg} kg and top speed {inputs.max_speed_mps} m/s "
            f"exceed {mass_limit} kg or {speed_limit} m/s (counted once): +{fp['heavy_or_fast']}")
    if inputs.ota_learning:
        score += fp["ota_learning"]
        res.lines_zh.append(f"加重因素：{FACTOR_TEXT['ota_learning'][0]}：+{fp['ota_learning']} 分")
        res.lines_en.append(f"Aggravating factor: {FACTOR_TEXT['ota_learning'][1]}: +{fp['ota_learning']}")

    tier = 1
    for row in rules["tiers"]:
        if score >= row["min_score"]:
            tier = row["tier"]
    res.score, res.tier = score, tier
    res.lines_zh.append(f"总分 {score} 分，定为{TIER_TEXT[tier][0]}。")
    res.lines_en.append(f"Total score {score}: {TIER_TEXT[tier][1]}.")
    return res


def stricter_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What ``after`` asks of firms that ``before`` did not (each needs an Art. 47 assessment
    and an adopted instrument): ``obligation:<tier>:<name>`` for an obligation added to a tier,
    ``boundary:<tier>`` for a tier whose lowest score went down.  Empty: no stricter."""
    out = []
    old = {k: set(v) for k, v in (before.get("obligations") or {}).items()}
    for tier, names in sorted((after.get("obligations") or {}).items()):
        out += [f"obligation:{tier}:{name}" for name in sorted(set(names) - old.get(tier, set()))]
    old_min = {row["tier"]: row["min_score"] for row in before.get("tiers") or []}
    for row in after.get("tiers") or []:
        if row["tier"] in old_min and row["min_score"] < old_min[row["tier"]]:
            out.append(f"boundary:{row['tier']}")
        elif row["tier"] not in old_min and row["tier"] > 1:
            out.append(f"boundary:{row['tier']}")
    return out
