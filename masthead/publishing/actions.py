"""The studio's writes: create, save, autosave, publish, schedule, unpublish, restore.

Like :mod:`masthead.publishing.store`, these are the only code that changes posts for the
studio; each is one transaction, and the jobs it needs (a build, a scheduled publish)
are queued inside that transaction, so they exist exactly when the change does.
Views check permissions (:mod:`masthead.accounts.permissions`) before calling these.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from masthead.content import addresses
from masthead.content.models import Author, Post, PostAuthor, PostTag, Revision, Tag, get_site
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue, enqueue_build
from masthead.publishing.store import _tag

if TYPE_CHECKING:
    from masthead.accounts.models import User

from django.conf import settings

from masthead.content.addresses import slugify
from masthead.content.models import OldURL
from masthead.errors import MastheadError
from masthead.newsletter.actions import queue_newsletter
from masthead.publishing.store import import_sources, update_settings
from masthead.render.citations import UnknownKeyError
from masthead.render.engine import render_body, writers_words
from masthead.sitegen.bodies import context_for

AUTOSAVE_EVERY = dt.timedelta(seconds=60)  # one autosave revision a minute is kept
_SLUG_RE = re.compile(r"^[\w-]+$")


@dataclass
class Draft:
    """What the editor sends: the writer's text and fields, not yet checked."""

    title: str
    body: str = ""
    slug: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    canonical_url: str = ""

    def checked(self) -> Draft:
        title = " ".join(self.title.split())
        if not title:
            raise ContentError("a post needs a title", field="title")
        if len(title) > 500:
            raise ContentError("at most 500 characters", field="title")
        slug = self.slug.strip().lower()
        if slug and not _SLUG_RE.match(slug):
            raise ContentError("letters, digits and hyphens only", field="slug")
        url = self.canonical_url.strip()
        if url and not re.match(r"^https?://[^\s/]+", url):
            raise ContentError("must be an http(s) address", field="canonical_url")

        tags, slugs = [], set()
        for t in self.tags:
            t = " ".join(t.split())[:200]
            if t and (slugify(t) or "tag") not in slugs:  # "Python" and "python": one tag
                slugs.add(slugify(t) or "tag")
                tags.append(t)
        return Draft(title=title, body=self.body.replace("\r\n", "\n"), slug=slug,
                     excerpt=self.excerpt.strip(), tags=tags, canonical_url=url)


def byline_for(user: User | None) -> Author | None:
    """The author a studio account writes as: its own profile, found or made on first
    use. A profile nobody claims yet (an import's) is the writer's when it has their
    email address or their name; an owner without one writes as the site's author (the
    "Default author" setting: on a one-writer site, the owner), so an account's
    placeholder name ("Demo Writer", the start of an email address) never becomes a
    byline when the site names its author. Without an account (the command line), the
    site's author; None when the site names none (the pages then show no byline)."""

    site_author = " ".join(get_site().author.split())
    if user is None:
        if not site_author:
            return None
        return (Author.objects.filter(name=site_author).order_by("user_id", "id").first()
                or _new_author(site_author, None))
    author = Author.objects.filter(user=user).first()
    if author is not None:
        return author
    free = Author.objects.filter(user__isnull=True).order_by("id")
    named = " ".join(user.name.split())
    claim = (user.email and free.filter(email__iexact=user.email).first()) or (
        named and free.filter(name=named).first())
    if not claim and user.role == "owner" and site_author:
        claim = free.filter(name=site_author).first() or _new_author(site_author, user)
    if claim:
        claim.user = user
        claim.save(update_fields=["user"])
        return claim
    return _new_author(named or user.display_name, user)


def _new_author(name: str, user: User | None) -> Author:
    base = slugify(name) or "author"
    slug, n = base, 1
    while Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Author.objects.create(slug=slug, name=name, email=user.email if user else "",
                                 user=user)


def _reserved_for(kind: str, slug: str) -> tuple[str, str]:
    """(the address a slug gives, what the site keeps it for) or (.., "") when free."""
    path = addresses.page_path(slug) if kind == Post.PAGE else addresses.post_path(
        get_site().permalink, slug=slug, id=0, published=timezone.now())
    return path, addresses.reserved_address(path)


def _unique_slug(kind: str, wanted: str, title: str, exclude: int | None) -> str:
    if wanted:
        path, why = _reserved_for(kind, wanted)
        if why:
            raise ContentError(f"'{wanted}' would give this {kind} the address {path}, an "
                               f"address the site uses itself ({why}): choose another slug",
                               field="slug")
    base = wanted or addresses.slugify(title) or "post"
    if not wanted and _reserved_for(kind, base)[1]:
        base += f"-{kind}"
    taken = set(Post.objects.filter(kind=kind, slug__startswith=base)
                .exclude(pk=exclude).values_list("slug", flat=True))
    if wanted and wanted in taken:
        raise ContentError(f"another {kind} already has the slug '{wanted}'", field="slug")
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(post: Post, draft: Draft) -> None:
    post.title = draft.title
    post.body = draft.body
    post.excerpt = draft.excerpt
    post.canonical_url = draft.canonical_url
    post.slug = _unique_slug(post.kind, draft.slug or post.slug, draft.title, post.pk)


