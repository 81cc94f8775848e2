"""Child processes that never outlive, outwait or out-hang the process that made them.

A build forks: the worker forks one child per build job (so a stuck build can be killed
whole, without killing the worker), and a large build forks a pool of renderers. Each
child of ours:

* starts with the default signal handlers, not its parent's (the job worker's SIGTERM
  handler only sets a "stop after this job" flag: a pool child that inherited it could
  not be stopped by its pool, and the build hung forever);
* dies when its parent dies (``PR_SET_PDEATHSIG``), so a kill -9 of the worker or of a
  ``masthead build`` leaves no renderer behind holding files or locks;
* when run by :func:`run_bounded`, lives in a process group of its own, so that a time
  limit or a stop signal kills it with everything it started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from masthead.errors import MastheadError

log = logging.getLogger("masthead.children")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


class TimeLimitError(MastheadError):
    """The child ran past its time limit and was killed with everything it started."""


class ChildDiedError(MastheadError):
    """The child ended without an answer (killed, out of memory, crashed)."""


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``sig`` to this process when its parent ends; if the parent has
    already gone (it died before this line ran), end now."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig))  # PR_SET_PDEATHSIG
    if os.getppid() != parent or parent == 1:
        os._exit(1)


def default_signals() -> None:
    """Undo whatever stop handlers the parent installed: a child is stopped by signals,
    not asked to stop."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


def start_pool_child() -> None:
    """Initializer of a forked pool's workers: default signal actions (the pool stops
    them with SIGTERM; Ctrl-C ends them at once, as it does the Pandoc they may be
    running; an ignored SIGINT would be inherited by Pandoc), and gone with the parent."""
    default_signals()
    die_with_parent()


def run_bounded(task: Callable[[], Any], *, seconds: float, what: str) -> Any:
    """Run ``task`` in a forked child within ``seconds``; return what it returns (a
    JSON-able value) or raise what it raised, as a :class:`MastheadError` with the same
    message.

    Past the limit the child's whole process group is killed and
    :class:`TimeLimitError` raised. A stop signal (SIGTERM, SIGINT) that arrives while
    waiting kills the child's group too, then ends this process: the job it was running
    is left unfinished, and the next worker runs it again.
    """
    _close_database_connections()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _child(task, write_end)
    os.close(write_end)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # as the child does: no kill can come before its group exists
    with _stop_kills(pid, what):
        try:
            payload = _read_until(read_end, time.monotonic() + seconds)
        finally:
            os.close(read_end)
        if payload is None:
            _kill_group(pid)
            raise TimeLimitError(f"{what} took longer than {_duration(seconds)} and was "
                                 "stopped")
        _, status = os.waitpid(pid, 0)
    if not payload:
        how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"ended with status {os.waitstatus_to_exitcode(status)}")
        raise ChildDiedError(f"{what} stopped before it finished: its process {how}")
    answer = json.loads(payload)
    if answer["kind"] == "ok":
        return answer["value"]
    if answer["kind"] == "crash":
        log.error("%s failed:\n%s", what, answer["traceback"])
    raise MastheadError(answer["message"])


def _child(task: Callable[[], Any], write_end: int) -> None:
    code = 0
    try:
        os.setpgid(0, 0)
        default_signals()
        die_with_parent()
        try:
            answer: dict = {"kind": "ok", "value": task()}
        except MastheadError as exc:
            answer = {"kind": "error", "message": str(exc)}
        except BaseException as exc:
            answer = {"kind": "crash", "message": f"{type(exc).__name__}: {exc}",
                      "traceback": traceback.format_exc()}
        data = json.dumps(answer).encode()
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, until it closes its end; None past the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


@contextlib.contextmanager
def _stop_kills(pid: int, what: str) -> Iterator[None]:
    """While waiting for child ``pid``: a stop signal kills it (and its group), then
    ends this process."""

    def stop(signum: int, frame: object) -> None:
        _kill_group(pid)
        log.warning("%s stopped by %s; it runs again when the worker next starts", what,
                    signal.strsignal(signum))
        logging.shutdown()
        os._exit(128 + signum)

    before = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _close_database_connections() -> None:
    """A forked child must open its own connections, never share the parent's socket.
    (Django is imported here only: these helpers also serve processes without it.)"""
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} s"
