"""The plan: every output of the site with the key of everything it depends on.

An output's key is a hash of exactly the values its template reads (and the theme's
fingerprint), so comparing keys with the previous build says what to re-render.
Nothing here touches the file system; rendering is a pure function of the snapshot.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from masthead.content import addresses
from masthead.sitegen import feeds
from masthead.sitegen.bodies import BodyStore
from masthead.sitegen.keys import key as _key
from masthead.sitegen.snapshot import PostView, Snapshot
from masthead.sitegen.theme import Theme


class Output(NamedTuple):
    name: str  # unique; the main file it writes
    key: str
    render: Callable[[], dict[str, bytes]]  # path relative to public/ -> bytes


def _when(d) -> str:
    return d.isoformat() if d else ""


class Planner:
    def __init__(self, snap: Snapshot, theme: Theme, store: BodyStore,
                 media: Path | None = None):
        self.snap = snap
        self.media = media
        self.store = store
        self.site = snap.site
        self.theme = theme
        self.nav = tuple((p.title, p.path) for p in snap.pages)
        # Pages appear in every page's navigation.
        self.site_sig = _key(dataclasses.astuple(self.site), theme.fingerprint, self.nav)
        self.outputs: list[Output] = []
        self.cards: dict[int, str] = {}
        self.feed_html: dict[int, str] = {}

    # -- helpers -----------------------------------------------------------------------

    def page(self, path: str, template: str, key: object, body_of: int | None = None,
             **context) -> None:
        """Plan a page; ``key`` holds the values its template reads besides the site's."""
        name = addresses.file_for(path)
        site, theme, store = self.site, self.theme, self.store

        def render() -> dict[str, bytes]:
            # The body is fetched for this render only: keeping it in the context would
            # keep every body of the site in memory.
            body = {} if body_of is None else {"body_html": store.get(body_of)}
            return {name: theme.render(template, site=site, path=path, asset=self.asset,
                                       nav_pages=self.nav, card=self.card, **body,
                                       **context)}

        self.outputs.append(Output(name, _key(self.site_sig, template, key), render))

    def file(self, name: str, key: object, render: Callable[[], bytes]) -> None:
        self.outputs.append(Output(name, _key(self.site_sig, key), lambda: {name: render()}))

    def card(self, post: PostView):
        """A post as listings show it: rendered once, used on every listing it is on."""
        html = self.cards.get(post.id)
        if html is None:
            from markupsafe import Markup

            html = self.cards[post.id] = Markup(self.theme.render(
                "_card.html", site=self.site, item=post).decode())
        return html

    def asset(self, name: str) -> str:
        return self.site.href(f"/static/{name}") + f"?v={self.theme.static_version(name)}"

    # -- the site ----------------------------------------------------------------------

    def plan(self) -> list[Output]:
        snap = self.snap
        posts = snap.posts
        series: dict[str, list[PostView]] = defaultdict(list)
        for p in posts:
            if p.series:
                series[p.series].append(p)
        for i, post in enumerate(posts):
            older = posts[i - 1] if i > 0 else None
            newer = posts[i + 1] if i + 1 < len(posts) else None
            parts = tuple(series.get(post.series, ())) if post.series else ()
            self.page(post.path, "post.html",
                      (post.page_key, older and older.card_key, newer and newer.card_key,
                       tuple(p.card_key for p in parts)),
                      body_of=post.id, post=post, older=older, newer=newer, series_parts=parts)
        for page in snap.pages:
            self.page(page.path, "page.html", page.page_key, body_of=page.id, post=page)
        self.listing("/", self.site.title, posts, is_home=True)
        tagged: dict[str, list[PostView]] = defaultdict(list)
        for p in posts:
            for t in p.tags:
                tagged[t.slug].append(p)
        for tag in snap.tags.values():
            self.listing(tag.path, f"Posts tagged “{tag.name}”", tagged[tag.slug], tag=tag)
            self.feeds(tag.path, f"{self.site.title}: {tag.name}", tagged[tag.slug])
        counts = [(t, len(tagged[t.slug])) for t in snap.tags.values()]
        self.page("/tags/", "tags.html", tuple((t.slug, t.name, n) for t, n in counts),
                  tags=counts)
        self.archives(posts)
        self.feeds("/", self.site.title, posts)
        self.page("/search/", "search.html", "search")
        self.page("/404.html", "404.html", tuple(p.card_key for p in posts[-5:]),
                  recent=list(reversed(posts[-5:])))
        self.file("sitemap.xml", (tuple((p.path, _when(p.updated), _when(p.published))
                                        for p in (*posts, *snap.pages)), tuple(snap.tags)),
                  self.sitemap)
        self.file("robots.txt", "robots", lambda: (
            f"User-agent: *\nAllow: /\n\nSitemap: {self.site.absolute('/sitemap.xml')}\n"
        ).encode())
        self.redirects()
        for name, src in sorted(self.theme.static_files.items()):
            data_key = self.theme.static_version(name)
            self.outputs.append(Output(f"static/{name}", data_key,
                                       lambda name=name, src=src: {f"static/{name}": src.read_bytes()}))
        self.media_files()
        return self.outputs

    def media_files(self) -> None:
        """The site's media/ (uploaded images) as public/media/, keyed by size and time:
        a large library is not read on every build."""
        if self.media is None or not self.media.is_dir():
            return
        for path in sorted(self.media.rglob("*")):
            if path.name.startswith(".") or not path.is_file():
                continue
            rel = path.relative_to(self.media).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            st = path.stat()
            name = f"media/{rel}"
            self.outputs.append(Output(name, _key("media", st.st_size, st.st_mtime_ns),
                                       lambda name=name, path=path: {name: path.read_bytes()}))

    def listing(self, base: str, title: str, posts: Sequence[PostView], *,
                is_home: bool = False, tag=None) -> None:
        """Newest posts at base; then /page/K/ numbered from the oldest post.

        Numbering from the oldest keeps every full page stable when a post is added:
        a new post changes the newest page and the first page only, not all of them.
        """
        n = self.site.posts_per_page
        pages = max(1, math.ceil(len(posts) / n))
        newest = list(reversed(posts[-n:]))
        older_page = (len(posts) - n - 1) // n + 1 if len(posts) > n else None
        self.page(base, "list.html",
                  (tuple(p.card_key for p in newest), older_page, title),
                  title=title, posts=newest, tag=tag, is_home=is_home, number=None,
                  newer_href=None,
                  older_href=addresses.listing_page_path(base, older_page) if older_page else None)
        if len(posts) <= n:
            return
        for k in range(1, pages + 1):
            chunk = list(reversed(posts[(k - 1) * n : k * n]))
            newer = addresses.listing_page_path(base, k + 1) if k < pages else base
            older = addresses.listing_page_path(base, k - 1) if k > 1 else None
            self.page(addresses.listing_page_path(base, k), "list.html",
                      (tuple(p.card_key for p in chunk), k, pages == k, title),
                      title=title, posts=chunk, tag=tag, is_home=False, number=k,
                      newer_href=newer, older_href=older)

    def archives(self, posts: Sequence[PostView]) -> None:
        years: dict[int, dict[int, list[PostView]]] = defaultdict(lambda: defaultdict(list))
        for p in posts:
            years[p.published.year][p.published.month].append(p)
        summary = []
        for year in sorted(years, reverse=True):
            months = years[year]
            for month, items in months.items():
                newest = list(reversed(items))
                self.page(f"/{year:04d}/{month:02d}/", "archive_month.html",
                          tuple(p.card_key for p in newest),
                          year=year, month=month, posts=newest)
            by_month = [(m, list(reversed(months[m]))) for m in sorted(months, reverse=True)]
            self.page(f"/{year:04d}/", "archive_year.html",
                      tuple((m, tuple(p.card_key for p in items)) for m, items in by_month),
                      year=year, months=by_month)
            summary.append((year, [(m, len(months[m])) for m in sorted(months)]))
        self.page("/archive/", "archive.html", summary, years=summary)

    def feeds(self, path: str, title: str, posts: Sequence[PostView]) -> None:
        newest = list(reversed(posts[-self.site.feed_limit :]))
        key = _key(path, title, tuple(p.page_key for p in newest))
        site = self.site
        for name, write in (("feed.xml", feeds.atom), ("rss.xml", feeds.rss),
                            ("feed.json", feeds.json_feed)):
            self.file(path.lstrip("/") + name, key,
                      lambda write=write: write(site, title, path, newest,
                                                self.feed_contents(newest)))

    def feed_contents(self, posts: Sequence[PostView]) -> dict[int, str]:
        """Each post's feed HTML (body, footer, absolute links), made once per process:
        a post is in the site's three feeds and in three of each of its tags'."""
        cache = self.feed_html
        missing = [p for p in posts if p.id not in cache]
        if missing:
            bodies = self.store.many(p.id for p in missing)
            for p in missing:
                cache[p.id] = feeds.content_html(p, self.site, bodies[p.id])
        return {p.id: cache[p.id] for p in posts}

    def sitemap(self) -> bytes:
        site = self.site
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']

        def url(path: str, when=None) -> None:
            from xml.sax.saxutils import escape

            lines.append(f"<url><loc>{escape(site.absolute(path))}</loc>"
                         + (f"<lastmod>{when.isoformat()}</lastmod>" if when else "") + "</url>")

        newest = self.snap.posts[-1].published if self.snap.posts else None
        url("/", newest)
        for p in (*self.snap.posts, *self.snap.pages):
            url(p.path, p.updated or p.published)
        for tag in self.snap.tags.values():
            url(tag.path)
        lines.append("</urlset>\n")
        return "\n".join(lines).encode()

    def redirects(self) -> None:
        """Old addresses (imports, aliases) keep working: a page there, and _redirects."""
        rules = []
        for p in (*self.snap.posts, *self.snap.pages):
            for old in p.old_paths:
                if old == p.path:
                    continue
                rules.append((old, p.path))
                name = old.lstrip("/")
                if not name or name.endswith("/"):
                    name += "index.html"
                target = p.path
                self.outputs.append(Output(
                    name, _key(self.site_sig, "redirect", old, target, p.title),
                    lambda name=name, target=target, title=p.title: {name: self.theme.render(
                        "redirect.html", site=self.site, target=target, title=title)}))
        body = "".join(f"{old} {self.site.href(new)} 301\n" for old, new in sorted(rules))
        self.file("_redirects", _key("redirects", body), lambda: body.encode())
        # The same for nginx: map $uri $masthead_redirect { include .../_redirects.map; }
        nginx = "".join(f"{_nginx_quote(old)} {_nginx_quote(self.site.href(new))};\n"
                        for old, new in sorted(rules))
        self.file("_redirects.map", _key("redirects.map", nginx), lambda: nginx.encode())


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan(snap: Snapshot, theme: Theme, store: BodyStore,
         media: Path | None = None) -> list[Output]:
    outputs = Planner(snap, theme, store, media).plan()
    seen: dict[str, Output] = {}
    for o in outputs:
        if o.name in seen:
            from masthead.errors import BuildError

            raise BuildError(f"two things want the same address /{o.name}: "
                             "check permalinks, page slugs and old URLs")
        seen[o.name] = o
    return outputs
