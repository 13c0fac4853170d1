"""factory_boy factories that build through the services, so the audit trail stays real."""
from __future__ import annotations

import factory
from stdnum.cn import uscc

from supervision.accounts import services as accounts
from supervision.accounts.models import Organisation, User
from supervision.cases import services as cases
from supervision.cases.models import Case

PASSWORD = "correct-horse-battery"


def credit_code(n: int) -> str:
    base = f"91330100MA{n:07d}"
    return base + uscc.calc_check_digit(base)


class _ServiceFactory(factory.Factory):
    class Meta:
        abstract = True


class DepartmentFactory(_ServiceFactory):
    class Meta:
        model = Organisation

    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    doc_prefix = factory.Sequence(lambda n: f"杭测{n}")

    @classmethod
    def _create(cls, model_class, **kw):
        return accounts.create_organisation(kind="department", **kw)


class FirmFactory(_ServiceFactory):
    class Meta:
        model = Organisation

    name_zh = factory.Sequence(lambda n: f"测试机器人公司{n}")
    name_en = factory.Sequence(lambda n: f"Test Robotics {n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    # A registered address (住所): a penalty-type decision cannot be issued without one.
    address_zh = factory.Sequence(lambda n: f"浙江省杭州市滨江区江南大道{n + 1}号")

    @classmethod
    def _create(cls, model_class, **kw):
        return accounts.create_organisation(kind="firm", **kw)


class UserFactory(_ServiceFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Sequence(lambda n: f"User {n}")
    password = PASSWORD
    organisation = factory.SubFactory(DepartmentFactory)
    roles = ("officer",)

    @classmethod
    def _create(cls, model_class, **kw):
        return accounts.create_user(**kw)


class CaseFactory(_ServiceFactory):
    """A registration case in ``draft``; use ``cases.fire`` to move it."""

    class Meta:
        model = Case

    case_type = "registration"
    title = factory.Sequence(lambda n: f"Robot model {n}")

    @classmethod
    def _create(cls, model_class, *, firm, department, actor, **kw):
        return cases.create_case(firm_id=firm.id, department_id=department.id, actor=actor, **kw)


# -- certificates branch ------------------------------------------------------------------------

class CertificationBodyFactory(_ServiceFactory):
    class Meta:
        model = Organisation

    name_zh = factory.Sequence(lambda n: f"测试认证中心{n}")
    name_en = factory.Sequence(lambda n: f"Test Certification Centre {n}")

    @classmethod
    def _create(cls, model_class, **kw):
        return accounts.create_organisation(kind="certification_body", **kw)


def certifier(body=None, **kw) -> User:
    """A certifier of ``body`` (a new certification body when none is given)."""
    return UserFactory(organisation=body or CertificationBodyFactory(), roles=["certifier"], **kw)


def certify(model, *, by: User | None = None, days_left: int = 365, outcome: str = "issue", **kw):
    """A certificate for ``model`` recorded by ``by`` (a new body's certifier), valid since
    30 days ago for ``days_left`` more days."""
    import datetime as dt

    from supervision.certificates import services
    from supervision.core.timeutil import local_today

    today = local_today()
    values = dict(number=f"CERT-{model.id}-{dt.datetime.now().timestamp():.6f}", standards="GB 4943.1-2022",
                  scope="Design and manufacture of the model", valid_from=today - dt.timedelta(days=30),
                  valid_until=today + dt.timedelta(days=days_left), outcome=outcome, reason="Audit passed")
    values.update(kw)
    return services.record_certificate(actor=by or certifier(), model=model, **values)