def _set_tags(post: Post, names: list[str]) -> None:
    PostTag.objects.filter(post=post).delete()
    cache: dict[str, Tag] = {}
    PostTag.objects.bulk_create([PostTag(post=post, tag=_tag(n, cache), position=i)
                                 for i, n in enumerate(names)])
    Tag.objects.filter(posts__isnull=True).delete()


def _revision(post: Post, kind: str, user: User | None, draft: Draft | None = None) -> Revision:
    d = draft or Draft(title=post.title, body=post.body, excerpt=post.excerpt,
                       tags=tag_names(post))
    return Revision.objects.create(post=post, kind=kind, title=d.title, body=d.body,
                                   excerpt=d.excerpt, tags=d.tags, user=user)


class NotReadyError(ContentError):
    """The text cannot go on the site as it is (a citation of a key no source has):
    publishing, scheduling or updating a live post is refused and nothing changes.
    ``missing_source`` says the fix is on the Sources page (the editor links to it)."""

    def __init__(self, reason: str, *, missing_source: bool = False) -> None:
        super().__init__(reason, field="body")
        self.missing_source = missing_source


def check_renders(body: str) -> None:
    """Render the body as the build will (the site's sources and citation style), so a
    post that would be left out of the site is refused before it is published."""


    try:
        render_body(body, context_for(get_site(), getattr(settings, "MASTHEAD_ROOT", None)),
                    "this post")
    except MastheadError as exc:
        raise NotReadyError(f"the text cannot go on the site yet: {writers_words(exc)}.",
                            missing_source=isinstance(exc, UnknownKeyError)) from None


def announce(post: Post, event: str) -> None:
    """Tell the channels (Telegram, webhooks) a post was published, updated or taken
    down: a job named for them, so publishing never imports them."""
    if post.kind == Post.POST:
        enqueue("channels.announce", post.pk, f"post.{event}", timezone.now().isoformat())


def _not_trashed(post: Post) -> Post:
    """A post in the Trash is changed only by restoring it (its text stays as it was
    trashed, and it cannot go on the site from there)."""
    if post.status == Post.TRASHED:
        raise ContentError(f"the {post.kind} '{post.title}' is in the Trash: restore it "
                           "first", field="status")
    return post


def tag_names(post: Post) -> list[str]:
    return [pt.tag.name for pt in PostTag.objects.filter(post=post).select_related("tag")
            .order_by("position")]


@transaction.atomic
def create_post(user: User, draft: Draft, *, kind: str = Post.POST) -> Post:
    draft = draft.checked()
    post = Post(kind=kind, status=Post.DRAFT)
    _apply(post, draft)
    post.save()
    author = byline_for(user)
    if author is not None:
        PostAuthor.objects.create(post=post, author=author, position=0)
    _set_tags(post, draft.tags)
    _revision(post, Revision.SAVE, user, draft)
    return post


def _keep_old_address(post: Post, before: str) -> None:
    """A published post whose address changed (a new slug) keeps the old one alive: the
    build writes a redirect there, as for imported posts' old URLs."""

    now = post.address()
    OldURL.objects.filter(post=post, path=now).delete()
    if now == before or OldURL.objects.filter(path=before).exclude(post=post).exists():
        return
    OldURL.objects.get_or_create(path=before, defaults={"post": post})


@transaction.atomic
def save_post(user: User, post_id: int, draft: Draft) -> Post:
    """Store the editor's text in the post; a published post is rebuilt (so its new text
    is checked first, as publishing checks it: see :func:`check_renders`)."""
    draft = draft.checked()
    post = _not_trashed(Post.objects.select_for_update().get(pk=post_id))
    if post.status in (Post.PUBLISHED, Post.SCHEDULED):
        check_renders(draft.body)
        post.render_problem = ""  # it renders now; the build confirms it
    before = post.address() if post.status == Post.PUBLISHED else None
    _apply(post, draft)
    if post.status == Post.PUBLISHED:
        post.updated_at = timezone.now()
    post.save()
    if before is not None:
        _keep_old_address(post, before)
    _set_tags(post, draft.tags)
    _revision(post, Revision.SAVE, user, draft)
    if post.status == Post.PUBLISHED:
        enqueue_build()
        announce(post, "updated")
    return post


@transaction.atomic
def autosave(user: User, post_id: int, draft: Draft) -> Revision:
    """Keep the editor's text safe without publishing it.

    A draft's own fields follow the editor; a published or scheduled post changes only
    when the writer saves, so its autosaves are revisions alone. Autosaves within a
    minute of the previous one replace it, so history keeps one a minute.
    """
    draft = draft.checked()
    post = _not_trashed(Post.objects.select_for_update().get(pk=post_id))
    if post.status in (Post.DRAFT, Post.UNPUBLISHED):
        _apply(post, draft)
        post.save()
        _set_tags(post, draft.tags)
    last = post.revisions.order_by("-created_at", "-id").first()
    if last and last.kind == Revision.AUTOSAVE and last.user_id == user.pk and \
            timezone.now() - last.created_at < AUTOSAVE_EVERY:
        last.title, last.body, last.excerpt, last.tags = (draft.title, draft.body,
                                                          draft.excerpt, draft.tags)
        last.save(update_fields=["title", "body", "excerpt", "tags"])
        return last
    return _revision(post, Revision.AUTOSAVE, user, draft)


