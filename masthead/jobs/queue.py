"""Putting jobs on the queue (called by actions, inside their transaction)."""

from __future__ import annotations

import datetime as dt


def enqueue_build() -> None:
    """Ask for an incremental build, unless one is already waiting to start (a burst of
    saves needs one build after them, not one each)."""
    from django_tasks_db.models import DBTaskResult

    from masthead.jobs.tasks import build_site

    if not DBTaskResult.objects.ready().filter(task_path=build_site.module_path).exists():
        build_site.enqueue()


def enqueue_publish(post_id: int, when: dt.datetime) -> None:
    """Publish a scheduled post at its time (the job checks it is still due)."""
    from masthead.jobs.tasks import publish_due

    publish_due.using(run_after=when).enqueue(post_id)
