"""What the last build wrote: each output's key and files, kept outside public/.

public/ carries a build id; if it is missing or differs (someone deleted or replaced
public/), the next build is a full one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

MARKER = ".masthead-build"


@dataclass
class BuildState:
    build_id: str = ""
    outputs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    search: dict | None = None  # the search index's segments (see search_index.update)
    inputs: str = ""  # bodies.inputs_fingerprint at the last build
    started: str = ""  # when the last build started (ISO time)

    @classmethod
    def load(cls, state_dir: Path, public: Path) -> BuildState:
        path = state_dir / "build.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            marker = (public / MARKER).read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            return cls()
        if data.get("build_id") != marker:
            return cls()
        return cls(build_id=marker,
                   outputs={k: (v[0], v[1]) for k, v in data.get("outputs", {}).items()},
                   search=data.get("search"), inputs=data.get("inputs", ""),
                   started=data.get("started", ""))

    def save(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = state_dir / f"build.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"build_id": self.build_id, "outputs": self.outputs,
                                   "search": self.search, "inputs": self.inputs,
                                   "started": self.started}, separators=(",", ":")),
                       encoding="utf-8")
        os.replace(tmp, state_dir / "build.json")


def new_build_id() -> str:
    return uuid.uuid4().hex


# -- what is live, and how far the running build is ---------------------------------------
# Small files beside build.json, for the studio to read without touching the build:
# ``live.json`` says up to when the live site includes every change, ``progress.json``
# what the running build is doing. Both are replaced whole (never half-written).

LIVE = "live.json"
PROGRESS = "progress.json"


def _write_small(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _read_small(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_live(state_dir: Path, as_of: dt.datetime) -> None:
    """The live site now includes every change committed before ``as_of``."""
    _write_small(state_dir / LIVE, {"as_of": as_of.isoformat(),
                                    "finished": dt.datetime.now(dt.UTC).isoformat()})


def live_as_of(state_dir: Path) -> dt.datetime | None:
    """Up to when the live site includes every change (None: no build recorded it)."""
    value = _read_small(state_dir / LIVE).get("as_of")
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def record_progress(state_dir: Path, step: str, done: int = 0, total: int = 0) -> None:
    """What the running build is doing (``step`` in a writer's words, and how many of how
    many outputs); an empty step: no build is running."""
    _write_small(state_dir / PROGRESS, {"step": step, "done": done, "total": total,
                                        "pid": os.getpid()})


def build_progress(state_dir: Path) -> dict:
    """What :func:`record_progress` last said, if the build that said it still runs."""
    data = _read_small(state_dir / PROGRESS)
    pid = data.get("pid")
    if not data.get("step") or not isinstance(pid, int):
        return {}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return {}  # killed mid-build: it says nothing any more
    except PermissionError:
        pass
    return {"step": str(data["step"]), "done": int(data.get("done") or 0),
            "total": int(data.get("total") or 0)}
