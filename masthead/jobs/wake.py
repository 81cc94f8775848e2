"""Waking the worker the moment a job is queued, instead of at its next look.

The worker looks for due jobs once a second; a writer who clicks Publish would wait up
to that second before the build even starts. So the worker also listens on a Linux
abstract socket named after the site's folder (no file to clean up: it goes when the
worker does), and every enqueue, once its transaction has committed, sends it one byte.
The byte carries nothing: the worker then looks at the queue as it always does, so a
lost or extra byte costs at most a second or a look. A second worker of the same site
(PostgreSQL deployments) cannot take the name and keeps to looking once a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import socket
from pathlib import Path


def address(root: Path) -> bytes:
    """The worker's abstract socket name for the site in ``root``."""
    digest = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:24]
    return b"\0masthead-worker-" + digest.encode()


def wake(root: Path | None) -> None:
    """Tell the site's worker to look at the queue now (nothing if none listens)."""
    if root is None:
        return
    with contextlib.suppress(OSError), \
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        sock.sendto(b"!", address(root))


class Doorbell:
    """The worker's end: :meth:`wait` returns when woken or after ``timeout``."""

    def __init__(self, root: Path | None):
        self.sock: socket.socket | None = None
        if root is None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(address(root))
        except OSError:  # another worker of this site listens: poll instead
            sock.close()
            return
        sock.setblocking(False)
        os.set_inheritable(sock.fileno(), False)
        self.sock = sock

    def wait(self, timeout: float) -> bool:
        """Sleep until woken (True) or ``timeout`` seconds pass (False); every ring
        waiting is taken, so one look answers a burst of them."""
        if self.sock is None:
            select.select([], [], [], timeout)
            return False
        ready, _, _ = select.select([self.sock], [], [], timeout)
        rang = False
        while True:
            try:
                self.sock.recv(64)
                rang = True
            except (BlockingIOError, InterruptedError):
                return rang or bool(ready)
            except OSError:
                return rang

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
