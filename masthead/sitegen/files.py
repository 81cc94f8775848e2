"""Writing rendered files under a folder (a staging folder, never public/ directly)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, bytes], made: set[Path] | None = None) -> list[str]:
    """Write {relative path: bytes} under root; ``made`` remembers folders created."""
    made = set() if made is None else made
    for rel, data in files.items():
        target = root / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
    return list(files)
