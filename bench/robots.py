"""What the benchmark's firms declare about their robot models (pure Python, no database).

Each model comes from an archetype (a form factor with the names, scenarios, sizes and
features such robots have); its declared values are drawn until the real tiering engine
(``supervision.registry.tiering`` under the default ruleset v1) puts them in the tier the
case's life needs, so every classification in the dataset is one the app would compute.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from supervision.registry.models import SCENARIOS
from supervision.registry.tiering import DEFAULT_RULES_V1, Inputs, Result, classify


@dataclass(frozen=True)
class Archetype:
    form_factor: str
    names: tuple[str, ...]
    scenarios: tuple[str, ...]
    levels: tuple[int, int]
    mass_kg: tuple[float, float]
    speed_mps: tuple[float, float]
    # Chances of the aggravating factors: public space, vulnerable people, personal data, OTA.
    factors: tuple[float, float, float, float]
    software: str


ARCHETYPES = (
    Archetype("arm", ("协作机械臂", "工业机械臂", "桌面机械臂"),
              ("manufacturing", "agriculture", "construction", "education_research"),
              (1, 3), (6, 45), (0.3, 1.4), (0.05, 0.02, 0.05, 0.2), "ctrl"),
    Archetype("wheeled", ("配送机器人", "物流搬运机器人", "园区无人配送车"),
              ("transport_logistics", "commerce", "city_management", "medical_care"),
              (2, 4), (15, 150), (0.8, 2.5), (0.7, 0.1, 0.5, 0.4), "nav"),
    Archetype("wheeled", ("导览机器人", "商用服务机器人", "迎宾机器人"),
              ("commerce", "culture_tourism", "education_research"),
              (1, 4), (12, 60), (0.4, 1.5), (0.8, 0.3, 0.6, 0.5), "guide"),
    Archetype("quadruped", ("四足巡检机器人", "四足机器人", "四足救援机器人"),
              ("inspection", "security_patrol", "emergency_rescue", "survey", "hazardous_work",
               "education_research"),
              (2, 4), (12, 60), (1.0, 3.5), (0.4, 0.05, 0.5, 0.5), "loco"),
    Archetype("humanoid", ("人形服务机器人", "人形机器人", "通用人形机器人"),
              ("home_services", "elderly_care", "commerce", "education_research", "manufacturing"),
              (3, 5), (30, 80), (0.5, 2.0), (0.5, 0.5, 0.8, 0.7), "brain"),
    Archetype("mobile_manipulator", ("康养陪护机器人", "护理辅助机器人"),
              ("elderly_care", "medical_care", "home_services"),
              (2, 4), (20, 70), (0.3, 1.2), (0.2, 0.95, 0.8, 0.4), "care"),
    Archetype("exoskeleton", ("康复外骨骼机器人", "助力外骨骼"),
              ("medical_care", "elderly_care", "manufacturing"),
              (1, 3), (4, 25), (0.2, 1.0), (0.1, 0.7, 0.6, 0.2), "exo"),
    Archetype("mobile_manipulator", ("复合移动机器人", "防爆作业机器人"),
              ("manufacturing", "transport_logistics", "hazardous_work"),
              (1, 4), (60, 400), (0.5, 2.0), (0.1, 0.0, 0.1, 0.3), "amr"),
    Archetype("aerial", ("巡检飞行机器人", "植保飞行机器人"),
              ("inspection", "ecology", "emergency_rescue", "survey", "agriculture"),
              (2, 4), (2, 25), (5.0, 15.0), (0.3, 0.0, 0.4, 0.3), "fly"),
)
STANDARDS = ("GB 11291.1-2011", "GB 11291.2-2013", "GB/T 38244-2019", "GB 4943.1-2022",
             "GB/T 36530-2018", "GB/T 30029-2023", "GB/T 37283-2019", "GB/T 38124-2019")


def _draw(rng: random.Random, arch: Archetype) -> dict[str, Any]:
    public, vulnerable, personal, ota = (rng.random() < p for p in arch.factors)
    k = 1 if rng.random() < 0.6 else 2
    return dict(
        form_factor=arch.form_factor, intelligence_level=rng.randint(*arch.levels),
        scenarios=sorted(rng.sample(arch.scenarios, k)),
        mass_kg=Decimal(f"{rng.uniform(*arch.mass_kg):.1f}0"),  # Numeric(10, 2) reads back so
        max_speed_mps=Decimal(f"{rng.uniform(*arch.speed_mps):.2f}"),
        public_space=public, vulnerable_contact=vulnerable, personal_data=personal, ota_learning=ota,
        standards="\n".join(sorted(rng.sample(STANDARDS, rng.randint(1, 3)))),
        software_version=f"{arch.software} {rng.randint(1, 6)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
    )


def inputs_of(values: dict[str, Any]) -> Inputs:
    """The engine's inputs, built as ``registry.services.inputs_of`` builds them."""
    return Inputs(
        intelligence_level=values["intelligence_level"],
        scenario_classes=tuple(sorted({SCENARIOS[s][0] for s in values["scenarios"]})),
        mass_kg=values["mass_kg"], max_speed_mps=values["max_speed_mps"],
        public_space=values["public_space"], vulnerable_contact=values["vulnerable_contact"],
        personal_data=values["personal_data"], ota_learning=values["ota_learning"])


def declare(tier: int, rng: random.Random, rules: dict[str, Any] = DEFAULT_RULES_V1,
            spare: dict[int, list] | None = None) -> tuple[str, dict[str, Any], Result]:
    """A model name and declared values that ``rules`` classify in ``tier``, with the result.
    Draws that land in another tier are kept in ``spare`` (by tier) when it is given, and used
    first by a later call for that tier: about one draw per model instead of about ten."""
    kept = spare.get(tier) if spare is not None else None
    if kept:
        arch, values, result = kept.pop()
        return _named(arch, rng), values, result
    for _ in range(10_000):
        arch = rng.choice(ARCHETYPES)
        values = _draw(rng, arch)
        result = classify(inputs_of(values), rules)
        if result.tier == tier:
            return _named(arch, rng), values, result
        if spare is not None and len(spare.setdefault(result.tier, [])) < 1000:
            spare[result.tier].append((arch, values, result))
    raise AssertionError(f"no archetype reaches tier {tier}")  # the archetypes reach all four


def _named(arch: Archetype, rng: random.Random) -> str:
    code = f"{arch.software.upper()}-{rng.randint(100, 999)}{chr(65 + rng.randrange(26))}"
    return f"{rng.choice(arch.names)} {code}"


def next_version(values: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """What a firm changes in a new version: software and standards, not what the tier rests on."""
    prefix, number = values["software_version"].split(" ")
    major, minor, patch = (int(x) for x in number.split("."))
    new = dict(values, software_version=f"{prefix} {major}.{minor + 1}.{patch}")
    if rng.random() < 0.5:
        extra = rng.choice([s for s in STANDARDS if s not in values["standards"]] or list(STANDARDS))
        new["standards"] = "\n".join(sorted({*values["standards"].split("\n"), extra}))
    return new
