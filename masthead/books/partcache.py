"""What a book build keeps between builds, in the site's ``.masthead/books/SLUG/``.

Each chapter's XHTML is kept under a key made of everything it is made from (its text,
how the rest of the book makes its citations read, where its note numbers start, the
book's language and settings), so that editing one chapter renders that chapter again
and takes the others as they were: a 60-chapter book's EPUB is then put together again
in well under a second. Each written file's inputs are kept too, so a format whose
inputs did not change at all is not made again ("the EPUB is up to date").
Nothing here is published or exported; deleting the folder only costs a slower build.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when what a chapter's XHTML holds, or how it is made, changes


def digest(*parts: Any) -> str:
    """A key for these inputs (text, numbers, lists of them)."""
    return hashlib.sha256(json.dumps([FORMAT, *parts], ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class BookCache:
    """The kept chapters and the inputs of the files last written, for one book."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def chapter(self, key: str) -> dict | None:
        path = self.folder / "chapters" / f"{key}.json"
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.used.add(key)
        return kept

    def keep_chapter(self, key: str, value: dict) -> None:
        self.used.add(key)
        _write(self.folder / "chapters" / f"{key}.json",
               json.dumps(value, ensure_ascii=False).encode())

    def forget_unused(self) -> None:
        """Drop kept chapters this build did not use (old versions of edited ones)."""
        for path in (self.folder / "chapters").glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)

    def up_to_date(self, target: Path, inputs: str) -> bool:
        """Whether ``target`` is the file these inputs made, untouched since."""
        try:
            kept = json.loads((self.folder / f"{target.name}.json").read_text())
            if kept.get("inputs") != inputs:
                return False
            return hashlib.sha256(target.read_bytes()).hexdigest() == kept.get("file")
        except (OSError, ValueError):
            return False

    def wrote(self, target: Path, inputs: str, data: bytes) -> None:
        _write(self.folder / f"{target.name}.json", json.dumps(
            {"inputs": inputs, "file": hashlib.sha256(data).hexdigest()}).encode())
