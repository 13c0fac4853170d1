"""Change and renewal (issue 10, defect 12): what a registration decided is frozen; a change of its
particulars or a renewal of its term is decided by the regulator (four eyes), and a grant takes
effect on the registration and the public register in the same unit of work."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.changes import services
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from supervision.registry import services as registry
from supervision.registry.presenters import RegisterQuery, register_page, register_totals
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.changes.conftest import apply_change, registered
from tests.registry.conftest import BASE

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _on_register() -> list[tuple[str, str | None]]:
    totals = register_totals(RegisterQuery())
    rows = register_page("registered", RegisterQuery(), page=1, total=totals["registered"]).rows
    return [(r.model, r.form_factor) for r in rows]




@pytest.fixture
def decide(world):
    def run(app, proposal: str = "grant", reason: str | None = None):
        case = app.case
        if case.state == "submitted":
            cases.fire(case, "accept", actor=world.officer)
        if proposal == "grant":
            cases.fire(case, "propose_grant", actor=world.officer)
        else:
            cases.fire(case, "propose_refusal", actor=world.officer, reason=reason)
        cases.fire(case, "approve", actor=world.approver)
        db.session.commit()
        return case
    return run


def test_a_registered_model_is_not_edited_directly(world):
    reg = registered(world)
    with pytest.raises(registry.RegistryError):
        registry.update_model(reg.model, actor=world.applicant_a, name="Renamed", values=BASE)
    db.session.rollback()
    assert _on_register() == [("ZX-Arm A1", "wheeled")]


def test_a_granted_change_is_what_the_register_shows(world, decide, tmp_path):
    reg = registered(world)
    app = apply_change(world, reg, form_factor="mobile_manipulator")
    assert _on_register() == [("ZX-Arm A1", "wheeled")]  # applied for: nothing changes yet
    assert app.case.state == "submitted" and app.version.frozen
    case = decide(app)
    assert case.state == "change_granted"
    assert _on_register() == [("ZX-Arm A1 Pro", "mobile_manipulator")]
    assert reg.version_id == app.version_id and reg.registration_number  # same number
    (decision,) = [d for d in decisions_of(case) if d.kind == "change_grant"]
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "准予变更决定书" in text and reg.registration_number in text
    assert "产品名称：由“ZX-ArmA1”变更为" in text and "软件（模型）版本：由“1.0”变更为“2.0”" in text
    applied = db.session.execute(db.select(AuditEvent).where(AuditEvent.case_id == reg.case_id,
                                                              AuditEvent.action == "changes.change_applied")).scalar()
    assert applied is not None


def test_the_officer_cannot_approve_their_own_proposal(world):
    reg = registered(world)
    app = apply_change(world, reg)
    cases.fire(app.case, "accept", actor=world.dual)
    cases.fire(app.case, "propose_grant", actor=world.dual)
    with pytest.raises(cases.TransitionRefused):
        cases.fire(app.case, "approve", actor=world.dual)


def test_a_refused_change_leaves_the_registration_unchanged(world, decide, tmp_path):
    reg = registered(world)
    app = apply_change(world, reg, intelligence_level=4)
    case = decide(app, "refusal", reason="变更后的智能化等级须重新分级评估，申请未附评估材料。")
    assert case.state == "change_refused"
    assert _on_register() == [("ZX-Arm A1", "wheeled")]
    assert reg.version.intelligence_level == 1 and reg.model.name == "ZX-Arm A1"
    (decision,) = [d for d in decisions_of(case) if d.kind == "change_refusal"]
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "不予变更决定书" in text and "须重新分级评估" in text
    assert "自收到本决定之日起六十日内" in text  # the remedy


def test_nothing_changed_is_refused(world):
    reg = registered(world)
    with pytest.raises(services.ChangeError, match="Nothing differs"):
        services.apply_for_change(reg, actor=world.applicant_a, name="ZX-Arm A1", values=BASE)


def test_one_application_at_a_time_and_only_by_the_firm(world):
    reg = registered(world)
    apply_change(world, reg)
    with pytest.raises(services.ChangeError, match="already in progress"):
        apply_change(world, reg, name="Other")
    with pytest.raises(services.ChangeError, match="Only the registered firm"):
        services.apply_for_renewal(reg, actor=world.applicant_b)


def test_a_renewal_extends_the_term(world, decide, tmp_path):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        reg = registered(world)
    assert reg.expires_on == dt.date(2029, 3, 2)
    with time_machine.travel(dt.datetime(2029, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        app = services.apply_for_renewal(reg, actor=world.applicant_a)
        db.session.commit()
        case = decide(app)
    assert case.state == "renewed"
    assert reg.expires_on == dt.date(2032, 3, 2)
    (decision,) = [d for d in decisions_of(case) if d.kind == "renewal_grant"]
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "准予延续决定书" in text and "延续至2032年3月1日" in text


def test_a_renewal_after_expiry_or_too_late_is_refused_with_a_message(world, decide):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        reg = registered(world)
    with time_machine.travel(dt.datetime(2029, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(services.ChangeError) as err:
            services.apply_for_renewal(reg, actor=world.applicant_a)
        assert err.value.message.startswith("The registration expired on %(day)s")
        assert err.value.params == {"day": "2029-03-02"}
    with time_machine.travel(dt.datetime(2029, 2, 10, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(services.ChangeError, match="at least %\\(days\\)s days"):
            services.apply_for_renewal(reg, actor=world.applicant_a)


def test_a_renewal_not_decided_before_expiry(world, nature, decide):
    """The approver may not grant a renewal once the registration expired; under licence the
    system deems it granted instead (行政许可法 Art. 50 ¶2), under filing it is not."""
    from supervision.core.actors import SYSTEM

    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        reg = registered(world)
    with time_machine.travel(dt.datetime(2029, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        app = services.apply_for_renewal(reg, actor=world.applicant_a)
        cases.fire(app.case, "accept", actor=world.officer)
        cases.fire(app.case, "propose_grant", actor=world.officer)
        db.session.commit()
    with time_machine.travel(dt.datetime(2029, 3, 3, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(cases.TransitionRefused) as err:
            cases.fire(app.case, "approve", actor=world.approver)
        assert "can no longer be renewed" in err.value.reasons[0]
        nature("filing")
        assert services.deem_overdue_renewals(actor=SYSTEM) == 0
        nature("licence")
        assert services.deem_overdue_renewals(actor=SYSTEM) == 1
        db.session.commit()
    assert app.case.state == "renewed" and reg.expires_on == dt.date(2032, 3, 2)


def test_a_renewal_refused_leaves_the_term_and_states_the_reasons(world, decide, tmp_path):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        reg = registered(world)
    with time_machine.travel(dt.datetime(2029, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        app = services.apply_for_renewal(reg, actor=world.applicant_a)
        db.session.commit()
        case = decide(app, "refusal", reason="该型号2028年度运行报告至今未报送，不符合延续条件。")
    assert case.state == "renewal_refused" and reg.expires_on == dt.date(2029, 3, 2)
    (decision,) = [d for d in decisions_of(case) if d.kind == "renewal_refusal"]
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "不予延续决定书" in text and "2028年度运行报告" in text and "自收到本决定之日起六十日内" in text

