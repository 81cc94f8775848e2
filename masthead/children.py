"""Child processes that never outlive, outwait or out-hang the process that made them.

A build forks: the worker builds in a child (so a stuck build can be killed whole,
without killing the worker), kept warm between build jobs (:class:`WarmChild`), and a
large build forks a pool of renderers. Each child of ours:

* starts with the default signal handlers, not its parent's (the job worker's SIGTERM
  handler only sets a "stop after this job" flag: a pool child that inherited it could
  not be stopped by its pool, and the build hung forever);
* dies when its parent dies (``PR_SET_PDEATHSIG``), so a kill -9 of the worker or of a
  ``masthead build`` leaves no renderer behind holding files or locks;
* when run by :func:`run_bounded` or as a :class:`WarmChild`, lives in a process group
  of its own, so that a time limit or a stop signal kills it with everything it started.
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
from pathlib import Path
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


def rename_argument(old: str, new: str) -> None:
    """Show this process under a command line with the argument ``old`` read as ``new``
    (of the same length), in ps and /proc: a forked child is otherwise listed exactly as
    its parent (the worker's build child would look like a second worker). The command
    line is this process's own memory, rewritten in place as setproctitle does."""
    if len(old.encode()) != len(new.encode()):
        raise ValueError("a renamed argument keeps its length")
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start, end = int(fields[45]), int(fields[46])  # arg_start, arg_end (man 5 proc)
        args = Path("/proc/self/cmdline").read_bytes().split(b"\0")
        if old.encode() not in args or sum(len(a) + 1 for a in args[:-1]) > end - start:
            return
        args[args.index(old.encode())] = new.encode()
        with open("/proc/self/mem", "r+b", buffering=0) as mem:
            mem.seek(start)
            mem.write(b"\0".join(args))


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
    return _unpack(payload, what)


def _answer(task: Callable[[], Any]) -> bytes:
    """What a child sends back: the task's value, or its failure, as one JSON line."""
    try:
        answer: dict = {"kind": "ok", "value": task()}
    except MastheadError as exc:
        answer = {"kind": "error", "message": str(exc)}
    except BaseException as exc:
        answer = {"kind": "crash", "message": f"{type(exc).__name__}: {exc}",
                  "traceback": traceback.format_exc()}
    return json.dumps(answer).encode() + b"\n"


def _unpack(payload: bytes, what: str) -> Any:
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
        data = _answer(task)
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


class WarmChild:
    """A forked child kept alive between tasks, so that each task finds the imports
    done and the caches the last one left (a publish's build: the site's snapshot
    already read), yet bounded as :func:`run_bounded` bounds a fresh child.

    Each :meth:`run` sends one request (a JSON-able value) for ``serve`` to answer in
    the child. Past ``seconds`` the child's whole process group is killed and
    :class:`TimeLimitError` raised; a stop signal while waiting kills the group and
    ends this process; a child that dies is replaced, cold, at the next request. With
    ``key``, a request whose key differs from the child's (the site's configuration
    changed) gets a new child. Between requests the child does ``idle`` (housekeeping
    kept off the time a request waits for), and it ends when this process does. With
    ``renamed`` (old, new), its command line reads the argument old as new.
    """

    def __init__(self, serve: Callable[[Any], Any], *, what: str,
                 idle: Callable[[], None] | None = None,
                 renamed: tuple[str, str] | None = None):
        self.serve, self.what, self.idle, self.renamed = serve, what, idle, renamed
        self.pid: int | None = None
        self.key: object = None
        self._to: int | None = None
        self._from: int | None = None
        self._buffer = b""

    def run(self, request: Any, *, seconds: float, key: object = None) -> Any:
        if self.pid is not None and (key != self.key or self._ended()):
            self.stop()  # a new configuration, or a child that died since (out of memory)
        if self.pid is None:
            self._start(key)
        assert self.pid is not None and self._to is not None and self._from is not None
        pid = self.pid
        try:
            os.write(self._to, json.dumps(request).encode() + b"\n")
        except OSError:
            payload: bytes | None = b""  # gone since the last request: say how, below
        else:
            with _stop_kills(pid, self.what):
                payload = self._read_line(time.monotonic() + seconds)
        if payload is None:
            self.stop()
            raise TimeLimitError(f"{self.what} took longer than {_duration(seconds)} and "
                                 "was stopped")
        if not payload:
            status = self._reap()
            how = "ended" if status is None else (
                f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                else f"ended with status {os.waitstatus_to_exitcode(status)}")
            raise ChildDiedError(f"{self.what} stopped before it finished: its process {how}")
        return _unpack(payload, self.what)

    def stop(self) -> None:
        """Kill the child and everything it started (the next request starts a new one)."""
        if self.pid is not None:
            _kill_group(self.pid)
        self._reap()

    def _ended(self) -> bool:
        assert self.pid is not None
        try:
            return os.waitpid(self.pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            return True

    def _start(self, key: object) -> None:
        _close_database_connections()
        to_child, requests = os.pipe()
        answers, from_child = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(requests)
            os.close(answers)
            self._child_loop(to_child, from_child)
        os.close(to_child)
        os.close(from_child)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        self.pid, self.key, self._to, self._from, self._buffer = (
            pid, key, requests, answers, b"")

    def _child_loop(self, requests: int, answers: int) -> None:
        code = 0
        try:
            os.setpgid(0, 0)
            default_signals()
            die_with_parent()
            if self.renamed:
                rename_argument(*self.renamed)
            with os.fdopen(requests, "rb") as incoming:
                for line in incoming:  # until the parent closes its end (or dies)
                    os.write(answers, _answer(lambda line=line: self.serve(json.loads(line))))
                    if self.idle is not None:
                        self.idle()
        except BaseException:
            code = 1
        finally:
            logging.shutdown()
            os._exit(code)

    def _read_line(self, deadline: float) -> bytes | None:
        """The child's next answer line; b"" if it ended first, None past the deadline."""
        assert self._from is not None
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from, 1 << 16)
            if not chunk:
                return b""
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _reap(self) -> int | None:
        status = None
        for fd in (self._to, self._from):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                status = os.waitpid(self.pid, 0)[1]
        self.pid = self._to = self._from = None
        self._buffer = b""
        return status
