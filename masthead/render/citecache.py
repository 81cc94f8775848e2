"""Formatted citations kept between builds, so editing a post's prose costs no Pandoc run.

A post's citations format the same as long as its clusters (their text, order and
whether they stand in a footnote), the CSL of the sources they cite, the style, the
language and Pandoc stay the same; :func:`doc_key` hashes exactly those. Starting Pandoc
and loading a style costs 0.1-0.2 s, most of a one-post build; a lookup here costs
a millisecond. The cache is a SQLite file in the site's ``.masthead/`` (whatever database
the site uses), written by every build process, and dropped by ``masthead build --full``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from masthead.render.citations import Cluster
from masthead.render.citeproc import Formatted, Style

FORMAT = "1"  # bump when Formatted or the way clusters are fed to Pandoc changes


@cache
def _pandoc_release() -> str:
    from importlib.metadata import version

    return version("pypandoc-binary")


def source_digest(csl: Mapping) -> str:
    return hashlib.sha256(json.dumps(csl, sort_keys=True).encode()).hexdigest()[:16]


def doc_key(clusters: Sequence[Cluster], sources: Mapping[str, str], style: Style,
            language: str) -> str:
    """Everything one document's formatted citations depend on. ``sources`` maps each
    key to its :func:`source_digest`."""
    keys = sorted({k for c in clusters for k in c.keys})
    material = [FORMAT, _pandoc_release(), style.fingerprint, style.is_note, language,
                [[" ".join(c.raw.split()), c.in_note] for c in clusters],
                [[k, sources.get(k, "")] for k in keys]]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


class CitationCache:
    """doc_key -> Formatted, in a SQLite file (one connection per process: build workers
    are forked)."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._create()

    def _create(self) -> None:
        """Make the file in WAL mode now, in one process: build workers that each tried
        to switch a new file to WAL at once would fail with "database is locked"."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(self.path, timeout=60)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS formatted (key TEXT PRIMARY KEY, value TEXT)")
            conn.commit()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def get_many(self, keys: Iterable[str]) -> dict[str, Formatted]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, Formatted] = {}
        db = self._db()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            rows = db.execute(
                f"SELECT key, value FROM formatted WHERE key IN ({','.join('?' * len(part))})",
                part)
            for key, value in rows:
                v = json.loads(value)
                found[key] = Formatted(clusters=v["clusters"], notes=v["notes"],
                                       entries=[tuple(e) for e in v["entries"]],
                                       refs_class=v["refs_class"])
        return found

    def put_many(self, items: Mapping[str, Formatted]) -> None:
        if not items:
            return
        rows = [(key, json.dumps({"clusters": f.clusters, "notes": f.notes,
                                  "entries": f.entries, "refs_class": f.refs_class}))
                for key, f in items.items()]
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO formatted (key, value) VALUES (?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def clear(self) -> None:
        """Forget everything (a full build starts from nothing, and the file stops
        growing with entries no post uses any more)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._create()
