"""The installation's memory of the newest checkpoint it published, kept outside the database
(``CHECKPOINT_WITNESS_PATH``, in ``instance/``, never in a backup).

A database restored from a backup older than that checkpoint holds a shorter (or different)
audit log than the world was shown.  ``problem()`` says so; start-up logs it as critical and the
checkpoint signer refuses to seal the restored log, which would fork the published history.  An
administrator who has reviewed the restore records it with ``flask audit accept-restore``
(audited), which moves the witness back to the restored log's newest checkpoint."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def _path() -> Path | None:
    value = current_app.config.get("CHECKPOINT_WITNESS_PATH")
    return Path(value) if value else None


def remember(tree_size: int, root_hash: str) -> None:
    """Called when a checkpoint was made (after its transaction commits)."""
    path = _path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"tree_size": tree_size, "root_hash": root_hash}))
    os.replace(tmp, path)


def published() -> dict | None:
    path = _path()
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text())


def problem() -> str | None:
    """Why the database's audit log is behind what was published, or None."""
    seen = published()
    if not seen:
        return None
    from supervision.dossiers import checkpoints

    tree = checkpoints.log_tree()
    size = seen["tree_size"]
    if tree.size < size:
        return (f"the audit log has {tree.size} events but checkpoint {size} was published: the "
                "database was restored from an older backup; new checkpoints are refused until an "
                "administrator runs `flask audit accept-restore`")
    if tree.root(size).hex() != seen["root_hash"]:
        return (f"events 1..{size} differ from the published checkpoint: the audit log was "
                "replaced; new checkpoints are refused until an administrator runs "
                "`flask audit accept-restore`")
    return None


def report_at_start_up(app) -> None:
    """Log a restore behind the published checkpoint once, as the server starts."""
    with app.app_context():
        try:
            found = problem()
        except Exception:  # no database yet (before `flask db upgrade`): nothing to compare
            log.debug("no audit log to compare with the published checkpoint", exc_info=True)
            return
        if found:
            log.critical("audit log behind its published checkpoint: %s", found)
