"""The Trash: posts, pages and drafts a writer deleted, kept for 30 days, then purged.

These are publishing actions like those of :mod:`masthead.publishing.actions` (each one
transaction, its jobs queued in it, by name). A trashed post keeps its slug, so that
restoring it brings it back at its address. A published post's addresses (its own and
the old ones that redirected to it) are kept as :class:`GoneAddress` rows: the site
answers 410 Gone there, or 301 to the post the writer chose to replace it, and goes on
doing so after the Trash is purged, so readers' links never turn into "not found".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from masthead.content.models import GoneAddress, Post, Tag, get_site
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue, enqueue_build

if TYPE_CHECKING:
    from masthead.accounts.models import User

KEPT_FOR = dt.timedelta(days=30)  # how long the Trash keeps a post before purging it


def _thing(post: Post) -> str:
    """How a message names the post: "the post 'Title'"."""
    return f"the {post.kind} '{post.title}'"


@transaction.atomic
def trash_post(user: User | None, post_id: int, *,
               replacement_id: int | None = None) -> Post:
    """Move a post, page or draft to the Trash (a post already there stays as it is).
    A published one leaves the site: its addresses answer 410 Gone, or redirect to
    ``replacement_id``, another published post or page."""
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.status == Post.TRASHED:
        return post
    replacement = None
    if replacement_id is not None:
        replacement = Post.objects.filter(pk=replacement_id, status=Post.PUBLISHED).exclude(
            pk=post.pk).first()
        if replacement is None:
            raise ContentError(f"{_thing(post)} can only be replaced by another published "
                               "post or page", field="replacement")
    was_live = post.status == Post.PUBLISHED
    if was_live:
        paths = [post.address(get_site()), *post.old_urls.values_list("path", flat=True)]
        for path in dict.fromkeys(paths):
            GoneAddress.objects.update_or_create(path=path, defaults={
                "post": post, "replacement": replacement, "title": post.title})
    post.trashed_from, post.status = post.status, Post.TRASHED
    post.trashed_at = timezone.now()
    post.save(update_fields=["status", "trashed_from", "trashed_at", "modified_at"])
    if was_live:
        enqueue_build()
        if post.kind == Post.POST:  # the channels take it down (publishing.actions.announce)
            enqueue("channels.announce", post.pk, "post.unpublished",
                    timezone.now().isoformat())
    return post


@transaction.atomic
def restore_post(user: User | None, post_id: int) -> Post:
    """Take a post out of the Trash as it was: a published post back at its address
    (its 410 or redirect withdrawn), a scheduled one due at its time (now, if that has
    passed), a draft a draft."""
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.status != Post.TRASHED:
        raise ContentError(f"{_thing(post)} is not in the Trash", field="status")
    post.status = post.trashed_from or Post.DRAFT
    post.trashed_from, post.trashed_at = "", None
    post.save(update_fields=["status", "trashed_from", "trashed_at", "modified_at"])
    gone = GoneAddress.objects.filter(post=post).delete()[0]
    if post.status == Post.SCHEDULED:
        when = max(post.published_at or timezone.now(), timezone.now())
        enqueue("publishing.publish_due", post.pk, when=when)
    if post.status == Post.PUBLISHED or gone:
        enqueue_build()
    return post


@transaction.atomic
def delete_post(user: User | None, post_id: int) -> str:
    """Delete a post in the Trash for good (its revisions with it); its addresses keep
    answering 410 Gone or their redirect. Returns the title, for the message."""
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.status != Post.TRASHED:
        raise ContentError(f"{_thing(post)} is not in the Trash: move it there first",
                           field="status")
    title = post.title
    post.delete()
    Tag.objects.filter(posts__isnull=True).delete()
    return title


@transaction.atomic
def purge_trash(now: dt.datetime | None = None) -> int:
    """Delete what has been in the Trash longer than KEPT_FOR (the worker runs this
    daily); returns how many posts went. Nothing on the site changes: trashed posts
    are already off it, and their addresses keep their answers."""
    now = now or timezone.now()
    old = Post.objects.filter(status=Post.TRASHED, trashed_at__lte=now - KEPT_FOR)
    count = 0
    for post_id in old.values_list("id", flat=True):
        Post.objects.filter(pk=post_id).delete()
        count += 1
    if count:
        Tag.objects.filter(posts__isnull=True).delete()
    return count
