"""`masthead serve`: the site's ASGI application on Granian, one worker per core.

Granian (a Rust HTTP server) spawns workers that import the application by name, so
the site's folder reaches them through the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from masthead.web.static import StaticSite

ENV_PUBLIC = "MASTHEAD_PUBLIC"
ENV_BASE = "MASTHEAD_BASE_PATH"


def application() -> StaticSite:
    """The application a worker serves (Granian calls this: factory=True)."""
    return StaticSite(Path(os.environ[ENV_PUBLIC]), os.environ.get(ENV_BASE, "/"))


def serve(public: Path, base_path: str, host: str, port: int, workers: int | None = None) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    os.environ[ENV_PUBLIC] = str(public)
    os.environ[ENV_BASE] = base_path
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    Granian(
        "masthead.web.server:application",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers or max(1, min(cores, 4)),
        log_enabled=False,
        websockets=False,
    ).serve()


def main() -> None:
    """``python -m masthead.web.server PUBLIC BASE_PATH HOST PORT``: the CLI execs this,
    so the server does not carry the CLI's Django, database driver and templates."""
    import sys

    public, base_path, host, port = sys.argv[1:5]
    serve(Path(public), base_path, host, int(port))


if __name__ == "__main__":
    main()
