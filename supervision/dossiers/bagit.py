"""Writing a BagIt 1.0 bag (RFC 8493) as a ZIP, with SHA-256 manifests, crash-safely.

The ZIP is written under a temporary name in the target folder and renamed into place only
when complete and flushed to disk, so a crash never leaves a half-written file under the
final name.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

BAG_DECLARATION = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class BagWriter:
    def __init__(self, folder: Path, final_name: str, *, prefix: str = ".partial-"):
        self.folder, self.final_name = folder, final_name
        folder.mkdir(parents=True, exist_ok=True)
        fd, self.tmp_path = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".zip")
        self._fh = os.fdopen(fd, "w+b")
        self._zip = zipfile.ZipFile(self._fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._manifest: list[tuple[str, str]] = []
        self._octets = 0

    def add(self, relpath: str, data: bytes, *, compress: bool = True) -> str:
        """Add a payload file under ``data/``; returns its SHA-256."""
        name = "data/" + relpath
        digest = hashlib.sha256(data).hexdigest()
        self._zip.writestr(self._info(name, compress), data)
        self._manifest.append((digest, name))
        self._octets += len(data)
        return digest

    @staticmethod
    def _info(name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def finish(self, bag_info: dict[str, str]) -> tuple[Path, str, int]:
        """Write the tag files, close, fsync and rename; returns (path, sha256, size)."""
        info = dict(bag_info)
        info["Payload-Oxum"] = f"{self._octets}.{len(self._manifest)}"
        tags = {
            "bagit.txt": BAG_DECLARATION,
            "bag-info.txt": "".join(f"{k}: {v}\n" for k, v in info.items()).encode("utf-8"),
            "manifest-sha256.txt": "".join(f"{h}  {n}\n" for h, n in self._manifest).encode("utf-8"),
        }
        tags["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in tags.items()).encode("utf-8")
        for name, data in tags.items():
            self._zip.writestr(self._info(name, True), data)
        self._zip.close()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.seek(0)
        digest, size = hashlib.sha256(), 0
        for chunk in iter(lambda: self._fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
        self._fh.close()
        final = self.folder / self.final_name
        os.replace(self.tmp_path, final)
        return final, digest.hexdigest(), size

    def abort(self) -> None:
        try:
            self._zip.close()
        except Exception:  # the archive is being thrown away anyway  # noqa: S110  # nosec B110
            pass
        self._fh.close()
        Path(self.tmp_path).unlink(missing_ok=True)
