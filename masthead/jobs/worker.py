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
import time

# This module is imported once Django is set up (by `masthead worker`, after site.open).
from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from masthead.errors import MastheadError
from masthead.jobs.queue import enqueue
from masthead.jobs.wake import Doorbell

STALE_AFTER = dt.timedelta(minutes=10)  # a job "running" this long was orphaned
# Jobs every starting worker queues: they catch up on what happened while no worker ran
# (a scheduled post whose time passed during an outage, an import, a restored backup).
ON_START = ["publishing.catch_up_scheduled", "publishing.purge_trash"]

log = logging.getLogger("masthead.jobs")


def requeue_orphans(now: dt.datetime | None = None) -> int:
    """Put jobs back that a worker claimed and never finished: at once if that worker
    ran on this machine and its process is gone (killed, crashed), else after
    STALE_AFTER (a worker elsewhere may still be on it)."""

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


def run(*, burst: bool = False, interval: float = 1.0, max_jobs: int | None = None) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the current job first); with
    ``burst``, until no job is due. A lost database connection does not end a long-running
    worker: it says so and tries again."""


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

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, MastheadError):
            path = record.args[1] if isinstance(record.args, tuple) and \
                len(record.args) > 1 else "a job"
            record.msg, record.args = "%s failed: %s", (str(path).rsplit(".", 1)[-1], exc)
            record.exc_info = record.exc_text = None
        return True


def _run_once(*, burst: bool, interval: float, max_jobs: int | None = None) -> None:

    orphans = requeue_orphans()
    if orphans:
        log.warning("put %d interrupted job(s) back on the queue", orphans)
    with transaction.atomic():
        for name in ON_START:
            enqueue(name, once=True)
    # The library's worker runs in batches (every due job, then it returns), and
    # between batches this one waits for the doorbell an enqueue rings, or for
    # ``interval`` (jobs queued for later, a second worker's enqueues).
    worker = Worker(queue_names=["default"], interval=interval, batch=True,
                    backend_name="default", startup_delay=False, max_tasks=max_jobs,
                    worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
                    excluded_queue_names=[])
    failures = _OneLineFailures()
    logging.getLogger("django_tasks").addFilter(failures)
    doorbell = None if burst else Doorbell(getattr(settings, "MASTHEAD_ROOT", None))
    worker.configure_signals()
    try:
        while True:
            worker.run()
            if burst or not worker.running or (  # stopped by a signal, or enough jobs
                    max_jobs is not None and worker._run_tasks >= max_jobs):
                return
            close_old_connections()
            doorbell.wait(interval)
    finally:
        worker.reset_signals()
        if doorbell is not None:
            doorbell.close()
        logging.getLogger("django_tasks").removeFilter(failures)