def _take_draft(post: Post, draft: Draft | None) -> None:
    """The editor's text (if any) onto the post, once it is known to render: a text the
    build could not render is refused (:class:`NotReadyError`) before anything changes."""
    if draft is not None:
        draft = draft.checked()
    check_renders(draft.body if draft is not None else post.body)
    post.render_problem = ""  # it renders now; the build confirms it
    if draft is not None:
        _apply(post, draft)
        _set_tags(post, draft.tags)


@transaction.atomic
def publish_post(user: User | None, post_id: int, draft: Draft | None = None, *,
                 email: bool = False) -> Post:
    """Publish now (with the editor's text, if given); the build makes it live, and with
    ``email`` the newsletter sends it to the subscribers (once per post). A text the build
    could not render is refused first (:class:`NotReadyError`), with nothing changed."""
    post = _not_trashed(Post.objects.select_for_update().get(pk=post_id))
    before = post.address() if post.status == Post.PUBLISHED else None
    event = "updated" if post.status == Post.PUBLISHED else "published"
    _take_draft(post, draft)
    now = timezone.now()
    if post.status == Post.PUBLISHED:
        post.updated_at = now
    elif post.published_at is None or post.published_at > now or post.status == Post.SCHEDULED:
        post.published_at = now.replace(microsecond=0)
    post.status = Post.PUBLISHED
    post.email_on_publish = False  # decided now, by ``email``
    post.save()
    if before is not None:
        _keep_old_address(post, before)
    _revision(post, Revision.PUBLISH, user)
    enqueue_build()
    announce(post, event)
    if email and post.kind == Post.POST:
        queue_newsletter(post.pk)
    return post


@transaction.atomic
def schedule_post(user: User | None, post_id: int, when: dt.datetime,
                  draft: Draft | None = None, *, email: bool = False) -> Post:
    """Publish at a time to come (the worker does it, and with ``email`` then sends it
    to the subscribers); a past time publishes now."""
    if when.tzinfo is None:
        raise ContentError("needs a time zone", field="published_at")
    if when <= timezone.now():
        return publish_post(user, post_id, draft, email=email)
    post = _not_trashed(Post.objects.select_for_update().get(pk=post_id))
    _take_draft(post, draft)
    was_live = post.status == Post.PUBLISHED
    post.status = Post.SCHEDULED
    post.published_at = when.replace(microsecond=0)
    post.email_on_publish = email and post.kind == Post.POST
    post.save()
    _revision(post, Revision.SAVE, user)
    enqueue("publishing.publish_due", post.pk, when=post.published_at)
    if was_live:
        enqueue_build()  # it leaves the site until its new time
    return post


@transaction.atomic
def unpublish_post(user: User | None, post_id: int) -> Post:
    post = _not_trashed(Post.objects.select_for_update().get(pk=post_id))
    was_live = post.status == Post.PUBLISHED
    post.status = Post.UNPUBLISHED if post.status == Post.PUBLISHED else Post.DRAFT
    post.email_on_publish = False
    post.save(update_fields=["status", "email_on_publish", "modified_at"])
    if was_live:
        enqueue_build()
        announce(post, "unpublished")
    return post


@transaction.atomic
def restore_revision(user: User, revision_id: int) -> Post:
    """Put an earlier text back into the post (kept as a revision of its own)."""
    rev = Revision.objects.select_related("post").get(pk=revision_id)
    draft = Draft(title=rev.title, body=rev.body, excerpt=rev.excerpt, tags=list(rev.tags),
                  slug=rev.post.slug, canonical_url=rev.post.canonical_url)
    post = save_post(user, rev.post_id, draft)
    Revision.objects.filter(pk=post.revisions.order_by("-id").values("id")[:1]).update(
        kind=Revision.RESTORE)
    return post


def publish_scheduled_post(post: Post) -> None:
    """The worker's part of scheduling: the time has come (called in its transaction).
    The email, if asked for, is queued in the same transaction: both happen or neither."""
    email = post.email_on_publish and post.kind == Post.POST
    post.status = Post.PUBLISHED
    post.email_on_publish = False
    post.save(update_fields=["status", "email_on_publish", "modified_at"])
    _revision(post, Revision.PUBLISH, None)
    enqueue_build()
    announce(post, "published")
    if email:

        queue_newsletter(post.pk)


@transaction.atomic
def change_settings(user: User, values: dict) -> None:
    """Settings from the studio; every page may show them, so the site is rebuilt."""

    update_settings(values, source="studio settings")
    enqueue_build()


@transaction.atomic
def add_sources(user: User, items: dict) -> object:
    """Bibliography entries from the studio; posts citing them are rebuilt."""

    summary = import_sources(items)
    if summary.created or summary.updated:
        enqueue_build()
    return summary
