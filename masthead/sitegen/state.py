"""What the last build wrote: each output's key and files, kept outside public/.

public/ carries a build id; if it is missing or differs (someone deleted or replaced
public/), the next build is a full one.
"""

from __future__ import annotations

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
