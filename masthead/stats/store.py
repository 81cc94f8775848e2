"""Adding counted views to the database, for the web server's workers.

A worker writes a batch every few seconds, from a thread of its own, with the database's
own driver (sqlite3 or psycopg) and one upsert statement: a server that only serves
readers does not load Django, and no request ever waits for a write. Several workers
(and an import) add to the same rows at once; the upsert adds, so none overwrites
another's count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from masthead.config import DatabaseConfig

TABLE = "stats_dailyviews"
# Portable between SQLite (3.24+) and PostgreSQL; %s as Django's cursor and psycopg take.
UPSERT = (f"INSERT INTO {TABLE} (day, path, referrer, views) VALUES (%s, %s, %s, %s) "
          f"ON CONFLICT (day, path, referrer) DO UPDATE SET views = {TABLE}.views + "
          "excluded.views")
SITE = "SELECT timezone, url FROM content_site ORDER BY id LIMIT 1"

Batch = Mapping[tuple[dt.date, str, str], int]  # (day, page, referrer host) -> views


class CountStore:
    """One connection to the site's database, opened on first use and kept."""

    def __init__(self, db: DatabaseConfig, timeout: float = 30):
        self.db = db
        self.timeout = timeout
        self._conn = None

    def _connect(self):
        if self._conn is None:
            if self.db.engine == "sqlite":
                import sqlite3

                self._conn = sqlite3.connect(self.db.name, timeout=self.timeout,
                                             isolation_level=None)
            else:
                import psycopg

                self._conn = psycopg.connect(
                    dbname=self.db.name, user=self.db.user or None,
                    password=self.db.password or None, host=self.db.host or None,
                    port=self.db.port or None, connect_timeout=int(self.timeout))
        return self._conn

    def site(self) -> tuple[str, str]:
        """The site's time zone (days are the site's days) and its public address."""
        conn = self._connect()
        cur = conn.cursor()
        cur.execute(SITE)
        row = cur.fetchone()
        if self.db.engine != "sqlite":
            conn.rollback()  # end the read's transaction
        return (row[0], row[1]) if row else ("UTC", "")

    def add(self, batch: Batch) -> None:
        """Add a batch of counts, all or nothing (one transaction)."""
        if not batch:
            return
        conn = self._connect()
        if self.db.engine == "sqlite":
            rows = [(d.isoformat(), p, r, n) for (d, p, r), n in batch.items()]
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.executemany(UPSERT.replace("%s", "?"), rows)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        else:
            rows = [(d, p, r, n) for (d, p, r), n in batch.items()]
            try:
                with conn.cursor() as cur:
                    cur.executemany(UPSERT, rows)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
