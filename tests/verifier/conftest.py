"""One real dossier per module, exported through the job, plus the checkpoints an auditor may
hold: one made before the export and one made after it."""
from __future__ import annotations

import hashlib
import io
import shutil
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from supervision.audit.services import record_now
from supervision.cases import services as cases
from supervision.core import uow
from supervision.dossiers import checkpoints, export
from supervision.extensions import db
from supervision.jobs import runners
from supervision.jobs.models import Job
from tests.conftest import COMPLETE_TIER_1, World, empty_tables, replace_case_type
from tests.dossiers.conftest import build_history


@dataclass
class Pristine:
    zip_path: Path
    vkey: Path
    pem: Path
    origin: str
    before_note: bytes      # a checkpoint made before the export (older, consistent)
    after_note: bytes       # a checkpoint made after the export (newer)
    key_pem: bytes          # the private checkpoint key, to forge "same key, other origin"


@pytest.fixture(scope="module")
def pristine(app, tmp_path_factory) -> Pristine:
    folder = tmp_path_factory.mktemp("dossier")
    saved = {k: app.config.get(k) for k in ("CHECKPOINT_KEY_PATH", "EXPORT_DIR", "CHECKPOINT_ORIGIN", "JOB_RUNNER")}
    app.config.update(CHECKPOINT_KEY_PATH=str(folder / "checkpoint.pem"), EXPORT_DIR=str(folder / "exports"),
                      CHECKPOINT_ORIGIN="supervision.test/audit-log", JOB_RUNNER="thread")
    restore = replace_case_type(app, "registration", facts=lambda case, actor: dict(COMPLETE_TIER_1))
    try:
        with app.app_context():
            with uow.unit_of_work():
                world = World()
                case = build_history(world, rounds=2)
                before, _ = checkpoints.make_checkpoint()
            before_note = before.note.encode()
            record_now("test.noise", actor=world.admin)  # the log grows between checkpoints
            with uow.unit_of_work():
                job = export.start_export(case, actor=world.auditor)
            assert runners.drain(app, 120)
            db.session.expire_all()
            job = db.session.get(Job, job.id)
            assert job.status == "done", job.message
            shutil.copy(job.result_path, folder / "dossier.zip")
            record_now("test.noise", actor=world.admin)
            with uow.unit_of_work():
                after, _ = checkpoints.make_checkpoint()
            (folder / "key.vkey").write_text(checkpoints.verifier_key() + "\n")
            (folder / "key.pem").write_text(checkpoints.public_key_pem())
            result = Pristine(folder / "dossier.zip", folder / "key.vkey", folder / "key.pem",
                              checkpoints.origin(), before_note, after.note.encode(),
                              Path(app.config["CHECKPOINT_KEY_PATH"]).read_bytes())
            db.session.remove()
            empty_tables()
    finally:
        app.config.update(saved)
        restore()
    return result


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rebuild(files: dict[str, bytes], out: Path, *, recompute: bool = True) -> Path:
    """Write ``files`` as a ZIP; with ``recompute`` the insider also fixes every manifest."""
    files = dict(files)
    if recompute:
        payload = {n: d for n, d in files.items() if n.startswith("data/")}
        files["manifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(payload.items())).encode()
        info = [ln for ln in files["bag-info.txt"].decode().splitlines() if not ln.startswith("Payload-Oxum")]
        info.append(f"Payload-Oxum: {sum(len(d) for d in payload.values())}.{len(payload)}")
        files["bag-info.txt"] = ("\n".join(info) + "\n").encode()
        files["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n"
            for n in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out


def raw_zip(out: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """A hand-made archive (duplicate names allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in entries:
                zf.writestr(info, data)
    return out


def zip_bytes(path: Path) -> io.BytesIO:
    return io.BytesIO(path.read_bytes())
