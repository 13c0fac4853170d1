"""Signed checkpoints: made by the CLI, at each export and periodically, never backwards (also
when processes sign at once), refused over an altered log, and published without login with
consistency proofs and the key."""
from __future__ import annotations

import base64
import datetime as dt
import os
import stat
import threading
import time

import pytest
from sqlalchemy import text

import tools.verify_dossier as tool
from supervision.audit.services import record
from supervision.core import uow
from supervision.dossiers import checkpoints, merkle
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db
from supervision.jobs import periodic


def all_checkpoints() -> list[Checkpoint]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Checkpoint).order_by(Checkpoint.tree_size)).scalars())


def grow(world, n: int = 1) -> None:
    for _ in range(n):
        with uow.unit_of_work():
            record("test.noise", actor=world.admin)


def make_checkpoint():
    """A checkpoint as its callers make one: in a unit of work that commits it."""
    with uow.unit_of_work():
        return checkpoints.make_checkpoint()


def test_the_cli_signs_the_log_and_only_when_it_grew(world, runner, dossier_env):
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    first = all_checkpoints()
    assert len(first) == 1 and f"tree size {first[0].tree_size}," in result.output
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert len(all_checkpoints()) == 1            # nothing new to sign
    grow(world, 3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    one, two = all_checkpoints()
    assert two.tree_size == one.tree_size + 3 and two.previous_size == one.tree_size
    assert two.timestamp > one.timestamp


def test_the_note_verifies_with_the_published_key_and_matches_the_log(world, dossier_env, tmp_path):
    cp, tree = make_checkpoint()
    vkey = tmp_path / "k.vkey"
    vkey.write_text(checkpoints.verifier_key())
    parsed, problems = tool.open_checkpoint(cp.note.encode(), tool.load_key(str(vkey), None), "cp")
    assert problems == []
    assert (parsed.origin, parsed.tree_size, parsed.root.hex()) == ("supervision.test/audit-log", cp.tree_size, cp.root_hash)
    assert cp.root_hash == checkpoints.log_tree().root().hex() == tree.root().hex()
    assert cp.note.startswith(f"supervision.test/audit-log\n{cp.tree_size}\n")


def test_the_key_is_made_once_readable_only_by_its_owner(world, dossier_env):
    make_checkpoint()
    path = dossier_env / "keys" / "checkpoint.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = path.read_bytes()
    grow(world)
    make_checkpoint()
    assert path.read_bytes() == before


def test_consecutive_checkpoints_carry_a_consistency_proof_that_verifies(world, dossier_env):
    for n in (1, 2, 5, 1):
        grow(world, n)
        make_checkpoint()
    cps = all_checkpoints()
    assert len(cps) == 4
    for old, new in zip(cps, cps[1:]):
        proof = [bytes.fromhex(h) for h in checkpoints.as_json(new)["consistency_proof"]]
        assert new.previous_size == old.tree_size
        assert merkle.verify_consistency(old.tree_size, new.tree_size, proof,
                                         bytes.fromhex(old.root_hash), bytes.fromhex(new.root_hash))


def _alter_an_old_event() -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # the append-only trigger must be bypassed to cheat
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        assert conn.execute(text("UPDATE audit_events SET canonical = canonical || ' ' WHERE seq = 2")).rowcount == 1


def test_a_log_altered_after_a_checkpoint_is_refused_not_signed(world, runner, dossier_env):
    make_checkpoint()
    grow(world)
    _alter_an_old_event()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "checkpoint refused: events 1.." in result.output
    assert len(all_checkpoints()) == 1


def test_the_transparency_page_is_public(world, client, dossier_env):
    grow(world)
    make_checkpoint()
    grow(world, 2)
    make_checkpoint()
    cps = all_checkpoints()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/transparency")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert checkpoints.verifier_key() in html
    for cp in cps:
        assert cp.root_hash in html
    assert f"Consistency proof from tree size {cps[0].tree_size}" in html

    data = client.get("/transparency.json").get_json()
    assert data["origin"] == "supervision.test/audit-log"
    assert [c["tree_size"] for c in data["checkpoints"]] == [cps[1].tree_size, cps[0].tree_size]
    assert data["checkpoints"][0]["consistency_proof"] == checkpoints.as_json(cps[1])["consistency_proof"]

    note = client.get("/transparency/checkpoint")
    assert note.mimetype == "text/plain" and note.get_data(as_text=True) == cps[1].note
    assert client.get(f"/transparency/checkpoint/{cps[0].tree_size}").get_data(as_text=True) == cps[0].note
    assert client.get("/transparency/checkpoint/999999").status_code == 404
    assert client.get("/transparency/key").get_data(as_text=True).strip() == checkpoints.verifier_key()
    root = base64.b64decode(data["checkpoints"][0]["root_base64"])
    assert root.hex() == cps[1].root_hash


def test_the_public_home_links_the_transparency_page(client, dossier_env):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert 'href="/transparency"' in client.get("/").get_data(as_text=True)


def test_a_deleted_event_is_refused_not_signed(world, runner, dossier_env):
    grow(world, 2)
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "checkpoint refused: event 3 is missing from the log" in result.output
    assert all_checkpoints() == []


# -- periodic checkpoints ------------------------------------------------------------------------


def _age_newest_checkpoint(minutes: float) -> None:
    """As if the newest checkpoint had been signed ``minutes`` earlier."""
    newest = checkpoints.latest()
    newest.timestamp -= dt.timedelta(minutes=minutes)
    db.session.commit()


def test_the_periodic_task_signs_once_the_interval_passed_and_only_if_the_log_grew(app, world, dossier_env, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 60)
    periodic.run(app, "checkpoint")
    first = all_checkpoints()
    assert len(first) == 1 and first[0].tree_size == checkpoints.log_size()  # the first one at once

    grow(world, 2)
    periodic.run(app, "checkpoint")
    assert len(all_checkpoints()) == 1        # grown, but the newest is not an hour old

    _age_newest_checkpoint(61)
    periodic.run(app, "checkpoint")
    one, two = all_checkpoints()
    assert two.tree_size == one.tree_size + 2 and two.previous_size == one.tree_size

    _age_newest_checkpoint(61)
    periodic.run(app, "checkpoint")
    assert len(all_checkpoints()) == 2        # an hour old, but nothing new to sign

    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 0)
    grow(world)
    _age_newest_checkpoint(6000)
    periodic.run(app, "checkpoint")
    assert len(all_checkpoints()) == 2        # switched off


