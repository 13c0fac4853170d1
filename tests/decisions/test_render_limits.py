"""WeasyPrint runs in a child process with a time and a memory limit (OWASP ASVS 12.1/5.2):
a hostile or enormous document cannot stall or exhaust a worker, and a decision that cannot be
rendered within them is refused with a message, leaving the case as it was."""
from __future__ import annotations

import time

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as case_services
from supervision.cases.models import Case
from supervision.core import limited
from supervision.decisions import render
from supervision.decisions.models import Decision
from supervision.extensions import db
from tests.cases.conftest import previewed, put_in_state, sign_in, version_of


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _fail() -> None:
    raise render.FetchRefused("refused: file:///etc/passwd")


def test_the_child_is_stopped_at_its_time_limit():
    assert limited.run(_sleep, 0, seconds=120, memory_mb=2048) == "woke"  # the fork server is up
    started = time.monotonic()
    with pytest.raises(limited.LimitExceeded) as caught:
        limited.run(_sleep, 30, seconds=1, memory_mb=2048)
    assert caught.value.reason == "time"
    assert time.monotonic() - started < 10


def test_the_child_cannot_take_more_memory_than_allowed():
    with pytest.raises(limited.LimitExceeded) as caught:
        limited.run(_allocate, 3000, seconds=60, memory_mb=1500)
    assert caught.value.reason == "memory"
    # Within the limit the same work succeeds and its result comes back.
    assert limited.run(_allocate, 10, seconds=60, memory_mb=1500) == 10 * 1024 * 1024


def test_an_error_in_the_child_is_raised_again_as_it_was():
    with pytest.raises(render.FetchRefused, match="/etc/passwd"):
        limited.run(_fail, seconds=60, memory_mb=2048)


@pytest.fixture
def isolated(app):
    app.config["PDF_RENDER_ISOLATED"] = True
    yield app.config
    app.config.update(PDF_RENDER_ISOLATED=False, PDF_RENDER_SECONDS=120.0)


def test_an_isolated_render_gives_the_same_document(isolated):
    html = "<html><body><p id='seal'>杭州市经济和信息化局</p></body></html>"
    here, there = render.render_here(html, render.static_dir()), render.render_pdf(html)
    assert there.pages == here.pages == 1 and there.pdf.startswith(b"%PDF")
    assert there.seal_box == here.seal_box


def test_a_document_too_costly_to_render_is_stopped(isolated):
    render.render_pdf("<html><body><p>预热</p></body></html>")  # the fork server is up
    isolated["PDF_RENDER_SECONDS"] = 1.0
    rows = "".join(f"<tr><td>{i}</td><td>{'长文本' * 40}</td></tr>" for i in range(20000))
    started = time.monotonic()
    with pytest.raises(limited.LimitExceeded):
        render.render_pdf(f"<html><body><table>{rows}</table></body></html>")
    assert time.monotonic() - started < 15


def test_an_approval_whose_decision_cannot_be_rendered_is_refused_and_changes_nothing(world, web, isolated):
    isolated["PDF_RENDER_SECONDS"] = 0.001  # nothing renders that fast
    case = world.case()
    put_in_state(case, "classification_review")
    case_services.fire(case, "propose_refusal", actor=world.officer, reason="Outside Art. 3.")
    db.session.commit()
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(web, "dual@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "approve", "version": version_of(html), **previewed(html)},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 422
    assert "could not be rendered within the time and memory allowed" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "decision_proposed"
    assert db.session.execute(db.select(db.func.count(Decision.id))).scalar_one() == 0
    assert not db.session.execute(db.select(AuditEvent).where(AuditEvent.trigger == "approve")).first()
