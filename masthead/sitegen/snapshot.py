"""The build's database gate: every read of the build, and its one write.

The site is read once into plain, immutable values; templates see nothing else.
Rendering from a snapshot (not from live model objects) keeps templates pure and lets
the planner compute each output's key from exactly the values its template reads. The
bodies' renderer reads and stores through the functions at the end of this module
(:func:`store_bodies` is the only write).

The model imports wait inside the functions: the module's values and its query text
(``POSTS_QUERY``) are used without a database (the covering-index test reads the
query's plan straight from SQLite).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from masthead.content import addresses
from masthead.render import markdown
from masthead.sitegen.gone import gone_addresses

RTL_LANGUAGES = {"ar", "arc", "dv", "fa", "ha", "he", "khw", "ks", "ku", "ps", "sd", "ur", "yi"}


@dataclass(frozen=True)
class TagView:
    slug: str
    name: str

    @property
    def path(self) -> str:
        return addresses.tag_path(self.slug)


class CommentView(NamedTuple):
    """A reader's comment as the post page shows it (the body is Markdown, rendered and
    cleaned when the page is)."""

    id: int
    author: str
    url: str  # the commenter's site, http(s) only, or ""
    published: dt.datetime | None
    body: str
    depth: int  # 0 for a comment on the post, 1 for a reply to it...


class PostView(NamedTuple):
    """A published post or page as templates see it (a tuple: 10,000 of them are made
    on every build, and a frozen dataclass costs four times as much to create)."""

    id: int
    kind: str
    slug: str
    title: str
    path: str
    published: dt.datetime | None  # in the site's time zone
    updated: dt.datetime | None
    excerpt: str  # plain text
    render_key: str  # changes when the rendered body does (bodies live in a BodyStore)
    tags: tuple[TagView, ...]
    authors: tuple[str, ...]
    series: str
    canonical_url: str
    old_paths: tuple[str, ...]
    # Keys (see masthead.sitegen.keys), made once here because many outputs use them:
    card_key: str  # what a listing shows of the post
    page_key: str  # everything the post's own page shows of it
    search_key: str  # what the search index holds of it
    comments: tuple[CommentView, ...] = ()  # approved, threads in reading order
    seo_title: str = ""  # the page's <title>, when an import brought one (Yoast, Ghost)
    description: str = ""  # the meta description, when it differs from the excerpt

    @property
    def sort_key(self) -> tuple:
        return (self.published or dt.datetime.min.replace(tzinfo=dt.UTC), self.id)


@dataclass(frozen=True)
class SiteView:
    title: str
    url: str  # absolute, ends with /
    base_path: str  # "/" or "/blog/"
    description: str
    language: str
    direction: str  # "ltr" or "rtl"
    timezone: str
    author: str
    footer_html: str
    support_links: tuple[tuple[str, str], ...]
    posts_per_page: int
    feed_limit: int
    citation_style: str
    newsletter: bool = False  # a mail server is set up: pages carry the sign-up form
    comments: bool = False  # readers' comments are shown under posts

    def href(self, path: str) -> str:
        return addresses.href(self.base_path, path)

    @cached_property  # every absolute link asks for it
    def origin(self) -> str:
        return addresses.origin_of(self.url)

    def absolute(self, path: str) -> str:
        return self.origin + self.href(path)


@dataclass(frozen=True)
class Snapshot:
    site: SiteView
    posts: tuple[PostView, ...]  # published posts, oldest first
    pages: tuple[PostView, ...]
    tags: dict[str, TagView] = field(default_factory=dict)
    gone: tuple[tuple[str, str], ...] = ()  # trashed posts' addresses: (410, or 301 to)
    books: tuple = ()  # masthead.sitegen.books.BookView, by slug


def _aware(value) -> dt.datetime | None:
    """A stored time as an aware datetime (SQLite gives text, PostgreSQL datetimes)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def site_view(site) -> SiteView:
    base = urlsplit(site.url).path or "/"
    if not base.endswith("/"):
        base += "/"
    lang = (site.language or "en").split("-")[0].lower()
    return SiteView(
        title=site.title,
        url=site.url if site.url.endswith("/") else site.url + "/",
        base_path=base,
        description=site.description,
        language=site.language or "en",
        direction="rtl" if lang in RTL_LANGUAGES else "ltr",
        timezone=site.timezone,
        author=site.author,
        footer_html=markdown.render_fragment(site.footer) if site.footer.strip() else "",
        support_links=tuple((x["label"], x["url"]) for x in site.support_links or ()),
        posts_per_page=site.posts_per_page,
        feed_limit=site.feed_limit,
        citation_style=site.citation_style,
        comments=bool(getattr(site, "comments", False)),
    )


