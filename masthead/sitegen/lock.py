"""One build at a time per site, with a lock that cannot outlive its build.

The lock is a POSIX record lock (``lockf``) on ``.masthead/sitegen.lock``. Unlike
``flock``, a record lock belongs to the process that took it, not to the open file:
the renderers a build forks do not inherit it, so a build killed with kill -9 frees the
lock at once even if one of its children is still winding down.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def build_lock(state_dir: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the site's build lock; if another build has it, call ``waiting`` once, then
    wait for it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / "build.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if waiting:
                waiting()
            fcntl.lockf(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
