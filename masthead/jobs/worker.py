"""``masthead worker``: run queued jobs, in this process, one at a time.

django-tasks' database worker does the claiming (a row lock, so several workers on
PostgreSQL never run the same job). Masthead adds what a writer's site needs around it:
jobs that a killed worker left "running" are put back on the queue when a worker starts
(every job is idempotent), and scheduled posts whose time has passed are published even
if their job was lost (an import, a restored backup).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

STALE_AFTER = dt.timedelta(minutes=10)  # a job "running" this long was orphaned

log = logging.getLogger("masthead.jobs")


def requeue_orphans(now: dt.datetime | None = None) -> int:
    """Put jobs back that a worker claimed and never finished: at once if that worker
    ran on this machine and its process is gone (killed, crashed), else after
    STALE_AFTER (a worker elsewhere may still be on it)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - STALE_AFTER)
    count = stale.update(status="READY", started_at=None)
    here = socket.gethostname() + "-"
    for task_id, worker_ids in DBTaskResult.objects.filter(status="RUNNING").values_list(
            "id", "worker_ids"):
        last = (worker_ids or [""])[-1]
        if last.startswith(here) and last[len(here):].isdigit() and \
                not _alive(int(last[len(here):])):
            count += DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
                status="READY", started_at=None)
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()


def catch_up_scheduled() -> int:
    """Queue the publishing of every scheduled post that is due."""
    from django.db import transaction
    from django.utils import timezone

    from masthead.content.models import Post
    from masthead.jobs.queue import enqueue_publish

    now = timezone.now()
    due = list(Post.objects.filter(status=Post.SCHEDULED, published_at__lte=now)
               .values_list("id", flat=True))
    with transaction.atomic():
        for post_id in due:
            enqueue_publish(post_id, now)
    return len(due)


def run(*, burst: bool = False, interval: float = 1.0, max_jobs: int | None = None) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the current job first); with
    ``burst``, until no job is due. A lost database connection does not end a long-running
    worker: it says so and tries again."""
    import time

    from django.db import OperationalError, close_old_connections

    while True:
        try:
            _run_once(burst=burst, interval=interval, max_jobs=max_jobs)
            return
        except OperationalError as exc:
            if burst:
                raise
            log.error("the database is unavailable (%s); trying again in 5 s", exc)
            close_old_connections()
            time.sleep(5)


class _OneLineFailures(logging.Filter):
    """A job that fails for a reason the writer or operator can act on (a
    MastheadError: a build past its time limit, a bad post) is logged as that reason in
    one line; only unexpected failures keep their traceback, for a bug report."""

    def filter(self, record: logging.LogRecord) -> bool:
        from masthead.errors import MastheadError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, MastheadError):
            path = record.args[1] if isinstance(record.args, tuple) and \
                len(record.args) > 1 else "a job"
            record.msg, record.args = "%s failed: %s", (str(path).rsplit(".", 1)[-1], exc)
            record.exc_info = record.exc_text = None
        return True


def _run_once(*, burst: bool, interval: float, max_jobs: int | None = None) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    orphans = requeue_orphans()
    if orphans:
        log.warning("put %d interrupted job(s) back on the queue", orphans)
    due = catch_up_scheduled()
    if due:
        log.info("%d scheduled post(s) are due", due)
    worker = Worker(queue_names=["default"], interval=interval, batch=burst,
                    backend_name="default", startup_delay=False, max_tasks=max_jobs,
                    worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
                    excluded_queue_names=[])
    failures = _OneLineFailures()
    logging.getLogger("django_tasks").addFilter(failures)
    worker.configure_signals()
    try:
        worker.run()
    finally:
        worker.reset_signals()
        logging.getLogger("django_tasks").removeFilter(failures)


def last_build_problem() -> str:
    """Why the newest build job failed, in a line a writer can read (what the studio
    shows on every page): the error's own message, never its class or a traceback; a
    fault that is not a Masthead error (a bug) is named as such, its details left to
    the server's log. Empty if the newest build did not fail."""
    from django_tasks_db.models import DBTaskResult

    from masthead.jobs.tasks import build_site

    last = (DBTaskResult.objects.filter(task_path=build_site.module_path)
            .exclude(status="READY").order_by("-enqueued_at").first())
    if last is None or last.status != "FAILED":
        return ""
    lines = [line for line in (last.traceback or "").strip().splitlines() if line.strip()]
    name, _, message = (lines[-1] if lines else "").partition(": ")
    cls = last.exception_class_path or name
    if cls.startswith("masthead.") and message.strip():
        return message.strip()
    return "something unexpected went wrong (the server's log has the details)"
