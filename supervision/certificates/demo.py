"""Demo certificates, made through the services (so their audit trail is real): the demo
certification body (certifier@example.com) certifies the demo firms' tier-2+ models as the
registration demo reaches them (``certify``); ``load`` then shows the lifecycle: a suspension
and reinstatement, a withdrawal that flags the registration relying on it, an expiry by the
timer and a refusal."""
from __future__ import annotations

import datetime as dt

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.certificates import services
from supervision.certificates.models import Certificate, CertificateReliance
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import RobotModel

CERTIFIER_EMAIL = "certifier@example.com"
SCOPE = "产品型号及其随附软件版本，在杭州市范围内的设计、生产与销售。"


def _certifier() -> User:
    return db.session.execute(db.select(User).filter_by(email=CERTIFIER_EMAIL)).scalar_one()


def certify(model: RobotModel, *, valid_from: dt.date | None = None, years: int = 3,
            outcome: str = "issue", reason: str = "认证审核合格，准予发证。") -> Certificate:
    """The demo body's certificate for ``model`` (numbered after the model)."""
    start = valid_from or local_today() - dt.timedelta(days=120)
    return services.record_certificate(
        actor=_certifier(), model=model, number=f"ZJRC-{start.year}-{model.id:05d}",
        standards=model.current.standards or "GB 4943.1-2022", scope=SCOPE, valid_from=start,
        valid_until=start + dt.timedelta(days=365 * years), outcome=outcome,
        reason=reason)


def load(*, users, firm_b, **_) -> None:
    """The lifecycle examples (idempotent: nothing happens once a certificate was changed)."""
    certifier = users.get(CERTIFIER_EMAIL) or _certifier()
    if db.session.execute(db.select(Certificate.id).where(Certificate.state != "issued").limit(1)).first():
        return
    relied = list(db.session.execute(
        db.select(Certificate).join(CertificateReliance, CertificateReliance.certificate_id == Certificate.id)
        .join(Case, Case.id == CertificateReliance.case_id).where(Case.state == "registered")
        .order_by(Case.id)).scalars().unique())
    today = local_today()
    if relied:
        first = relied[0]
        services.change_state(first, "suspend", actor=certifier, effective_on=today - dt.timedelta(days=30),
                              reason="监督检查发现标签不符，暂停证书。")
        services.change_state(first, "reinstate", actor=certifier, effective_on=today - dt.timedelta(days=10),
                              reason="已完成整改，恢复证书。")
    if len(relied) > 1:
        services.change_state(relied[-1], "withdraw", actor=certifier, effective_on=today,
                              reason="获证产品发生重大质量问题，撤销证书。")
    model_b = db.session.execute(db.select(RobotModel).filter_by(firm_id=firm_b.id)
                                 .order_by(RobotModel.id).limit(1)).scalar()
    if model_b is not None:
        old = certify(model_b, valid_from=today - dt.timedelta(days=3 * 365 + 30))
        services.expire_due()   # the timer: the certificate's validity ended last month
        db.session.refresh(old)
        services.record_certificate(
            actor=certifier, model=model_b, number=f"ZJRC-{today.year}-R{model_b.id:04d}",
            standards=model_b.current.standards or "GB 11291.1-2011", scope=SCOPE, valid_from=today,
            valid_until=today + dt.timedelta(days=3 * 365), outcome="refuse",
            reason="型式试验未通过急停功能项目。")
