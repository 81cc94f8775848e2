"""Storing what a platform importer read (Blogger, WordPress, Ghost, Substack).

One transaction for the whole export, fed in chunks so memory stays bounded however
large the export: a failure part-way, or a dry run, leaves the site as it was.

Posts are matched by where they came from (``extra.imported_from``), so importing the
same export again updates them; a new post whose slug is already taken (by a post
written here, or another post of the export) gets ``-2``, ``-3``... rather than
overwriting anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from masthead.content.models import Author, Comment, Post, get_site
from masthead.importers.guard import ItemError, plain
from masthead.importers.platform import CommentData, PlatformItem, SettingsData
from masthead.publishing.store import ImportSummary, import_posts, update_settings

CHUNK = 500


@dataclass
class PlatformSummary:
    posts: ImportSummary = field(default_factory=ImportSummary)
    pages: int = 0
    comments_created: int = 0
    comments_updated: int = 0
    comments_unchanged: int = 0
    orphan_comments: int = 0  # their post was not in the export (or was skipped)
    duplicates: list[str] = field(default_factory=list)  # entries sharing an earlier id
    settings: list[str] = field(default_factory=list)  # names of the settings changed
    shared_urls: list[str] = field(default_factory=list)  # old URLs two entries claimed


class _DryRun(Exception):
    pass


def import_platform(records: Iterable[PlatformItem | CommentData | SettingsData], *,
                    dry_run: bool = False,
                    progress: Callable[[int], None] | None = None) -> PlatformSummary:
    """Store posts, pages and comments as the importer yields them (all or nothing)."""
    summary = PlatformSummary()
    try:
        with transaction.atomic():
            _Store(summary, progress).run(records)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


class _Store:
    def __init__(self, summary: PlatformSummary, progress: Callable[[int], None] | None):
        self.summary = summary
        self.progress = progress
        self.by_origin: dict[str, tuple[str, str]] = {}
        self.taken: set[tuple[str, str]] = set()
        for kind, slug, origin in Post.objects.values_list("kind", "slug",
                                                           "extra__imported_from"):
            self.taken.add((kind, slug))
            if isinstance(origin, str) and origin:
                self.by_origin[origin] = (kind, slug)
        self.post_ids: dict[str, int] = {}
        self.posts: list[PlatformItem] = []
        self.comments: list[CommentData] = []
        self.waiting: list[CommentData] = []  # comments that came before their post
        self.parents: list[tuple[str, str]] = []
        self.seen: set[str] = set()
        self.urls: dict[str, str] = {}
        self.duplicates: list[str] = summary.duplicates

    def run(self, records: Iterable[PlatformItem | CommentData | SettingsData]) -> None:
        for record in records:
            if isinstance(record, SettingsData):
                self._settings(record)
            elif isinstance(record, PlatformItem):
                self._claim_slug(record)
                self.posts.append(record)
                if len(self.posts) >= CHUNK:
                    self._flush_posts()
            else:
                self.comments.append(record)
                if len(self.comments) >= CHUNK:
                    self._flush_posts()
                    self._flush_comments()
            if self.progress is not None:
                self.progress(1)
        self._flush_posts()
        self._flush_comments()
        self.comments, self.waiting = self.waiting, []
        self._flush_comments(last=True)
        self._link_replies()

    def _settings(self, record: SettingsData) -> None:

        site = get_site()
        changed = {k: v for k, v in record.values.items() if getattr(site, k, None) != v}
        if changed:
            update_settings(changed, source=record.where)
            self.summary.settings.extend(sorted(changed))

    def _claim_slug(self, item: PlatformItem) -> None:
        post = item.post
        _fit(post)
        if item.origin in self.seen:  # two entries with one id: keep both
            n = 2
            while f"{item.origin}~{n}" in self.seen:
                n += 1
            item.origin = f"{item.origin}~{n}"
            post.extra = {**post.extra, "imported_from": item.origin}
            self.duplicates.append(post.where)
        self.seen.add(item.origin)
        for url in list(post.old_urls):  # one old address, one post: the first keeps it
            owner = self.urls.setdefault(url, post.where)
            if owner != post.where:
                post.old_urls.remove(url)
                self.summary.shared_urls.append(f"{post.where}: {url} is already the old "
                                                f"address of {owner}")
        known = self.by_origin.get(item.origin)
        if known is not None and known[0] == post.kind:
            post.slug = known[1]
            return
        base, n = post.slug, 2
        while (post.kind, post.slug) in self.taken:
            post.slug = f"{base}-{n}"
            n += 1
        self.taken.add((post.kind, post.slug))
        self.by_origin[item.origin] = (post.kind, post.slug)

    def _flush_posts(self) -> None:
        if not self.posts:
            return
        for item in self.posts:
            for a in item.authors:
                Author.objects.get_or_create(slug=a.slug[:200], defaults={
                    "name": a.name.replace("\0", "")[:200], "email": a.email[:320],
                    "url": a.url[:500], "bio": a.bio.replace("\0", "")})
        try:
            got = import_posts([i.post for i in self.posts])  # a savepoint of its own
        except Exception:  # find the item that failed, and say which
            self._culprit()
            raise
        s = self.summary.posts
        s.created, s.updated, s.unchanged = (s.created + got.created, s.updated + got.updated,
                                             s.unchanged + got.unchanged)
        self.summary.pages += sum(1 for i in self.posts if i.post.kind == Post.PAGE)
        wanted = {(i.post.kind, i.post.slug): i.origin for i in self.posts}
        for kind, slug, pk in Post.objects.filter(
                slug__in=[s for _, s in wanted]).values_list("kind", "slug", "id"):
            if (kind, slug) in wanted:
                self.post_ids[wanted[(kind, slug)]] = pk
        self.posts = []

    def _culprit(self) -> None:
        """Store the chunk's posts one by one (each in its savepoint, all of them undone
        with the import): the first that fails is named."""
        for item in self.posts:
            try:
                import_posts([item.post])
            except Exception as exc:
                raise ItemError(item.post.where, f"could not be stored ({plain(exc)})") from None

    def _flush_comments(self, *, last: bool = False) -> None:
        if not self.comments:
            return
        ready = []
        for c in self.comments:
            if c.post_origin in self.post_ids:
                ready.append(c)
            elif last:
                self.summary.orphan_comments += 1
            else:
                self.waiting.append(c)
        self.comments = []
        created, updated, unchanged = upsert_comments(ready, self.post_ids, self.parents)
        self.summary.comments_created += created
        self.summary.comments_updated += updated
        self.summary.comments_unchanged += unchanged

    def _link_replies(self) -> None:
        link_replies(self.parents)


def _fit(post) -> None:
    """What an export holds, made storable on every database: no NUL characters
    (PostgreSQL refuses them in text), nothing longer than its column."""
    def clean(text: str, limit: int = 0) -> str:
        text = text.replace("\0", "")
        return text[:limit - 1] + "…" if limit and len(text) > limit else text

    post.title, post.body, post.excerpt = clean(post.title, 500), clean(post.body), \
        clean(post.excerpt)
    post.canonical_url = "" if len(post.canonical_url) > 500 else clean(post.canonical_url)
    post.tags = [clean(t, 200) for t in post.tags]
    post.authors = [clean(a, 200) for a in post.authors]
    post.old_urls = [u for u in post.old_urls if len(u) <= 1000]
    post.extra = {k: clean(v) if isinstance(v, str) else v for k, v in post.extra.items()}


def stored_origin(origin: str) -> str:
    """A comment's origin as its column holds it: one longer than 300 characters (an
    export's odd id) keeps its start and a hash of the whole, so it stays unique."""
    if len(origin) <= 300:
        return origin
    import hashlib

    return origin[:235] + "~" + hashlib.sha256(origin.encode()).hexdigest()


