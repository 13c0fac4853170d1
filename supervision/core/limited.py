"""Run a costly pure function in a child process with a time and a memory limit.

WeasyPrint lays out whatever HTML it is given; a hostile or merely enormous document (a firm's
text in a decision, a case with a huge history in a dossier) could otherwise hold a worker for
minutes or take all its memory.  ``run`` forks a child from a fork server that has the
rendering libraries imported already (``PRELOAD``), caps the child's memory (``RLIMIT_DATA``:
its heap and private mappings, not the font files it maps read-only), waits at most the given
seconds, and kills it after that.  What crosses the pipe are the arguments and the result
(both picklable); the child has no app, no database session and no request.  The first run in
a process starts the fork server (a few seconds); later runs cost a fork.

Failures raise ``LimitExceeded`` (``reason`` is "time" or "memory"); an exception the function
raised in the child is raised again in the parent, as it was.
"""
from __future__ import annotations

import multiprocessing
import resource
import threading
from typing import Any, Callable

# Imported once by the fork server, so each child starts with them loaded.
PRELOAD = ["weasyprint", "pypdf", "supervision.decisions.render", "supervision.dossiers.pdf"]

_lock = threading.Lock()
_context = None


class LimitExceeded(RuntimeError):
    """The child ran out of its time or memory (``reason``: "time" or "memory")."""

    def __init__(self, reason: str, seconds: float, memory_mb: int):
        self.reason, self.seconds, self.memory_mb = reason, seconds, memory_mb
        super().__init__(f"rendering stopped: {reason} limit ({seconds:g} s, {memory_mb} MB)")


def context():
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
    return _context


def _child(conn, fn: Callable, args: tuple, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    try:
        result = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as err:  # handed to the parent, which raises it again
        result = ("error", err)
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def run(fn: Callable, *args: Any, seconds: float, memory_mb: int) -> Any:
    """``fn(*args)`` in a child process limited to ``seconds`` and ``memory_mb``."""
    ctx = context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, fn, args, memory_mb * 1024 * 1024), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise LimitExceeded("time", seconds, memory_mb)
        try:
            status, value = receiver.recv()
        except EOFError:  # the child died without answering (killed when out of memory)
            raise LimitExceeded("memory", seconds, memory_mb) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "ok":
        return value
    if status == "memory":
        raise LimitExceeded("memory", seconds, memory_mb)
    raise value
