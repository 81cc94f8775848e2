"""Books' job: building a book's files in the worker, and what the studio shows of it.

The studio's Build buttons queue ``"books.build_book"`` (see
:func:`masthead.books.actions.queue_book_build`); the worker runs it like any other
job. A build takes seconds to minutes (WeasyPrint lays out every page), longer than a
page should wait, so the Books page follows the job's row instead: queued, building,
done or failed, with the failure's reason in the writer's words (it names the chapter).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from masthead.books import actions
from masthead.content.books import Book

log = logging.getLogger("masthead.jobs")

QUEUED, BUILDING, DONE, FAILED = "queued", "building", "done", "failed"
_STATES = {"READY": QUEUED, "RUNNING": BUILDING, "SUCCESSFUL": DONE, "FAILED": FAILED}
UNEXPECTED = "something unexpected went wrong (the server's log has the details)"


@task()
def build_book(book_slug: str, formats: list[str]) -> dict:
    """Write the book's files to ``books/SLUG/`` of the site folder. A book deleted
    since it was queued is done (nothing to build); running it again rebuilds the same
    files, and a failure keeps the previous ones (see :func:`actions.build_book`)."""
    if not Book.objects.filter(slug=book_slug).exists():
        return {"files": []}
    root = Path(settings.MASTHEAD_ROOT)
    paths = actions.build_book(book_slug, root, formats)
    log.info("built the book %s: %s", book_slug, ", ".join(p.name for p in paths))
    return {"files": [p.name for p in paths]}


@dataclass(frozen=True)
class BuildState:
    """The newest build asked for a book: ``state`` is "" when none was."""

    state: str = ""
    formats: list[str] = field(default_factory=list)
    reason: str = ""  # why it failed
    asked_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def running(self) -> bool:
        return self.state in (QUEUED, BUILDING)


def _reason(result: DBTaskResult) -> str:
    """The failure's own message (a Masthead error names the chapter and the fault);
    anything else is a bug, named as such, its details left to the server's log."""
    lines = [line for line in (result.traceback or "").strip().splitlines() if line.strip()]
    name, _, message = (lines[-1] if lines else "").partition(": ")
    cls = result.exception_class_path or name
    if cls.startswith("masthead.") and message.strip():
        return message.strip()
    return UNEXPECTED


def build_state(book_slug: str, *, look_back: int = 200) -> BuildState:
    """The state of the newest build job of this book (among the last ``look_back``
    book builds of the site, newest first)."""
    rows = (DBTaskResult.objects.filter(task_path=build_book.module_path)
            .order_by("-enqueued_at")[:look_back])
    for row in rows:
        args = (row.args_kwargs or {}).get("args") or [""]
        if args[0] != book_slug:
            continue
        state = _STATES.get(row.status, QUEUED)
        return BuildState(state=state, formats=list(args[1]) if len(args) > 1 else [],
                          reason=_reason(row) if state == FAILED else "",
                          asked_at=row.enqueued_at, finished_at=row.finished_at)
    return BuildState()
