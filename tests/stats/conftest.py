"""A small built site for the stats tests, and the database rows stats keep."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import make_site, run_masthead

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36 Reader7f3a")
POST = "/2025/01/on-walking/"
OTHER = "/2025/02/on-letters/"


def write_posts(folder: Path) -> None:
    folder.mkdir()
    (folder / "walking.md").write_text(
        "---\ntitle: On Walking\nslug: on-walking\ndate: 2025-01-12\n---\n"
        "A walk is a way of thinking.\n", encoding="utf-8")
    (folder / "letters.md").write_text(
        "---\ntitle: On Letters\nslug: on-letters\ndate: 2025-02-03\n---\n"
        "A letter waits for its reader.\n", encoding="utf-8")


def built_site(tmp_path: Path, database_url: str | None = None) -> Path:
    site = make_site(tmp_path, database_url)
    write_posts(tmp_path / "md")
    run_masthead("import", "markdown", tmp_path / "md", site=site)
    run_masthead("build", site=site)
    assert (site / "public" / POST.strip("/") / "index.html").is_file()
    return site


@pytest.fixture
def stats_site(tmp_path, database_url) -> Path:
    """A built site with two posts, on SQLite and on PostgreSQL."""
    return built_site(tmp_path, database_url)


def _connect(site: Path):
    text = (site / "masthead.toml").read_text(encoding="utf-8")
    url = next(line.split('"')[1] for line in text.splitlines()
               if line.startswith("database_url"))
    if url.startswith("sqlite:///"):
        return sqlite3.connect(site / url[len("sqlite:///"):]), "sqlite"
    import psycopg

    return psycopg.connect(url), "postgres"


def view_rows(site: Path) -> list[tuple[str, str, str, int]]:
    """Every stats row: (day, page, referrer host, views), sorted."""
    conn, _ = _connect(site)
    try:
        cur = conn.cursor()
        cur.execute("SELECT day, path, referrer, views FROM stats_dailyviews")
        return sorted((str(d), p, r, int(n)) for d, p, r, n in cur.fetchall())
    finally:
        conn.close()


def whole_database_text(site: Path) -> str:
    """Every value of every table, as text: what the site keeps, all of it."""
    conn, kind = _connect(site)
    try:
        cur = conn.cursor()
        if kind == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        out = []
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT * FROM "{table}"')
            out += [repr(row) for row in cur.fetchall()]
        return "\n".join(out)
    finally:
        conn.close()


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