# What the snapshot reads of every published post. On SQLite a covering index holds
# exactly these (content migration 0006): the rows themselves, bodies and all, are never
# read. A column added here must be added to that index too (a test checks).
POST_COLUMNS = ("id", "kind", "slug", "title", "excerpt", "published_at", "updated_at",
                "auto_excerpt", "render_key", "series", "canonical_url", "extra")
# A published post whose body never rendered (a citation of a key no source has, see
# masthead.sitegen.bodies) has no render_key: it stays off the site until it renders.
POSTS_QUERY = (f"SELECT {', '.join(POST_COLUMNS)} FROM content_post WHERE status = %s "
               "AND render_key != '' ORDER BY published_at, id")


def current_site() -> SiteView:
    """The site's settings as pages show them, read now: for jobs and views that make
    one page or message outside a build (a build reads them once, in :func:`load`)."""
    from masthead.content.models import get_site


    return site_view(get_site())


def load(now: dt.datetime | None = None) -> Snapshot:
    """Everything published, from the database (bodies must already be rendered: a post
    whose body never rendered is left out)."""
    from dataclasses import replace

    from django.db import connection
    from django.utils import timezone as djtz

    from masthead.content.models import Author, OldURL, Post, PostAuthor, PostTag, Site, Tag
    from masthead.mail import server as mail_server
    from masthead.sitegen.postviews import Maker, is_future_post

    site = Site.objects.get()
    view = replace(site_view(site),
                   newsletter=mail_server.configured())
    tz = zoneinfo.ZoneInfo(site.timezone)
    now = now or djtz.now()
    # Raw SQL: the ORM's per-value conversions cost more than the query at 10,000 posts.
    with connection.cursor() as cursor:
        cursor.execute(POSTS_QUERY, [Post.PUBLISHED])
        rows = cursor.fetchall()
    tags_of: dict[int, list[tuple[str, str]]] = {}
    authors_of: dict[int, list[str]] = {}
    old_of: dict[int, list[str]] = {}
    status = [Post.PUBLISHED]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pt.post_id, t.slug, t.name FROM {PostTag._meta.db_table} pt "
            f"JOIN {Tag._meta.db_table} t ON t.id = pt.tag_id "
            f"JOIN {Post._meta.db_table} p ON p.id = pt.post_id WHERE p.status = %s "
            "ORDER BY pt.post_id, pt.position", status)
        for post_id, slug, name in cursor.fetchall():
            tags_of.setdefault(post_id, []).append((slug, name))
        cursor.execute(
            f"SELECT pa.post_id, a.name FROM {PostAuthor._meta.db_table} pa "
            f"JOIN {Author._meta.db_table} a ON a.id = pa.author_id "
            f"JOIN {Post._meta.db_table} p ON p.id = pa.post_id WHERE p.status = %s "
            "ORDER BY pa.post_id, pa.position", status)
        for post_id, name in cursor.fetchall():
            authors_of.setdefault(post_id, []).append(name)
        cursor.execute(
            f"SELECT o.post_id, o.path FROM {OldURL._meta.db_table} o "
            f"JOIN {Post._meta.db_table} p ON p.id = o.post_id WHERE p.status = %s "
            "ORDER BY o.path", status)
        for post_id, path in cursor.fetchall():
            old_of.setdefault(post_id, []).append(path)

    comments_of = _comments(tz) if view.comments else {}
    posts, pages = [], []
    local_now = now.astimezone(tz)
    maker = Maker(site, POST_COLUMNS)  # views of unchanged rows come from the last load
    for row in rows:
        pid = row[0]
        pv = maker.view(row, tuple(tags_of.get(pid, ())), tuple(authors_of.get(pid, ())),
                        tuple(old_of.get(pid, ())), comments_of.get(pid, ()))
        if is_future_post(pv, local_now):
            continue  # published with a future date: it appears when its time comes
        (posts if pv.kind == Post.POST else pages).append(pv)
    maker.keep()
    used_tags = {t.slug: t for p in posts for t in p.tags}
    from masthead.sitegen.books import load_books

    return Snapshot(site=view, posts=tuple(posts), pages=tuple(pages),
                    tags=dict(sorted(used_tags.items())),
                    gone=gone_addresses({p.id: p.path for p in (*posts, *pages)}),
                    books=load_books({p.id: p for p in (*posts, *pages)}))


