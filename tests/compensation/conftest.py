"""Helpers of the compensation tests: a registration rescinded through the real procedure, and a
claim on it."""
from __future__ import annotations

from supervision.compensation import services
from supervision.extensions import db
from tests.registry.conftest import fire, make_registration, state, to_registered

LOSS = "注册被撤销后已生产的200台整机无法销售，直接损失按成本价计算。"


def rescinded(world, ground: str = "procedure_breached", name: str = "ZX-Arm C3"):
    reg = make_registration(world, name=name)
    to_registered(world, reg)
    fire(reg, "notice_rescission", world.officer, reason="准予注册时未经专家评审。", rescission_ground=ground,
         evidence="审批记录")
    fire(reg, "file_statement", world.applicant_a, comment="我司按要求提交了全部材料。")
    fire(reg, "propose_rescission", world.officer, reason="准予注册时未经专家评审。",
         defence_reply="申辩不影响程序违法的认定。", public_interest="no_serious_harm")
    fire(reg, "approve_rescission", world.approver)
    db.session.commit()
    assert state(reg.case_id) == "rescinded"
    return reg


def claim(world, amount: str = "10000"):
    return services.file_claim(rescinded(world, name="Rescinded model").case, actor=world.applicant_a,
                               amount=amount, loss=LOSS)
