"""What a site stores. Only the publishing actions (:mod:`masthead.publishing`) write these."""

from __future__ import annotations

import hashlib
import zoneinfo

from django.conf import settings
from django.db import models

from masthead.content import addresses
from masthead.content.citekeys import cited_keys


class Site(models.Model):
    """The site's writer-facing settings; there is exactly one row.

    The fields and their meaning are described once, in
    :mod:`masthead.content.site_settings`, which drives validation, the CLI and docs.
    """

    title = models.CharField(max_length=200, default="My Masthead")
    url = models.CharField(max_length=500, default="http://127.0.0.1:8000/")
    description = models.TextField(blank=True, default="")
    language = models.CharField(max_length=35, default="en")
    timezone = models.CharField(max_length=64, default="UTC")
    author = models.CharField(max_length=200, blank=True, default="")
    permalink = models.CharField(max_length=200, default="/{year}/{month}/{slug}/")
    footer = models.TextField(blank=True, default="")
    support_links = models.JSONField(default=list, blank=True)
    citation_style = models.CharField(max_length=300, default="chicago-author-date")
    posts_per_page = models.PositiveIntegerField(default=10)
    feed_limit = models.PositiveIntegerField(default=20)
    comments = models.BooleanField(default=False)  # show readers' comments under posts


class Author(models.Model):
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=320, blank=True, default="")
    url = models.CharField(max_length=500, blank=True, default="")
    bio = models.TextField(blank=True, default="")
    # The studio account that writes under this byline (imported authors have none).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="byline")


class Tag(models.Model):
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    name = models.CharField(max_length=200)


class Post(models.Model):
    """A post (dated, in feeds and archives) or a page (About, Colophon: undated)."""

    POST = "post"
    PAGE = "page"
    KINDS = [(POST, "post"), (PAGE, "page")]

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"  # was published, then taken down
    TRASHED = "trashed"  # in the Trash: restorable until the worker purges it
    STATUSES = [(DRAFT, "draft"), (SCHEDULED, "scheduled"), (PUBLISHED, "published"),
                (UNPUBLISHED, "unpublished"), (TRASHED, "in the Trash")]

    kind = models.CharField(max_length=8, choices=KINDS, default=POST)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True, default="")
    excerpt = models.TextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=STATUSES, default=DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    canonical_url = models.CharField(max_length=500, blank=True, default="")
    # A scheduled post to be emailed to the subscribers when the worker publishes it.
    email_on_publish = models.BooleanField(default=False)
    series = models.CharField(max_length=200, blank=True, default="")
    tags = models.ManyToManyField(Tag, through="PostTag", related_name="posts")
    authors = models.ManyToManyField(Author, through="PostAuthor", related_name="posts")
    # Front matter keys Masthead does not use itself, kept so an export loses nothing.
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # Derived from body on every save, so a build never has to read every body to know
    # what changed: its hash, and the citation keys it mentions.
    body_hash = models.CharField(max_length=64, blank=True, default="")
    cited_keys = models.JSONField(default=list, blank=True)
    # Rendered body (Markdown, citations, bibliography), valid while render_key matches,
    # and what the build derives from it: the opening words, the search terms.
    body_html = models.TextField(blank=True, default="")
    render_key = models.CharField(max_length=64, blank=True, default="")
    auto_excerpt = models.TextField(blank=True, default="")
    search_terms = models.TextField(blank=True, default="")
    # Why the last build could not render the body (a key no source has), in a writer's
    # words; empty once it renders. The site keeps the last good body meanwhile, or
    # leaves a post that never rendered out (render_key stays empty).
    render_problem = models.TextField(blank=True, default="")
    # In the Trash since (its status is TRASHED), and the status it had before, which
    # restoring gives back; a trashed post keeps its slug, so it returns at its address.
    trashed_at = models.DateTimeField(null=True, blank=True)
    trashed_from = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_slug_per_kind"),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # A build checks only the posts saved since the last one.
            models.Index(fields=["status", "modified_at"], name="post_saved_since"),
            # The few posts a build could not render, found without reading every row.
            models.Index(fields=["status"], condition=~models.Q(render_problem=""),
                         name="post_render_problems"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}"

    def save(self, *args, **kwargs) -> None:
        self.derive_from_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_hash", "cited_keys"}
        super().save(*args, **kwargs)

    def address(self, site: Site | None = None) -> str:
        """The post's path on the site now (its permalink, in the site's time zone)."""
        if self.kind == Post.PAGE:
            return addresses.page_path(self.slug)
        site = site or Site.objects.first() or Site()
        when = self.published_at.astimezone(zoneinfo.ZoneInfo(site.timezone)) \
            if self.published_at else None
        return addresses.post_path(site.permalink, slug=self.slug, id=self.pk, published=when)

    def derive_from_body(self) -> None:
        digest = body_digest(self.body)
        if digest != self.body_hash:
            self.body_hash = digest
            self.cited_keys = sorted(cited_keys(self.body))


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="unique_post_tag")]
        ordering = ["position"]


