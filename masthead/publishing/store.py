"""The only code that writes content. Each action is one transaction.

Views, importers and the CLI parse and validate; then they call one of these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from masthead.content import site_settings
from masthead.content.addresses import redirect_problem, slugify
from masthead.content.models import (
    Author,
    OldURL,
    Post,
    PostAuthor,
    PostTag,
    Site,
    Source,
    Tag,
    get_site,
)
from masthead.errors import ContentError


@dataclass
class PostData:
    """A post or page as an importer understood it, validated and ready to store."""

    kind: str
    slug: str
    title: str
    body: str
    where: str  # the file (or form) it came from, for messages
    status: str = Post.PUBLISHED
    excerpt: str = ""
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    canonical_url: str = ""
    series: str = ""
    old_urls: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    email_on_publish: bool = False  # a scheduled post: emailed to subscribers when published


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0




@transaction.atomic
def create_site(**values: Any) -> Site:
    site = get_site()
    return _apply_settings(site, values, source="masthead init")


@transaction.atomic
def update_settings(values: Mapping[str, Any], *, source: str = "setting") -> Site:
    return _apply_settings(get_site(), values, source=source)


def _apply_settings(site: Site, values: Mapping[str, Any], *, source: str) -> Site:
    changed = []
    for name, value in values.items():
        setattr(site, name, site_settings.validate(name, value, source=source))
        changed.append(name)
    if changed:
        site.save(update_fields=changed)
    return site


def _tag(name: str, cache: dict[str, Tag]) -> Tag:

    slug = slugify(name) or "tag"
    if slug not in cache:
        cache[slug], _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    return cache[slug]


def _author(name: str, cache: dict[str, Author]) -> Author:

    slug = slugify(name) or "author"
    if slug not in cache:
        cache[slug], _ = Author.objects.get_or_create(slug=slug, defaults={"name": name})
    return cache[slug]


def _by_slug(names: Sequence[str], fallback: str) -> list[str]:
    """The first name for each address: "Essays" and "essays" are one tag, and a post
    holds a tag (or an author) once, as a WordPress category and tag of one name do."""

    first: dict[str, str] = {}
    for name in names:
        first.setdefault(slugify(name) or fallback, name)
    return list(first.values())


_FIELDS = ("title", "body", "excerpt", "status", "published_at", "updated_at",
           "canonical_url", "series", "extra", "email_on_publish")


@transaction.atomic
def import_posts(items: Sequence[PostData], *, authors: Iterable[Mapping] = ()) -> ImportSummary:
    """Create or update posts by (kind, slug); all or nothing."""
    summary = ImportSummary()
    tag_cache: dict[str, Tag] = {}
    author_cache: dict[str, Author] = {}
    for a in authors:
        obj, _ = Author.objects.update_or_create(
            slug=a["slug"], defaults={k: a.get(k, "") for k in ("name", "email", "url", "bio")})
        author_cache[obj.slug] = obj
    existing = {(p.kind, p.slug): p for p in Post.objects.filter(
        slug__in=[i.slug for i in items])}
    claimed = dict(OldURL.objects.filter(path__in=[u for i in items for u in i.old_urls])
                   .values_list("path", "post__slug"))
    fresh: list[tuple[Post, PostData]] = []
    for item in items:
        for path in item.old_urls:
            if why := redirect_problem(path):
                raise ContentError(f"the old URL {path} is {why} on this site; remove it",
                                   path=item.where, field="aliases")
            owner = claimed.get(path)
            if owner is not None and owner != item.slug:
                raise ContentError(f"old URL {path} already belongs to '{owner}'",
                                   path=item.where, field="aliases")
        post = existing.get((item.kind, item.slug))
        values = {f: getattr(item, f) for f in _FIELDS}
        if post is None:
            post = Post(kind=item.kind, slug=item.slug, **values)
            post.derive_from_body()
            fresh.append((post, item))
            continue
        before = _post_state(post)
        for f, v in values.items():
            setattr(post, f, v)
        if before == _post_state(post) and _relations(post) == (
                _by_slug(item.tags, "tag"), _by_slug(item.authors, "author"),
                sorted(item.old_urls)):
            summary.unchanged += 1
            continue
        post.save()
        summary.updated += 1
        PostTag.objects.filter(post=post).delete()
        PostAuthor.objects.filter(post=post).delete()
        OldURL.objects.filter(post=post).exclude(path__in=item.old_urls).delete()
        have = set(OldURL.objects.filter(post=post).values_list("path", flat=True))
        _add_relations([(post, item)], tag_cache, author_cache, have)
    # New posts in one statement each for posts, tags, authors and old URLs (a large
    # import is mostly new posts).
    Post.objects.bulk_create([p for p, _ in fresh], batch_size=500)
    _add_relations(fresh, tag_cache, author_cache, set())
    summary.created += len(fresh)
    Tag.objects.filter(posts__isnull=True).delete()
    return summary


def _add_relations(pairs: list[tuple[Post, PostData]], tag_cache: dict[str, Tag],
                   author_cache: dict[str, Author], have_urls: set[str]) -> None:
    PostTag.objects.bulk_create(
        [PostTag(post=post, tag=_tag(name, tag_cache), position=i)
         for post, item in pairs for i, name in enumerate(_by_slug(item.tags, "tag"))],
        batch_size=1000)
    PostAuthor.objects.bulk_create(
        [PostAuthor(post=post, author=_author(name, author_cache), position=i)
         for post, item in pairs for i, name in enumerate(_by_slug(item.authors, "author"))],
        batch_size=1000)
    OldURL.objects.bulk_create([OldURL(post=post, path=u) for post, item in pairs
                                for u in item.old_urls if u not in have_urls], batch_size=1000)


def _post_state(post: Post) -> tuple:
    return tuple(getattr(post, f) for f in _FIELDS)


def _relations(post: Post) -> tuple:
    return (
        [pt.tag.name for pt in PostTag.objects.filter(post=post).select_related("tag")],
        [pa.author.name for pa in PostAuthor.objects.filter(post=post).select_related("author")],
        sorted(OldURL.objects.filter(post=post).values_list("path", flat=True)),
    )


@transaction.atomic
def import_sources(items: Mapping[str, Mapping]) -> ImportSummary:
    """Create or update bibliography entries by key."""
    summary = ImportSummary()
    existing = {s.key: s for s in Source.objects.filter(key__in=list(items))}
    for key, csl in items.items():
        csl = {k: v for k, v in csl.items() if k != "id"}
        src = existing.get(key)
        if src is None:
            Source.objects.create(key=key, csl=csl)
            summary.created += 1
        elif src.csl != csl:
            src.csl = csl
            src.save(update_fields=["csl", "updated_at"])
            summary.updated += 1
        else:
            summary.unchanged += 1
    return summary