def test_an_export_counts_as_the_periodic_checkpoint(app, world, dossier_env, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 60)
    grow(world, 3)
    make_checkpoint()             # what an export does
    grow(world)
    periodic.run(app, "checkpoint")
    assert len(all_checkpoints()) == 1


def _in_own_session(app, fn, errors):
    def target():
        with app.app_context():
            try:
                fn()
            except BaseException as err:  # reported to the test
                errors.append(err)
            finally:
                db.session.remove()
    return threading.Thread(target=target)


def test_processes_that_check_at_the_same_moment_make_one_checkpoint(app, world, dossier_env, monkeypatch):
    # Each thread stands for a process (a gunicorn worker): only the database keeps them apart.
    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 60)
    make_checkpoint()
    grow(world, 5)
    _age_newest_checkpoint(61)
    db.session.commit()
    start, errors = threading.Barrier(4), []

    def check():
        start.wait(10)
        periodic.run(app, "checkpoint")

    threads = [_in_own_session(app, check, errors) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    cps = all_checkpoints()
    assert [c.tree_size - cps[0].tree_size for c in cps] == [0, 5]


def test_a_checkpoint_begun_earlier_never_lands_after_a_newer_one(app, world, dossier_env, monkeypatch):
    """Process A reads the log and is slow to sign; meanwhile the log grows and process B signs.
    B must wait for A, so sizes and times grow together and each proof links to the one before."""
    grow(world, 3)
    make_checkpoint()
    grow(world, 2)
    db.session.commit()  # no transaction of the test's stays open beside the two "processes"
    inside, real_tree = threading.Event(), checkpoints.log_tree

    def slow_tree(size=None):
        tree = real_tree(size)
        if threading.current_thread().name == "A":
            inside.set()
            time.sleep(0.5)
        return tree

    monkeypatch.setattr(checkpoints, "log_tree", slow_tree)
    errors: list[BaseException] = []
    a = _in_own_session(app, make_checkpoint, errors)
    a.name = "A"
    a.start()
    assert inside.wait(10)
    grow(world)                                # the log grows while A holds its tree
    db.session.commit()
    b = _in_own_session(app, make_checkpoint, errors)
    b.start()
    a.join(30)
    b.join(30)
    assert errors == []
    cps = sorted(all_checkpoints(), key=lambda c: c.timestamp)
    assert [c.tree_size for c in cps] == sorted(c.tree_size for c in cps)
    assert len({c.tree_size for c in cps}) == len(cps) == 3
    for old, new in zip(cps, cps[1:]):
        assert new.previous_size == old.tree_size


def _tamper(sql: str) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # the append-only trigger must be bypassed to cheat
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        assert conn.execute(text(sql)).rowcount == 1


def test_an_event_altered_since_the_last_checkpoint_is_refused_naming_it(world, runner, dossier_env):
    """Only the stored field changes (its hashed bytes stay): the signer checks the fields."""
    grow(world, 3)
    make_checkpoint()
    grow(world, 4)
    size = checkpoints.log_size()
    _tamper(f"UPDATE audit_events SET reason = 'nothing happened' WHERE seq = {size - 1}")
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1, result.output
    assert f"checkpoint refused: event {size - 1}: its stored fields differ from its hashed bytes" in result.output
    assert len(all_checkpoints()) == 1


def test_a_broken_chain_since_the_last_checkpoint_is_refused_naming_the_event(world, runner, dossier_env):
    grow(world, 2)
    make_checkpoint()
    grow(world, 3)
    size = checkpoints.log_size()
    _tamper(f"UPDATE audit_events SET prev_hash = '{'1' * 64}' WHERE seq = {size}")
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and f"checkpoint refused: event {size}:" in result.output
    assert len(all_checkpoints()) == 1


def test_the_first_checkpoint_checks_every_event(world, runner, dossier_env):
    grow(world, 3)
    _tamper("UPDATE audit_events SET reason = 'x' WHERE seq = 2")
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "checkpoint refused: event 2: its stored fields differ" in result.output
    assert all_checkpoints() == []
