"""The feeds of the site and of each tag, each in Atom, RSS and JSON Feed.

The formats themselves are written by ``sitegen/feeds.py``; this plans them.
"""

from __future__ import annotations

from collections.abc import Sequence

from masthead.sitegen import feeds as formats
from masthead.sitegen.keys import key
from masthead.sitegen.plan.core import Planner
from masthead.sitegen.snapshot import PostView


def feeds(planner: Planner, path: str, title: str, posts: Sequence[PostView]) -> None:
    """The three feeds at ``path`` of its newest posts (``feed_limit`` of them)."""
    site = planner.site
    newest = list(reversed(posts[-site.feed_limit :]))
    feed_key = key(path, title, tuple(p.page_key for p in newest))
    for name, write in (("feed.xml", formats.atom), ("rss.xml", formats.rss),
                        ("feed.json", formats.json_feed)):
        planner.file(path.lstrip("/") + name, feed_key,
                     lambda write=write: write(site, title, path, newest,
                                               _contents(planner, newest)))


def _contents(planner: Planner, posts: Sequence[PostView]) -> dict[int, str]:
    """Each post's feed HTML (body, footer, absolute links), made once per process:
    a post is in the site's three feeds and in three of each of its tags'."""
    cache = planner.feed_html
    missing = [p for p in posts if p.id not in cache]
    if missing:
        bodies = planner.store.many(p.id for p in missing)
        for p in missing:
            cache[p.id] = formats.content_html(p, planner.site, bodies[p.id])
    return {p.id: cache[p.id] for p in posts}
