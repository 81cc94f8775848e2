"""Use both cores: run a function over chunks of work in forked worker processes.

Forking lets workers inherit the build's plan (closures, templates, the snapshot)
without pickling it. Database connections are closed before the fork, so each worker
opens its own (Django reconnects on first use), and the parent reconnects after. The
workers start with default signal handlers and die with their parent
(:func:`masthead.children.start_pool_child`): a pool inside the job worker must still be
able to stop its workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from masthead.children import start_pool_child

_TASK: Callable[[Any], Any] | None = None


def workers() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


def _run(chunk: Any) -> Any:
    assert _TASK is not None
    return _TASK(chunk)


def map_chunks(task: Callable[[Any], Any], chunks: Sequence[Any], *,
               processes: int | None = None,
               meanwhile: Callable[[], None] | None = None) -> Iterator[Any]:
    """Yield task(chunk) for each chunk, in any order, using forked workers.

    ``meanwhile`` runs in this process once the workers have their first chunks."""
    global _TASK
    processes = min(processes or workers(), len(chunks))
    if processes <= 1:
        if meanwhile:
            meanwhile()
        for chunk in chunks:
            yield task(chunk)
        return
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    _TASK = task
    ctx = multiprocessing.get_context("fork")
    try:
        with ctx.Pool(processes, initializer=start_pool_child) as pool:
            results = pool.imap_unordered(_run, chunks)
            if meanwhile:
                meanwhile()
            yield from results
    finally:
        _TASK = None


def chunked(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
