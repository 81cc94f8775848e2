"""HTML bodies to Markdown on every core, in the order the export gives them.

Importers hand over each body as the platform stored it; here the records pass
through in windows of a few hundred, each window's conversions spread over forked
workers. A window at a time keeps memory bounded for any size of export, and the
order (and so every summary line) is that of the file. Workers never touch the
database: they inherit the parent's connection and leave it alone.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from typing import TypeVar

from masthead.children import start_pool_child
from masthead.importers.guard import ItemError, plain, where_of
from masthead.importers.html_markdown import to_markdown
from masthead.importers.platform import CommentData, Notes, PlatformItem
from masthead.sitegen.parallel import workers

WINDOW = 256
T = TypeVar("T")


def _convert(job: tuple[str, bool]) -> tuple[str, list[str]]:
    html, wordpress = job
    done = to_markdown(html, wordpress=wordpress)
    return done.markdown, done.warnings


def converted(records: Iterable[T], notes: Notes, *, processes: int | None = None
              ) -> Iterator[T]:
    """The records, each PlatformItem's and CommentData's ``html`` turned into its body."""
    processes = processes or workers()
    pool = None
    try:
        window: list = []
        for record in records:
            window.append(record)
            if len(window) >= WINDOW:
                if pool is None and processes > 1:
                    pool = multiprocessing.get_context("fork").Pool(processes,
                                                                initializer=start_pool_child)
                yield from _window(window, notes, pool)
                window = []
        yield from _window(window, notes, pool)
    finally:
        if pool is not None:
            pool.terminate()


def _culprit(records: list) -> None:
    """Convert the window's bodies one by one: the first that fails is named."""
    for r in records:
        if isinstance(r, PlatformItem | CommentData) and r.html:
            try:
                _convert((r.html, isinstance(r, PlatformItem) and r.wordpress))
            except Exception as exc:
                raise ItemError(where_of(r), f"its HTML could not be converted to Markdown "
                                f"({plain(exc)})") from None


def _window(records: list, notes: Notes, pool) -> Iterator:
    jobs = []
    for r in records:
        if isinstance(r, PlatformItem) and r.html:
            jobs.append((r.html, r.wordpress))
        elif isinstance(r, CommentData) and r.html:
            jobs.append((r.html, False))
    try:
        results = pool.map(_convert, jobs, chunksize=8) if pool is not None and len(jobs) > 16 \
            else [_convert(j) for j in jobs]
    except Exception:  # find the body that failed, and say which
        _culprit(records)
        raise
    done = iter(results)
    for r in records:
        if isinstance(r, PlatformItem) and r.html:
            r.post.body, warnings = next(done)
            r.html = ""
            for w in warnings:
                notes.warn(f"{r.post.where}: {w}")
        elif isinstance(r, CommentData) and r.html:
            r.body, _ = next(done)
            r.html = ""
        yield r
