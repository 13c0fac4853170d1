"""Notification tests: a rule table, a private mail folder, a Chinese catalog for the strings
the tests read, and a real SMTP server (aiosmtpd) on a free local port."""
from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest


from supervision.extensions import db
from supervision.jobs import runners
from supervision.notifications.models import InboxItem, OutboxMessage
from supervision.notifications.rules import Event, Rule
from tests.cases.conftest import use_catalog

TRANSITION_SUBJECT = "Case %(case)s: %(action)s"
TRANSITION_BODY = "%(title)s is now %(state)s. Answer by %(due)s."

# A table in the shape the case types will declare (the msgids are the tests' own).
RULES = (
    Rule("firm_told_of_request", audience="firm", subject=TRANSITION_SUBJECT, body=TRANSITION_BODY,
         events=frozenset({"case.transition"}), tags=frozenset({"information_request"})),
    Rule("officers_told_of_submission", audience="department_officers", subject=TRANSITION_SUBJECT,
         body=TRANSITION_BODY, events=frozenset({"case.transition"}), triggers=frozenset({"submit"})),
    Rule("assignee_told_of_answer", audience="assignee", subject="Answer received on %(case)s",
         body="The firm answered.", tags=frozenset({"answer"}), email=False),
)

# What the translation pass will put in the catalog, for the strings these tests read.
ZH = {
    TRANSITION_SUBJECT: "案件 %(case)s：%(action)s",
    TRANSITION_BODY: "%(title)s 现为%(state)s。请于 %(due)s 前答复。",
    "Request information": "要求补充信息",
    "Information requested": "已要求补充信息",
    "Open the case: %(url)s": "查看案件：%(url)s",
    "Inbox": "消息",
}


def request_event(case, actor, **kw) -> Event:
    return Event(name="case.transition", case_id=case.id, actor_id=actor.id if actor else None,
                 trigger="request_information", from_state="screening", to_state="info_requested",
                 tags=frozenset({"information_request"}), params={"due": "2026-12-24"}, **kw)


EMIT_LABELS = {"action_label": "Request information", "state_label": "Information requested"}


@pytest.fixture
def zh_catalog(monkeypatch):
    """Chinese text comes from ``ZH`` (the shipped catalog is translated after the merge)."""
    return use_catalog(monkeypatch, ZH)


@pytest.fixture(autouse=True)
def mailbox(app, tmp_path, monkeypatch) -> Path:
    """This test's mail folder (file transport); background sends end before the test does."""
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_DIR", str(folder))
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "file")
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    yield folder
    assert runners.drain(app, 30)


def delivered(folder: Path) -> list[email.message.EmailMessage]:
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))]


def inbox_rows() -> list[InboxItem]:
    db.session.expire_all()
    return list(db.session.execute(db.select(InboxItem).order_by(InboxItem.id)).scalars())


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """A real SMTP server in a thread (aiosmtpd), started and stopped by the test."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller = None
        self.refuse_recipients = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    """A mail server on a free port, not yet started; the app sends to it by SMTP."""
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    yield server
    assert runners.drain(app, 30)
    server.stop()