def upsert_comments(comments: list[CommentData], post_ids: dict[str, int],
                    parents: list[tuple[str, str]]) -> tuple[int, int, int]:
    """Create or update comments by origin (their posts must be in ``post_ids``);
    (child, parent) origins are added to ``parents`` for :func:`link_replies`.
    Returns (created, updated, unchanged)."""
    for c in comments:
        c.origin, c.parent_origin = stored_origin(c.origin), stored_origin(c.parent_origin)
    existing = {c.origin: c for c in Comment.objects.filter(
        origin__in=[c.origin for c in comments])}
    new = []
    updated = unchanged = 0
    for c in comments:
        values = {"post_id": post_ids[c.post_origin],
                  "author_name": c.author_name.replace("\0", "")[:200],
                  "author_url": c.author_url[:500], "author_email": c.author_email[:320],
                  "body": c.body.replace("\0", ""), "published_at": c.published_at,
                  "status": c.status}
        if c.parent_origin:
            parents.append((c.origin, c.parent_origin))
        old = existing.get(c.origin)
        if old is None:
            new.append(Comment(origin=c.origin, **values))
            continue
        if all(getattr(old, k) == v for k, v in values.items()):
            unchanged += 1
            continue
        for k, v in values.items():
            setattr(old, k, v)
        old.save()
        updated += 1
    Comment.objects.bulk_create(new, batch_size=CHUNK)
    return len(new), updated, unchanged


def link_replies(parents: list[tuple[str, str]]) -> None:
    """Point replies at the comments they answer, once both are stored."""
    for i in range(0, len(parents), CHUNK):
        pairs = parents[i:i + CHUNK]
        origins = {o for pair in pairs for o in pair}
        ids = dict(Comment.objects.filter(origin__in=origins).values_list("origin", "id"))
        for child, parent in pairs:
            if child in ids and parent in ids:
                Comment.objects.filter(pk=ids[child]).exclude(parent_id=ids[parent]).update(
                    parent_id=ids[parent])
