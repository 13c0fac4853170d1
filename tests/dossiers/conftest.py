"""Dossier fixtures: a checkpoint key and export folder per test, and a case with a history."""
from __future__ import annotations

import pytest

from supervision.cases import services as cases
from supervision.documents.services import add_document
from supervision.dossiers import checkpoints
from supervision.jobs import runners

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


@pytest.fixture
def dossier_env(app, tmp_path, monkeypatch):
    """Keys and exports live in the test's own folder."""
    monkeypatch.setitem(app.config, "CHECKPOINT_KEY_PATH", str(tmp_path / "keys" / "checkpoint.pem"))
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "CHECKPOINT_ORIGIN", "supervision.test/audit-log")
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    yield tmp_path
    assert runners.drain(app, 120)


def build_history(world, *, rounds: int = 2, refuse: bool = True):
    """A registration case submitted, accepted, reviewed with ``rounds`` clarification rounds,
    with two documents, and (``refuse``) refused by the approver."""
    case = world.case(title="巡检机器人 X1")
    add_document(data=PDF, filename="plan.pdf", classification="confidential",
                 actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    cases.fire(case, "submit", actor=world.applicant_a)
    cases.fire(case, "accept", actor=world.officer)
    cases.fire(case, "start_review", actor=world.officer)
    for n in range(rounds):
        cases.fire(case, "request_clarification", actor=world.officer, comment=f"问题 {n}")
        cases.fire(case, "answer_clarification", actor=world.applicant_a, comment=f"answer {n}")
    add_document(data=PNG, filename="photo.png", classification="internal",
                 actor=world.officer, case=case)
    if refuse:
        cases.fire(case, "propose_refusal", actor=world.officer, reason="不符合要求")
        cases.fire(case, "approve", actor=world.approver)
    return case


def verifier_key_file(tmp_path) -> str:
    path = tmp_path / "checkpoint.vkey"
    path.write_text(checkpoints.verifier_key() + "\n")
    return str(path)