class PostAuthor(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "author"], name="unique_post_author")
        ]
        ordering = ["position"]


class OldURL(models.Model):
    """A path the post used to live at (an import's old permalink, a Hugo alias)."""

    path = models.CharField(max_length=1000, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_urls")


class GoneAddress(models.Model):
    """An address a published post had before it went to the Trash: the site answers
    410 Gone there (a reader's link says the post was withdrawn, not mistyped), or 301
    to the ``replacement`` the writer chose. The row outlives the post (``post`` is
    emptied when the Trash is purged), so the address keeps its answer; restoring the
    post deletes its rows."""

    path = models.CharField(max_length=1000, unique=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="gone_addresses")
    replacement = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    title = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)


class Source(models.Model):
    """A bibliography entry, stored as CSL-JSON (what Pandoc's citeproc reads)."""

    key = models.CharField(max_length=300, unique=True)
    csl = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)


class Revision(models.Model):
    """A saved state of a post's text: autosaves, saves, publishes and restores.

    Autosaves of a published post land here only (the live post changes when the writer
    presses Update), so a closed tab or a crash loses at most the seconds since the last
    autosave, and any earlier state can be restored.
    """

    AUTOSAVE, SAVE, PUBLISH, RESTORE = "autosave", "save", "publish", "restore"
    KINDS = [(AUTOSAVE, "Autosave"), (SAVE, "Save"), (PUBLISH, "Publish"),
             (RESTORE, "Restore")]

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=10, choices=KINDS)
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True, default="")
    excerpt = models.TextField(blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["post", "-created_at"], name="revisions_newest")]


class Comment(models.Model):
    """A reader's comment on a post, brought in by an importer (Blogger, WordPress) or,
    later, a fediverse reply. Shown under the post when the site turns comments on.

    ``origin`` says where it came from (``blogger:<id>``, ``wordpress:<site>#<id>``), so
    importing the same export again updates a comment instead of adding it twice."""

    APPROVED, PENDING, SPAM = "approved", "pending", "spam"
    STATUSES = [(APPROVED, "approved"), (PENDING, "pending"), (SPAM, "spam")]

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="replies")
    origin = models.CharField(max_length=300, unique=True)
    author_name = models.CharField(max_length=200, blank=True, default="")
    author_url = models.CharField(max_length=500, blank=True, default="")
    author_email = models.CharField(max_length=320, blank=True, default="")
    body = models.TextField(blank=True, default="")  # Markdown
    published_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=APPROVED)

    class Meta:
        indexes = [models.Index(fields=["post", "published_at"], name="comments_by_post")]


def get_site() -> Site:
    """The site's one settings row (made with the defaults if it is missing)."""
    site = Site.objects.first()
    if site is None:
        site = Site.objects.create()
    return site


# Books are content too (their chapters are posts); their models have a module of their
# own and are imported here so that Django finds them with the app's.
from masthead.content.books import Book, BookEntry, BookVersion  # noqa: E402, F401
