"""`masthead serve`: the site's ASGI application on Granian, one worker per core.

Granian (a Rust HTTP server) spawns workers that import the application by name, so
the site's folder reaches them through the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from masthead.web.app import SiteApplication

ENV_PUBLIC = "MASTHEAD_PUBLIC"
ENV_BASE = "MASTHEAD_BASE_PATH"
ENV_ROOT = "MASTHEAD_SERVE_ROOT"


def application() -> SiteApplication:
    """The application a worker serves (Granian calls this: factory=True)."""
    root = os.environ.get(ENV_ROOT)
    return SiteApplication(Path(os.environ[ENV_PUBLIC]), os.environ.get(ENV_BASE, "/"),
                           Path(root) if root else None)


def serve(public: Path, base_path: str, host: str, port: int, workers: int | None = None,
          site_root: Path | None = None) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    os.environ[ENV_PUBLIC] = str(public)
    os.environ[ENV_BASE] = base_path
    if site_root is not None:
        os.environ[ENV_ROOT] = str(site_root)
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
    """``python -m masthead.web.server PUBLIC BASE_PATH HOST PORT [SITE_ROOT]``: the CLI
    execs this, so the server does not carry the CLI's Django, database driver and
    templates (its workers load them for the studio when it is first used)."""
    import sys

    public, base_path, host, port = sys.argv[1:5]
    root = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    serve(Path(public), base_path, host, int(port), site_root=root)


if __name__ == "__main__":
    main()
