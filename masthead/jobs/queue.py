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
    if once:
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.ready().filter(task_path=task.module_path).exists():
            return
    if when is not None:
        task = task.using(run_after=when)
    task.enqueue(*args)


def _wake_worker() -> None:
    from django.conf import settings

    wake(getattr(settings, "MASTHEAD_ROOT", None))


def enqueue_build() -> None:
    """Ask for an incremental build of the site, unless one is already waiting."""
    enqueue("publishing.build_site", once=True)
