"""Publishing's jobs: the build, and scheduled posts. Each checks the current state and
may run again; actions enqueue them by name (``"publishing.build_site"``)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from masthead.children import WarmChild
from masthead.config import load_config
from masthead.content.models import Post
from masthead.jobs.queue import enqueue
from masthead.publishing import trash
from masthead.publishing.actions import publish_scheduled_post
from masthead.site import SiteDir
from masthead.sitegen.pipeline import build, tidy_between_builds

log = logging.getLogger("masthead.jobs")


@task(takes_context=True)
def build_site(context: TaskContext) -> dict:
    """The incremental build: what changed since the last build, live in public/.

    It runs in a child process of the worker, within the site's ``[build] time_limit``:
    a build that hangs is killed with every process it started and fails with a reason,
    and the worker goes on with the next job. The child stays between builds, warm (its
    imports done, the last snapshot of the site kept to compare with), so that a publish
    is live in a fraction of a second; a killed child is replaced by a cold one.

    The build records that it includes every change committed before this job was
    claimed (on SQLite the claim waits for any write in progress), which is what the
    studio's "Live" compares a post's last change with."""

    root = settings.MASTHEAD_ROOT
    config = load_config(root)
    claimed = context.task_result.started_at or timezone.now()
    report = _warm.run({"root": str(root), "as_of": claimed.isoformat()},
                       seconds=config.build_time_limit, key=repr(config))
    log.info("built %s: %d of %d outputs in %.2f s (%s)", root.name, report["rendered"],
             report["outputs"], report["seconds"], ", ".join(
                 f"{phase} {seconds:.3f}" for phase, seconds in report["phases"].items()))
    return report


def _build_in_child(request: dict) -> dict:
    import datetime as dt

    from django.db import close_old_connections

    close_old_connections()  # the child lives long: a connection lost since is replaced
    root = Path(request["root"])
    report = build(SiteDir(root=root, config=load_config(root)),
                   as_of=dt.datetime.fromisoformat(request["as_of"]))
    return {"rendered": report.rendered, "outputs": report.outputs,
            "seconds": round(report.seconds, 3),
            "phases": {phase: round(t, 3) for phase, t in report.phases.items()}}


# In ps the child reads as `masthead ... builds`, not as a second `masthead ... worker`.
_warm = WarmChild(_build_in_child, what="the site's build", idle=tidy_between_builds,
                  renamed=("worker", "builds"))


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
