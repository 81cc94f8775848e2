"""Publishing's jobs: the build, and scheduled posts. Each checks the current state and
may run again; actions enqueue them by name (``"publishing.build_site"``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from masthead.children import run_bounded
from masthead.config import load_config
from masthead.content.models import Post
from masthead.jobs.queue import enqueue
from masthead.publishing import trash
from masthead.publishing.actions import publish_scheduled_post
from masthead.site import SiteDir
from masthead.sitegen.pipeline import build

log = logging.getLogger("masthead.jobs")


@task()
def build_site() -> dict:
    """The incremental build: what changed since the last build, live in public/.

    It runs in a child process of the worker, within the site's ``[build] time_limit``:
    a build that hangs is killed with every process it started and fails with a reason,
    and the worker goes on with the next job."""

    root = settings.MASTHEAD_ROOT
    config = load_config(root)
    report = run_bounded(lambda: _build_in_child(root, config), what="the site's build",
                         seconds=config.build_time_limit)
    log.info("built %s: %d of %d outputs in %.2f s", root.name, report["rendered"],
             report["outputs"], report["seconds"])
    return report


def _build_in_child(root, config) -> dict:

    report = build(SiteDir(root=root, config=config))
    return {"rendered": report.rendered, "outputs": report.outputs,
            "seconds": round(report.seconds, 3)}


@task()
def publish_due(post_id: int) -> str:
    """Publish a scheduled post whose time has come (nothing if it was unscheduled,
    rescheduled to later or already published), then build."""

    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or post.status != Post.SCHEDULED:
            return "not scheduled"
        if post.published_at and post.published_at > timezone.now():
            return "not yet"
        publish_scheduled_post(post)
    return "published"


@task()
def catch_up_scheduled() -> int:
    """Queue the publishing of every scheduled post that is due (a starting worker runs
    this: a post's own job may have been lost, or its time passed while none ran)."""

    now = timezone.now()
    due = list(Post.objects.filter(status=Post.SCHEDULED, published_at__lte=now)
               .values_list("id", flat=True))
    with transaction.atomic():
        for post_id in due:
            enqueue("publishing.publish_due", post_id, when=now)
    if due:
        log.info("%d scheduled post(s) are due", len(due))
    return len(due)


PURGE_EVERY = dt.timedelta(days=1)


@task()
def purge_trash() -> int:
    """Delete what has been in the Trash for 30 days, then come back in a day. A
    starting worker queues this (jobs/worker.py ON_START); the next day's run is queued
    unless one is already waiting, so restarts do not multiply it."""

    count = trash.purge_trash()
    if count:
        log.info("purged %d post(s) from the Trash", count)
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(task_path=purge_trash.module_path,
                                              status="READY").exists()
        if not waiting:
            enqueue("publishing.purge_trash", when=timezone.now() + PURGE_EVERY)
    return count


def last_build_problem() -> str:
    """Why the newest build job failed, in a line a writer can read (what the studio
    shows on every page): the error's own message, never its class or a traceback; a
    fault that is not a Masthead error (a bug) is named as such, its details left to
    the server's log. Empty if the newest build did not fail."""

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
