"""The offline verifier: a genuine dossier verifies; every insider's tampering is detected and
named; unsafe archives are refused before anything is extracted."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

import tools.verify_dossier as tool
from supervision.dossiers import notes
from tests.verifier.conftest import members, raw_zip, rebuild

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools", "verify_dossier.py"), *args],
                          capture_output=True, text=True, timeout=120, **kw)


def failures(pristine, zip_path, trusted: bytes | None = None) -> list[str]:
    key = tool.load_key(str(pristine.vkey), None)
    return tool.verify(str(zip_path), key, trusted).failures


def events_of(files) -> list[bytes]:
    return files["data/events.jsonl"].splitlines()


def with_events(files, lines) -> dict:
    return {**files, "data/events.jsonl": b"".join(ln + b"\n" for ln in lines)}


def seq(line: bytes) -> int:
    return json.loads(line)["seq"]


def test_a_genuine_dossier_verifies_with_exit_0_and_a_summary(pristine):
    result = run(str(pristine.zip_path), "--public-key", str(pristine.vkey))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "VERIFIED" in out and "events, case chain checked" in out
    decisions = json.loads(members(pristine.zip_path)["data/decisions.json"])
    assert f"ok: 2 documents and {len(decisions)} decisions match their hashes" in out
    assert "reaches 'refused'" in out


def test_a_pem_key_with_the_origin_works_too(pristine):
    result = run(str(pristine.zip_path), "--public-key", str(pristine.pem), "--origin", pristine.origin)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(str(pristine.zip_path), "--public-key", str(pristine.pem))
    assert result.returncode == 2 and "--origin" in result.stderr


def test_one_byte_of_an_event_changed(pristine, tmp_path):
    files = members(pristine.zip_path)
    lines = events_of(files)
    target = lines[3]
    changed = target.replace(b'"officer@t.test"', b'"officer@t.tesT"', 1)
    assert changed != target and len(changed) == len(target)
    lines[3] = changed
    # Without fixing the manifests the bag itself fails ...
    plain = failures(pristine, rebuild(with_events(files, lines), tmp_path / "a.zip", recompute=False))
    assert "bag: data/events.jsonl does not match the manifest" in plain
    # ... and with the manifests recomputed the chain and the proof name the event.
    found = failures(pristine, rebuild(with_events(files, lines), tmp_path / "b.zip"))
    assert any(f.startswith(f"event {seq(lines[4])}: case chain broken") for f in found)
    assert f"event {seq(target)}: not in the audit log at the checkpoint (inclusion proof fails)" in found


def test_a_deleted_event(pristine, tmp_path):
    files = members(pristine.zip_path)
    lines = events_of(files)
    gone = lines.pop(2)
    found = failures(pristine, rebuild(with_events(files, lines), tmp_path / "d.zip"))
    assert any(f.startswith(f"event {seq(lines[2])}: case chain broken") for f in found), found
    assert seq(gone) < seq(lines[2])


def test_the_last_events_cut_off(pristine, tmp_path):
    files = members(pristine.zip_path)
    lines = events_of(files)[:-1]   # the export's own event (and so the tail) removed
    found = failures(pristine, rebuild(with_events(files, lines), tmp_path / "t.zip"))
    assert any("export.start of job" in f and "missing" in f for f in found), found


def test_two_events_swapped(pristine, tmp_path):
    files = members(pristine.zip_path)
    lines = events_of(files)
    lines[4], lines[5] = lines[5], lines[4]
    found = failures(pristine, rebuild(with_events(files, lines), tmp_path / "s.zip"))
    assert any(f"event {seq(lines[5])}: out of order" in f for f in found), found
    assert any("case chain broken" in f for f in found)


def test_manifests_recomputed_after_editing_the_recorded_state(pristine, tmp_path):
    files = members(pristine.zip_path)
    case = json.loads(files["data/case.json"])
    case["state"] = "registered"
    files["data/case.json"] = json.dumps(case).encode()
    found = failures(pristine, rebuild(files, tmp_path / "m.zip"))
    assert found == ["replay: the recorded transitions end in 'refused', but the case is recorded in 'registered'"]


def test_manifests_recomputed_after_editing_the_workflow_table(pristine, tmp_path):
    files = members(pristine.zip_path)
    wf = json.loads(files["data/workflow.json"])
    wf["transitions"] = [t for t in wf["transitions"] if t["trigger"] != "accept"]
    files["data/workflow.json"] = json.dumps(wf).encode()
    found = failures(pristine, rebuild(files, tmp_path / "w.zip"))
    assert len(found) == 1 and "the workflow has no transition 'accept' from 'submitted'" in found[0]


def test_an_edited_inclusion_proof(pristine, tmp_path):
    files = members(pristine.zip_path)
    proofs = json.loads(files["data/proofs.json"])
    first = proofs["proofs"][0]
    first["path"] = "00" * 32 + first["path"][64:]
    files["data/proofs.json"] = json.dumps(proofs).encode()
    found = failures(pristine, rebuild(files, tmp_path / "p.zip"))
    assert found == [f"event {first['seq']}: not in the audit log at the checkpoint (inclusion proof fails)"]


def test_an_older_checkpoint_when_a_newer_one_is_trusted(pristine, tmp_path):
    found = failures(pristine, pristine.zip_path, trusted=pristine.after_note)
    assert len(found) == 1 and "is older than the trusted one" in found[0]
    trusted = tmp_path / "trusted.txt"
    trusted.write_bytes(pristine.after_note)
    result = run(str(pristine.zip_path), "--public-key", str(pristine.vkey), "--trusted-checkpoint", str(trusted))
    assert result.returncode == 1 and "older than the trusted one" in result.stdout


def test_an_older_trusted_checkpoint_is_proven_consistent(pristine, tmp_path):
    trusted = tmp_path / "trusted.txt"
    trusted.write_bytes(pristine.before_note)
    result = run(str(pristine.zip_path), "--public-key", str(pristine.vkey), "--trusted-checkpoint", str(trusted))
    assert result.returncode == 0, result.stdout
    assert "consistent with the trusted checkpoint" in result.stdout


def _sign(pristine, note: bytes, *, origin=None, key=None, root=None) -> bytes:
    lines = note.decode().split("\n\n")[0].split("\n")
    body = notes.CheckpointBody(origin or lines[0], int(lines[1]), root or base64.b64decode(lines[2]),
                                lines[3].removeprefix("Timestamp: "))
    key = key or load_pem_private_key(pristine.key_pem, password=None)
    return notes.sign(body, key).encode()


def test_a_forked_log_is_not_consistent_with_the_trusted_checkpoint(pristine, tmp_path):
    # The same key signed another root for the trusted size: the log was rewritten.
    forged = _sign(pristine, pristine.before_note, root=b"\x07" * 32)
    found = failures(pristine, pristine.zip_path, trusted=forged)
    assert len(found) == 1 and "not proven consistent with the trusted checkpoint" in found[0]


def test_a_foreign_checkpoint(pristine, tmp_path):
    files = members(pristine.zip_path)
    files["data/checkpoint.txt"] = _sign(pristine, files["data/checkpoint.txt"], origin="staging.example/audit-log")
    found = failures(pristine, rebuild(files, tmp_path / "f.zip"))
    assert any("foreign checkpoint: origin 'staging.example/audit-log'" in f for f in found), found


def test_a_checkpoint_signed_with_another_key(pristine, tmp_path):
    files = members(pristine.zip_path)
    files["data/checkpoint.txt"] = _sign(pristine, files["data/checkpoint.txt"], key=Ed25519PrivateKey.generate())
    found = failures(pristine, rebuild(files, tmp_path / "k.zip"))
    assert found == ["checkpoint: not signed by the trusted checkpoint key supervision.test/audit-log"]


def test_a_checkpoint_whose_signature_was_kept_but_root_changed(pristine, tmp_path):
    files = members(pristine.zip_path)
    body, sep, sig = files["data/checkpoint.txt"].partition(b"\n\n")
    parts = body.split(b"\n")
    parts[2] = base64.b64encode(b"\x01" * 32)
    files["data/checkpoint.txt"] = b"\n".join(parts) + sep + sig
    found = failures(pristine, rebuild(files, tmp_path / "r.zip"))
    assert "checkpoint: the signature by 'supervision.test/audit-log' does not verify" in found


def test_a_replaced_attachment(pristine, tmp_path):
    files = members(pristine.zip_path)
    name = next(n for n in files if n.startswith("data/attachments/"))
    files[name] = b"%PDF-1.4 a different plan\n%%EOF\n"
    found = failures(pristine, rebuild(files, tmp_path / "att.zip"))
    assert found == [f"{name}: its content does not have the hash it is named by (replaced)"]


def test_a_replaced_attachment_renamed_to_its_new_hash(pristine, tmp_path):
    import hashlib

    files = members(pristine.zip_path)
    old = next(n for n in files if n.startswith("data/attachments/"))
    data = b"%PDF-1.4 a different plan\n%%EOF\n"
    new = "data/attachments/" + hashlib.sha256(data).hexdigest()
    del files[old]
    files[new] = data
    docs = json.loads(files["data/documents.json"])
    for d in docs:
        if "data/" + d["path"] == old:
            d["sha256"], d["path"] = new.rsplit("/", 1)[1], new.removeprefix("data/")
    files["data/documents.json"] = json.dumps(docs).encode()
    found = failures(pristine, rebuild(files, tmp_path / "att2.zip"))
    assert found == [f"{new}: its hash is not recorded in the case's audit trail"]


# -- unsafe archives ------------------------------------------------------------------------


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize("entries,reason", [
    ([("../escaped.txt", b"x")], "path with '..'"),
    ([("data/../../escaped.txt", b"x")], "path with '..'"),
    ([("/tmp/escaped.txt", b"x")], "absolute path"),
    ([("C:/escaped.txt", b"x")], "absolute path"),
    ([("data\\..\\escaped.txt", b"x")], "forbidden character"),
    ([(_link("data/events.jsonl"), b"/etc/passwd")], "symbolic link"),
    ([("data/events.jsonl", b"a"), ("data/events.jsonl", b"b")], "duplicate name"),
    ([("data/Events.jsonl", b"a"), ("data/events.jsonl", b"b")], "duplicate name"),
    ([("data/bomb.bin", b"\0" * (60 * 1024 * 1024))], "compression ratio"),
])
def test_unsafe_archives_are_refused_and_nothing_is_written_outside(pristine, tmp_path, entries, reason):
    bad = raw_zip(tmp_path / "bad.zip", entries)
    work = tmp_path / "work"
    scratch = work / "tmp"
    scratch.mkdir(parents=True)
    result = run(str(bad), "--public-key", str(pristine.vkey), cwd=str(work),
                 env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "REFUSED: unsafe archive" in result.stderr and reason in result.stderr
    assert os.listdir(scratch) == [] and sorted(os.listdir(work)) == ["tmp"]
    assert not (tmp_path / "escaped.txt").exists() and not os.path.exists("/tmp/escaped.txt")


def test_a_member_larger_than_the_limit_is_refused(pristine, tmp_path, monkeypatch):
    monkeypatch.setattr(tool, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(tool.Unsafe, match="too large"):
        failures(pristine, pristine.zip_path)


def test_not_a_zip_is_refused(pristine, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    result = run(str(junk), "--public-key", str(pristine.vkey))
    assert result.returncode == 2 and "not a ZIP archive" in result.stderr
