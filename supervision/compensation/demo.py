"""Demo compensation claim (``flask demo load``): firm A claims compensation for the registration
the bureau rescinded for its own procedural error; it waits for the officer's proposal.  Made
through the services."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.compensation import services
from supervision.compensation.models import CompensationClaim
from supervision.extensions import db


def load(*, users, firm_a, **_: Any) -> None:
    if db.session.execute(db.select(CompensationClaim.id).limit(1)).first():
        return
    rescinded = db.session.execute(
        db.select(Case).where(Case.firm_id == firm_a.id, Case.case_type == "registration", Case.state == "rescinded")
        .order_by(Case.id)).scalars()
    for case in rescinded:
        if services.may_claim(case)[1] is None:
            services.file_claim(case, actor=users["applicant@example.com"], amount="186000.00",
                                loss="注册被撤销后，已按注册型号生产的12台整机无法交付，按合同价计算直接损失人民币186000元；"
                                     "相关采购合同和库存清单可以提供。")
            return
