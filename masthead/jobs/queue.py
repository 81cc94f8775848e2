"""Putting jobs on the queue, by name, from inside an action's transaction.

A job is named ``"capability.job"`` and lives in that capability's ``tasks`` module:
``"publishing.build_site"`` is ``masthead.publishing.tasks.build_site``. Actions name the
job they want instead of importing it, so an action never imports the code that runs
jobs (which imports half the program), and this module, low in the layers, knows no
capability. The job's row is written in the caller's transaction: it exists if and only
if the action committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task

from masthead.jobs.wake import wake


def job(name: str) -> Task:
    """The task a job name stands for."""
    capability, _, function = name.partition(".")
    if not capability or not function or "." in function:
        raise ValueError(f"a job name is 'capability.job', not {name!r}")
    return import_string(f"masthead.{capability}.tasks.{function}")


def enqueue(name: str, *args: Any, when: dt.datetime | None = None,
            once: bool = False) -> None:
    """Queue the job ``name`` with ``args``, to run at ``when`` (or as soon as a worker
    is free). With ``once``, not if the same job is already waiting to start (a burst
    of saves needs one build after them, not one each)."""
    task = job(name)
    # Once committed, the worker is told at once rather than finding the job at its
    # next look (up to a second later: most of a publish's way to the reader).
    transaction.on_commit(_wake_worker)
    if once and _waiting(task.module_path):
        return
    if when is not None:
        task = task.using(run_after=when)
    task.enqueue(*args)


def _waiting(task_path: str) -> bool:
    """Whether a job of ``task_path`` is waiting to start and stays waiting until the
    caller's transaction ends, so that when it runs it sees what the caller wrote.

    The waiting row is locked (FOR UPDATE) in the caller's transaction. A worker claims
    with SKIP LOCKED, so it cannot take that job and start a build that reads the site
    before the caller commits (on PostgreSQL the build would then miss the change, with
    no build left to bring it). A job a worker claimed a moment ago no longer matches
    once its claim commits, and a new one is queued. On SQLite the claim waits for the
    caller's write lock anyway."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():  # a savepoint inside an action; the lock lasts until its end
        ready = DBTaskResult.objects.ready().filter(task_path=task_path)
        return bool(list(ready.select_for_update().values_list("pk", flat=True)[:1]))


def _wake_worker() -> None:
    from django.conf import settings

    wake(getattr(settings, "MASTHEAD_ROOT", None))


def enqueue_build() -> None:
    """Ask for an incremental build of the site, unless one is already waiting."""
    enqueue("publishing.build_site", once=True)
