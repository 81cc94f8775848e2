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
    """The incremental build: what changed since the last build, live in public/.

    It runs in a child process of the worker, within the site's ``[build] time_limit``:
    a build that hangs is killed with every process it started and fails with a reason,
    and the worker goes on with the next job."""
    from masthead.children import run_bounded
    from masthead.config import load_config

    root = settings.MASTHEAD_ROOT
    config = load_config(root)
    report = run_bounded(lambda: _build_in_child(root, config), what="the site's build",
                         seconds=config.build_time_limit)
    log.info("built %s: %d of %d outputs in %.2f s", root.name, report["rendered"],
             report["outputs"], report["seconds"])
    return report


def _build_in_child(root, config) -> dict:
    from masthead.site import SiteDir
    from masthead.sitegen.pipeline import build

    report = build(SiteDir(root=root, config=config))
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


@task()
def send_password_reset(user_id: int) -> str:
    """Email a one-hour link that sets a new password (it stops working once used,
    because the token covers the password hash)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import EmailMessage
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from masthead.accounts.models import User
    from masthead.sitegen.snapshot import current_site

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or settings.MASTHEAD_SMTP is None:
        return "nothing to send"
    site = current_site()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    # The site's own address, never the Host header a request happened to carry.
    link = f"{site.origin}/studio/password/reset/{uid}/{default_token_generator.make_token(user)}/"
    EmailMessage(
        subject=f"Set a new password for {site.title}",
        body=(f"Someone (hopefully you) asked to set a new password for {user.email} on "
              f"{site.title}.\n\nThis link works for an hour, once:\n\n{link}\n\n"
              "If you did not ask, ignore this email: your password stays as it is.\n"),
        to=[user.email],
    ).send()
    return "sent"