def _comments(tz: zoneinfo.ZoneInfo) -> dict[int, tuple[CommentView, ...]]:
    """Approved comments of published posts, each thread in date order with its replies
    under it."""
    from masthead.content.models import Comment, Post

    rows = list(Comment.objects.filter(status=Comment.APPROVED, post__status=Post.PUBLISHED)
                .order_by("published_at", "id")
                .values_list("id", "post_id", "parent_id", "author_name", "author_url",
                             "published_at", "body"))
    children: dict[int | None, list] = {}
    by_post: dict[int, list] = {}
    ids = {r[0] for r in rows}
    for r in rows:
        parent = r[2] if r[2] in ids else None
        if parent is None:
            by_post.setdefault(r[1], []).append(r)
        else:
            children.setdefault(parent, []).append(r)
    out: dict[int, tuple[CommentView, ...]] = {}
    for post_id, top in by_post.items():
        flat: list[CommentView] = []
        stack = [(r, 0) for r in reversed(top)]
        while stack:
            r, depth = stack.pop()
            url = r[4] if r[4].startswith(("https://", "http://")) else ""
            when = _aware(r[5]).astimezone(tz) if r[5] else None
            flat.append(CommentView(r[0], r[3] or "Anonymous", url, when, r[6], depth))
            stack.extend((c, depth + 1) for c in reversed(children.get(r[0], [])))
        out[post_id] = tuple(flat)
    return out


# -- the bodies' reads and the build's one write ------------------------------------------


def site_row():
    from masthead.content.models import Site
    return Site.objects.get()


def sources() -> dict[str, dict]:
    """Every source's CSL-JSON, by key."""
    from masthead.content.models import Source
    return dict(Source.objects.values_list("key", "csl"))


def bodies_to_check(saved_since: dt.datetime | None
                    ) -> list[tuple[int, str, list, str, bool]]:
    """(id, body hash, cited keys, render key, failed last time) of the published bodies
    that may be stale: those saved since a time (all if None), and all that failed last
    time (their key is the last good one, which a restored source would make current)."""
    from masthead.content.models import Post

    published = Post.objects.filter(status=Post.PUBLISHED)
    saved = published.filter(modified_at__gte=saved_since) if saved_since else published
    failed = published.exclude(render_problem="")
    columns = ("id", "body_hash", "cited_keys", "render_key", "render_problem")
    seen: dict[int, tuple[int, str, list, str, bool]] = {}
    for rows in (saved, failed):
        for pid, body_hash, cited, good, problem in rows.values_list(*columns):
            seen.setdefault(pid, (pid, body_hash, cited, good, bool(problem)))
    return list(seen.values())


def bodies_to_render(ids: list[int]) -> list[tuple[int, str, str, str]]:
    """(id, slug, kind, Markdown) of these posts."""
    from masthead.content.models import Post

    return list(Post.objects.filter(id__in=ids).values_list("id", "slug", "kind", "body"))


def markdown_of(ids: list[int], window: int = 500) -> Iterator[str]:
    """The Markdown of these posts, a window at a time."""
    from masthead.content.models import Post

    for start in range(0, len(ids), window):
        yield from Post.objects.filter(id__in=ids[start : start + window]).values_list(
            "body", flat=True)


def rendered_bodies(ids: Iterable[int]) -> dict[int, str]:
    from masthead.content.models import Post
    return dict(Post.objects.filter(id__in=list(ids)).values_list("id", "body_html"))


def search_terms(ids: Iterable[int], window: int = 2000) -> dict[int, str]:
    from masthead.content.models import Post

    ids = list(ids)
    out: dict[int, str] = {}
    for start in range(0, len(ids), window):
        out.update(Post.objects.filter(id__in=ids[start : start + window]).values_list(
            "id", "search_terms"))
    return out


def render_problems() -> list[tuple[str, str, str, str]]:
    """(kind, slug, last good render key, problem) of the posts a build could not render."""
    from masthead.content.models import Post

    return list(Post.objects.filter(status=Post.PUBLISHED).exclude(render_problem="")
                .order_by("kind", "slug").values_list("kind", "slug", "render_key",
                                                      "render_problem"))


def store_bodies(rendered: list[tuple[str, str, str, str, int]],
                 problems: list[tuple[str, int]]) -> None:
    """The build's one write: rendered bodies (render key, HTML, excerpt, search terms, id)
    and the problems of those that failed (problem, id; their last good body stays).
    Plain UPDATEs: Django's bulk_update builds CASE expressions, slow for big text."""
    from django.db import connection, transaction

    from masthead.content.models import Post

    table = Post._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET render_key = %s, body_html = %s, auto_excerpt = %s, "
            "search_terms = %s, render_problem = '' WHERE id = %s", rendered)
        if problems:
            cursor.executemany(f"UPDATE {table} SET render_problem = %s WHERE id = %s",
                               problems)
