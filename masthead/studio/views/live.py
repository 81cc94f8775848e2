"""After Publish, Update or Schedule: is the post's current version live yet?

A change is live once a build that includes it has gone live. Every build records up to
when it includes every committed change (``live.json``, see
:func:`masthead.sitegen.state.record_live`; the worker's build counts from the moment it
claimed its job), and each post carries the time of its last change (``modified_at``,
stamped by the action that changed it). So the post's current version is live exactly
when the live site's time is past the post's. While it is not, the running build says
what it is doing; a build that failed says why, in the words the studio shows on every
page.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from masthead.content import addresses
from masthead.content.models import Post, get_site
from masthead.sitegen.state import build_progress, live_as_of
from masthead.studio.views.access import studio_login_required

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
POLL_MS = 250  # how often the editor asks while a build runs


def _state_dir() -> Path:
    return Path(settings.MASTHEAD_ROOT) / ".masthead"


def _build_pending() -> bool:
    """A build job is waiting or running."""
    from django_tasks_db.models import DBTaskResult

    from masthead.jobs.queue import job

    path = job("publishing.build_site").module_path
    return DBTaskResult.objects.filter(task_path=path, status__in=("READY", "RUNNING")).exists()


def live_state(post: Post) -> dict:
    """Where the post stands on the public site, for the editor to show: ``state`` (one
    of draft, publishing, live, left-out, failed, scheduled, unpublishing, offline),
    ``message`` in a writer's words, ``url`` (the public page, once live) and, while a
    build runs, ``step``, ``done`` and ``total``."""
    from masthead.publishing.tasks import last_build_problem

    site = get_site()
    as_of = live_as_of(_state_dir())
    included = as_of is not None and post.modified_at is not None and post.modified_at < as_of
    if post.status == Post.SCHEDULED:
        when = post.published_at.astimezone(zoneinfo.ZoneInfo(site.timezone)) \
            if post.published_at else None
        at = f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M}" if when else ""
        return {"state": "scheduled", "message": f"Scheduled: it goes live on {at}."
                if at else "Scheduled."}
    if post.status in (Post.DRAFT,):
        return {"state": "draft", "message": ""}
    if included:
        if post.status == Post.UNPUBLISHED:
            return {"state": "offline", "message": "Taken off the site."}
        if not post.render_key:
            return {"state": "left-out", "message": "Not on the site: its text could not "
                    "be made into a page."}
        url = addresses.href(_base_path(site.url), post.address(site))
        return {"state": "live", "message": "Live", "url": url}
    pending = _build_pending()
    problem = "" if pending else last_build_problem()
    if problem:
        return {"state": "failed", "message": f"Not live yet: the site's build failed "
                f"({problem})."}
    doing = "Unpublishing" if post.status == Post.UNPUBLISHED else "Publishing"
    progress = build_progress(_state_dir())
    if not progress:
        return {"state": doing.lower(), "message": f"{doing}…"}
    step = progress["step"]
    if progress["total"]:
        step += f" ({progress['done']} of {progress['total']})"
    return {"state": doing.lower(), "message": f"{doing}… {step}", **progress}


def _base_path(url: str) -> str:
    from urllib.parse import urlsplit

    base = urlsplit(url).path or "/"
    return base if base.endswith("/") else base + "/"


PENDING = ("publishing", "unpublishing")


@studio_login_required
def post_live(request: HttpRequest, post_id: int) -> JsonResponse:
    """The post's :func:`live_state`, as JSON (the editor asks until it is settled)."""
    from masthead.studio.views.posts import _post_for

    post = _post_for(request, post_id)
    state = live_state(post)
    return JsonResponse({**state, "pending": state["state"] in PENDING,
                         "poll_ms": POLL_MS})
