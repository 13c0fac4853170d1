"""The classification engine under the default ruleset v1: every tier boundary, stated literally."""
from __future__ import annotations

from decimal import Decimal

import pytest

from supervision.registry.tiering import DEFAULT_RULES_V1, Inputs, RulesetInvalid, classify, validate_rules


def inputs(level, classes, mass="10", speed="1.0", **factors):
    return Inputs(intelligence_level=level, scenario_classes=tuple(classes), mass_kg=Decimal(mass),
                  max_speed_mps=Decimal(speed), **factors)


@pytest.mark.parametrize("case, expected_score, expected_tier", [
    # L1 industrial arm, light and slow: 0 -> tier 1
    (inputs(1, ["S1"]), 0, 1),
    # L2 industrial: 1 -> tier 1
    (inputs(2, ["S1"]), 1, 1),
    # L1 industrial, 20.01 kg (mass over 20 kg): 1 -> tier 1
    (inputs(1, ["S1"], mass="20.01"), 1, 1),
    # L2 (1) + S3 commerce (1) = 2 -> tier 2
    (inputs(2, ["S3"]), 2, 2),
    # L3 (2) + S2 logistics (1) = 3 -> tier 2
    (inputs(3, ["S2"]), 3, 2),
    # L3 (2) + S2 (1) + 60 kg (1) = 4 -> tier 3
    (inputs(3, ["S2"], mass="60"), 4, 3),
    # L3 (2) + S4 care (2) + public space (1) = 5 -> tier 3
    (inputs(3, ["S4"], public_space=True), 5, 3),
    # L4 (3) + S5 (2) + vulnerable people (1) = 6 -> tier 4
    (inputs(4, ["S5"], vulnerable_contact=True), 6, 4),
    # L5 (4) + S4 (2) + every factor (5) = 11 -> tier 4
    (inputs(5, ["S1", "S4"], mass="80", speed="3", public_space=True, vulnerable_contact=True,
            personal_data=True, ota_learning=True), 11, 4),
])
def test_boundaries(case, expected_score, expected_tier):
    result = classify(case, DEFAULT_RULES_V1)
    assert (result.score, result.tier) == (expected_score, expected_tier)


def test_mass_and_speed_count_once_and_only_above_the_limit():
    # exactly 20 kg and 1.5 m/s is not over the limit
    assert classify(inputs(1, ["S1"], mass="20", speed="1.5"), DEFAULT_RULES_V1).score == 0
    # 1.51 m/s alone counts
    assert classify(inputs(1, ["S1"], speed="1.51"), DEFAULT_RULES_V1).score == 1
    # both heavy and fast: still one point
    assert classify(inputs(1, ["S1"], mass="500", speed="9"), DEFAULT_RULES_V1).score == 1


def test_highest_scenario_class_counts_not_the_sum():
    # S1 (0) + S2 (1) + S4 (2): only S4's 2 points count, plus L1 (0) -> 2
    assert classify(inputs(1, ["S1", "S2", "S4"]), DEFAULT_RULES_V1).score == 2


def test_rationale_is_readable_in_both_languages():
    result = classify(inputs(3, ["S2"], mass="60"), DEFAULT_RULES_V1)
    assert result.rationale_en.splitlines() == [
        "Intelligence level L3: 2 point(s)",
        "Highest application scenario class S2 city and infrastructure: 1 point(s)",
        "Aggravating factor: declared mass 60 kg and top speed 1.0 m/s exceed 20 kg or 1.5 m/s (counted once): +1",
        "Total score 4: Tier 3 (key supervision).",
    ]
    assert result.rationale_zh.splitlines()[-1] == "总分 4 分，定为第三级 重点监管。"


def test_invalid_rules_are_refused_with_a_reason():
    with pytest.raises(RulesetInvalid, match="level_points"):
        validate_rules({**DEFAULT_RULES_V1, "level_points": {"1": 0}})
    with pytest.raises(RulesetInvalid, match="tiers"):
        validate_rules({**DEFAULT_RULES_V1, "tiers": [{"min_score": 3, "tier": 1}]})
    with pytest.raises(RulesetInvalid, match="JSON object"):
        validate_rules([1, 2])
