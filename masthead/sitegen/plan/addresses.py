"""Addresses: the 404 and 410 pages, the sitemap and robots.txt, old addresses that
redirect (a page at each, and ``_redirects`` and ``_redirects.map`` for the web server),
the addresses of trashed posts (410 Gone: a line in ``_redirects``, and ``_gone.map``
for nginx), and the rule for two outputs that want one address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from xml.sax.saxutils import escape

from masthead.content import addresses
from masthead.sitegen.keys import key
from masthead.sitegen.plan.core import Output, Planner, when

log = logging.getLogger("masthead.sitegen")
GONE_PAGE = "/410.html"


def not_found(planner: Planner) -> None:
    """/404.html, which shows the five newest posts."""
    posts = planner.snap.posts
    planner.page("/404.html", "404.html", tuple(p.card_key for p in posts[-5:]),
                 recent=list(reversed(posts[-5:])))
    # What a trashed post's address answers (with the status 410 Gone).
    planner.page(GONE_PAGE, "gone.html", "gone")


def sitemap(planner: Planner) -> None:
    snap = planner.snap
    planner.file("sitemap.xml", (tuple((p.path, when(p.updated), when(p.published))
                                       for p in (*snap.posts, *snap.pages)), tuple(snap.tags)),
                 lambda: _sitemap_xml(planner))


def _sitemap_xml(planner: Planner) -> bytes:
    site, snap = planner.site, planner.snap
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']

    def url(path: str, at=None) -> None:
        lines.append(f"<url><loc>{escape(site.absolute(path))}</loc>"
                     + (f"<lastmod>{at.isoformat()}</lastmod>" if at else "") + "</url>")

    newest = snap.posts[-1].published if snap.posts else None
    url("/", newest)
    for p in (*snap.posts, *snap.pages):
        url(p.path, p.updated or p.published)
    for tag in snap.tags.values():
        url(tag.path)
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def robots(planner: Planner) -> None:
    site = planner.site
    planner.file("robots.txt", "robots", lambda: (
        f"User-agent: *\nAllow: /\n\nSitemap: {site.absolute('/sitemap.xml')}\n"
    ).encode())


def redirects(planner: Planner) -> None:
    """Old addresses (imports, aliases) keep working: a page there, and _redirects. A
    trashed post's address redirects to its replacement, or answers 410 Gone.

    Planned last: a redirect gives way to everything else. An old address that the
    site itself uses (its feed, an archive, another page) is not redirected: the site's
    own output keeps it, the build says so and goes on. Such an address can be in the
    database from an older import. A gone address that a live post took since gives way
    to it in silence."""
    site, theme, snap = planner.site, planner.theme, planner.snap
    taken: _Taken | None = None
    rules = []
    moved = [(old, p.path, p.title, True) for p in (*snap.posts, *snap.pages)
             for old in p.old_paths if old != p.path]
    titles = {p.path: p.title for p in (*snap.posts, *snap.pages)} if snap.gone else {}
    moved += [(old, new, titles.get(new, ""), False) for old, new in snap.gone if new]
    for old, target, title, warn in moved:
        if taken is None:  # most sites have no old URLs
            taken = _Taken(o.name for o in planner.outputs)
        name = addresses.file_for(old)
        why = addresses.redirect_problem(old) or taken.conflict(name)
        if why:
            if warn:
                log.warning(f"warning: the old URL {old} of '{title}' does not redirect: "
                            f"it is {why}")
            continue
        taken.add(name)
        rules.append((old, target))
        planner.outputs.append(Output(
            name, key(planner.site_sig, "redirect", old, target, title),
            lambda name=name, target=target, title=title: {name: theme.render(
                "redirect.html", site=site, target=target, title=title)}))
    gone = _gone(planner, taken, [old for old, new in snap.gone if not new])
    body = "".join(f"{old} {site.href(new)} 301\n" for old, new in sorted(rules))
    body += "".join(f"{old} {site.href(GONE_PAGE)} 410\n" for old in gone)
    planner.file("_redirects", key("redirects", body), lambda: body.encode())
    # The same for nginx: map $uri $masthead_redirect { include .../_redirects.map; }
    nginx = "".join(f"{_nginx_quote(old)} {_nginx_quote(site.href(new))};\n"
                    for old, new in sorted(rules))
    planner.file("_redirects.map", key("redirects.map", nginx), lambda: nginx.encode())
    # map $uri $masthead_gone { include .../_gone.map; } ... return 410 (docs/build.md)
    gone_map = "".join(f"{_nginx_quote(old)} 1;\n" for old in gone)
    planner.file("_gone.map", key("gone.map", gone_map), lambda: gone_map.encode())


def _gone(planner: Planner, taken: _Taken | None, paths: list[str]) -> list[str]:
    """The trashed posts' addresses that answer 410: those no output of the site stands
    at (a post published since at the same address keeps it), as the server sees a
    request's path: under the base path, not percent-encoded."""
    if not paths:
        return []
    taken = taken or _Taken(o.name for o in planner.outputs)
    base = planner.site.base_path.rstrip("/")
    return sorted(base + p for p in paths
                  if not addresses.redirect_problem(p) and not taken.conflict(
                      addresses.file_for(p)))


def first_of_each_address(outputs: Iterable[Output]) -> list[Output]:
    """The outputs with one for each address: the first planned keeps it, the build
    says so and goes on, so that one clash does not hold back every other change."""
    seen: dict[str, Output] = {}
    kept = []
    for o in outputs:
        if o.name in seen:
            address = "/" + o.name.removesuffix("index.html")
            log.warning(f"warning: two things want the address {address}; only the first is "
                        "built: give a page or post another slug, or change the permalink")
            continue
        seen[o.name] = o
        kept.append(o)
    return kept


class _Taken:
    """The files a plan writes, and the folders they make: a file cannot stand where
    a folder is (``tags`` beside ``tags/index.html``), nor a folder where a file is."""

    def __init__(self, names: Iterable[str]) -> None:
        self.files: set[str] = set()
        self.folders: set[str] = set()
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self.files.add(name)
        parts = name.split("/")
        for i in range(1, len(parts)):
            self.folders.add("/".join(parts[:i]))

    def conflict(self, name: str) -> str:
        """What already stands at ``name`` ("" if nothing)."""
        if name in self.files or name in self.folders:
            return "the address of another page of the site"
        parts = name.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in self.files:
                return "the address of another page of the site"
        return ""


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
