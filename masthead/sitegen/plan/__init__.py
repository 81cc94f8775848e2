"""The plan: every output of the site with the key of everything it depends on.

An output's key is a hash of exactly the values its template reads (and the theme's
fingerprint), so comparing keys with the previous build says what to re-render.
Nothing here touches the file system (but for listing media/); rendering is a pure
function of the snapshot. A module a kind of output: ``pages`` (posts, pages, static
and media files), ``listings`` (home, tags, archives), ``feeds``, ``books`` (the web book), ``addresses``
(404, sitemap, robots, redirects); ``core`` holds what they share.
"""

from __future__ import annotations

from pathlib import Path

from masthead.sitegen import book_versions, favicon
from masthead.sitegen.bodies import BodyStore
from masthead.sitegen.books import chapter_navs
from masthead.sitegen.plan import addresses, books, feeds, listings, pages
from masthead.sitegen.plan.core import Output, Planner
from masthead.sitegen.snapshot import Snapshot
from masthead.sitegen.theme import Theme

__all__ = ["Output", "plan"]


def plan(snap: Snapshot, theme: Theme, store: BodyStore,
         media: Path | None = None, book_files: Path | None = None) -> list[Output]:
    """Every output of the site. Two that want one address (a page and a post both at
    /hello/ under the permalink /{slug}/) cannot both be built: the first planned keeps
    it (posts, then pages, then the site's own pages), the build says so and goes on, so
    that one clash does not hold back every other change. The order below is that
    precedence; redirects come last, giving way to everything else."""
    planner = Planner(snap, theme, store, media)
    planner.book_navs = chapter_navs(snap.books)  # on the pages of posts in books
    site, posts = snap.site, snap.posts
    pages.posts(planner)
    pages.pages(planner)
    listings.listing(planner, "/", site.title, posts, is_home=True)
    by_tag = listings.tagged(posts)
    for tag in snap.tags.values():
        listings.listing(planner, tag.path, f"Posts tagged “{tag.name}”", by_tag[tag.slug],
                         tag=tag)
        feeds.feeds(planner, tag.path, f"{site.title}: {tag.name}", by_tag[tag.slug])
    listings.tag_index(planner, by_tag)
    listings.archives(planner, posts)
    feeds.feeds(planner, "/", site.title, posts)
    books.books(planner, book_files)  # book_files: the site folder's books/
    pages.search(planner)
    book_versions.pages(planner)
    addresses.not_found(planner)
    addresses.sitemap(planner)
    addresses.robots(planner)
    pages.static_files(planner)
    favicon.favicons(planner)
    pages.media_files(planner)
    addresses.redirects(planner)
    return addresses.first_of_each_address(planner.outputs)
