"""The jobs themselves. Each takes ids, checks the current state and may run again."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

log = logging.getLogger("masthead.jobs")


@task()
def build_site() -> dict:
    """The incremental build: what changed since the last build, live in public/."""
    from masthead.build.pipeline import build
    from masthead.config import load_config
    from masthead.site import SiteDir

    root = settings.MASTHEAD_ROOT
    report = build(SiteDir(root=root, config=load_config(root)))
    log.info("built %s: %d of %d outputs in %.2f s", root.name, report.rendered,
             report.outputs, report.seconds)
    return {"rendered": report.rendered, "outputs": report.outputs,
            "seconds": round(report.seconds, 3)}


@task()
def publish_due(post_id: int) -> str:
    """Publish a scheduled post whose time has come (nothing if it was unscheduled,
    rescheduled to later or already published), then build."""
    from masthead.content.models import Post
    from masthead.content.publishing import publish_scheduled_post

    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or post.status != Post.SCHEDULED:
            return "not scheduled"
        if post.published_at and post.published_at > timezone.now():
            return "not yet"
        publish_scheduled_post(post)
    return "published"
