"""Writing and reading the backup archive (see the package docstring)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump and pg_restore  # nosec B404
import tarfile
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from supervision.backups import crypto
from supervision.extensions import db


class RestoreRefused(Exception):
    """The restore would overwrite something, or the archive does not check out."""


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _key_dir() -> Path:
    return Path(current_app.config.get("DECISION_KEY_DIR") or os.path.join(current_app.instance_path, "keys"))


def _dump_database(url: str, folder: Path) -> str:
    if _is_sqlite(url):
        target = folder / "database.sqlite3"
        source = sqlite3.connect(make_url(url).database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # a consistent snapshot while writers go on
        source.close()
        copy.close()
        return target.name
    target = folder / "database.pgdump"
    # Reviewed: fixed argument lists, no shell (S603/S607 below).
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",  # noqa: S603, S607  # nosec B603 B607
                    f"--file={target}", _libpq_url(url)], check=True, capture_output=True)
    return target.name


def _facts() -> dict:
    from supervision.audit.models import AuditEvent

    revision = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
    size, head = db.session.execute(
        db.select(db.func.count(AuditEvent.seq), db.func.max(AuditEvent.seq))).one()
    return {"revision": revision, "audit_events": size, "audit_head_seq": head}


def create(path: str | Path, passphrase: str) -> dict:
    """Write an encrypted backup to ``path``; returns its manifest."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    store = Path(current_app.config["DOCUMENT_STORE"])
    keys = _key_dir()
    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        folder = Path(tmp)
        facts = _facts()
        db.session.rollback()
        database_name = _dump_database(url, folder)
        manifest = {"format": 1, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                    "database": "sqlite" if _is_sqlite(url) else "postgresql",
                    "database_file": database_name, **facts, "files": {}, "keys": []}
        partial = Path(str(path) + ".partial")
        with open(partial, "wb") as raw:
            writer = crypto.EncryptingWriter(raw, passphrase)
            with tarfile.open(fileobj=writer, mode="w|") as tar:
                tar.add(folder / database_name, arcname=database_name)
                for file in sorted(store.rglob("*")) if store.exists() else []:
                    if file.is_file() and not file.name.startswith(".tmp-"):
                        manifest["files"][file.name] = str(file.relative_to(store))
                        tar.add(file, arcname=f"documents/{file.relative_to(store)}")
                for file in sorted(keys.rglob("*")) if keys.exists() else []:
                    if file.is_file():
                        manifest["keys"].append(str(file.relative_to(keys)))
                        tar.add(file, arcname=f"keys/{file.relative_to(keys)}")
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    return manifest


def _safe_members(tar: tarfile.TarFile):
    for member in tar:
        name = member.name
        if name.startswith("/") or ".." in Path(name).parts or not (member.isfile() or member.isdir()):
            raise RestoreRefused(f"unsafe archive member {name!r}")
        yield member


def _restore_database(kind: str, dump: Path, url: str, force: bool) -> None:
    if kind == "sqlite":
        if not _is_sqlite(url):
            raise RestoreRefused("this backup holds a SQLite database; the target is not SQLite")
        target = Path(make_url(url).database)
        if target.exists() and target.stat().st_size and not force:
            raise RestoreRefused(f"{target} exists; restore into a new database or use --force")
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(dump, target)
        return
    if _is_sqlite(url):
        raise RestoreRefused("this backup holds a PostgreSQL dump; the target is SQLite")
    check = subprocess.run(["psql", "-At", "-c",  # noqa: S603, S607  # nosec B603 B607
                            "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'",
                            _libpq_url(url)], check=True, capture_output=True, text=True)
    if int(check.stdout.strip() or 0) and not force:
        raise RestoreRefused("the target database has tables; restore into a new database or use --force")
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",  # noqa: S603, S607  # nosec B603 B607
                    "--exit-on-error", f"--dbname={_libpq_url(url)}", str(dump)],
                   check=True, capture_output=True)


def _renew_data_version(url: str) -> None:
    """The restored database's data version gets a new epoch, so no cache serves a page kept
    under the same number by the history that followed the backup."""
    from sqlalchemy import create_engine, inspect

    from supervision.core import dataversion

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table("data_versions"):  # a backup from before migration 0041
                dataversion.renew(connection)
    finally:
        engine.dispose()


def restore(path: str | Path, passphrase: str, *, database_url: str, document_store: str | Path,
            key_dir: str | Path, force: bool = False) -> dict:
    """Restore a backup into ``database_url``, ``document_store`` and ``key_dir``; every file is
    checked against its hash.  Returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="restore-") as tmp:
        folder = Path(tmp)
        plain = folder / "archive.tar"
        with open(path, "rb") as source, open(plain, "wb") as out:
            crypto.decrypt(source, passphrase, out)
        unpacked = folder / "unpacked"
        with tarfile.open(plain, mode="r:") as tar:
            tar.extractall(unpacked, members=_safe_members(tar), filter="data")
        manifest = json.loads((unpacked / "manifest.json").read_text())
        store, keys = Path(document_store), Path(key_dir)
        for digest, relative in manifest["files"].items():
            data = (unpacked / "documents" / relative).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                raise RestoreRefused(f"stored file {digest} in the backup does not match its hash")
        if keys.exists() and any(keys.iterdir()) and not force:
            raise RestoreRefused(f"{keys} holds keys; restore into an empty folder or use --force")
        _restore_database(manifest["database"], unpacked / manifest["database_file"], database_url, force)
        _renew_data_version(database_url)
        for relative in manifest["files"].values():
            target = store / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(unpacked / "documents" / relative, target)
        for relative in manifest["keys"]:
            target = keys / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / "keys" / relative, target)
            os.chmod(target, 0o600)
        return manifest
