"""The planner's core: what an output is, and the helpers every kind of output plans with.

An output's key is a hash of exactly the values its template reads (and the theme's
fingerprint), so comparing keys with the previous build says what to re-render. The
modules beside this one each plan one kind of output through a :class:`Planner`;
``plan/__init__.py`` calls them in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from masthead.content import addresses
from masthead.sitegen.bodies import BodyStore
from masthead.sitegen.keys import key
from masthead.sitegen.snapshot import PostView, Snapshot
from masthead.sitegen.theme import Theme


class Output(NamedTuple):
    name: str  # unique; the main file it writes
    key: str
    render: Callable[[], dict[str, bytes]]  # path relative to public/ -> bytes


def when(d) -> str:
    """A date as a key holds it ("" for none)."""
    return d.isoformat() if d else ""


class Planner:
    """The outputs planned so far, and what is shared between them: the site's
    signature (in every page's key), the navigation, and caches of what many outputs
    show (a post's card, its feed HTML)."""

    def __init__(self, snap: Snapshot, theme: Theme, store: BodyStore,
                 media: Path | None = None):
        self.snap = snap
        self.media = media
        self.store = store
        self.site = snap.site
        self.theme = theme
        self.nav = tuple((p.title, p.path) for p in snap.pages)
        # Pages appear in every page's navigation.
        self.site_sig = key(dataclasses.astuple(self.site), theme.fingerprint, self.nav)
        self.outputs: list[Output] = []
        self.cards: dict[int, str] = {}
        self.feed_html: dict[int, str] = {}  # filled by plan/feeds.py
        self.book_navs: dict[int, tuple] = {}  # post id -> its books' navigation

    def page(self, path: str, template: str, page_key: object, body_of: int | None = None,
             **context) -> None:
        """Plan a page; ``page_key`` holds the values its template reads besides the site's."""
        name = addresses.file_for(path)
        site, theme, store = self.site, self.theme, self.store

        def render() -> dict[str, bytes]:
            # The body is fetched for this render only: keeping it in the context would
            # keep every body of the site in memory.
            body = {} if body_of is None else {"body_html": store.get(body_of)}
            return {name: theme.render(template, site=site, path=path, asset=self.asset,
                                       nav_pages=self.nav, card=self.card, **body,
                                       **context)}

        self.outputs.append(Output(name, key(self.site_sig, template, page_key), render))

    def file(self, name: str, file_key: object, render: Callable[[], bytes]) -> None:
        """Plan a file that is not a page; its key is the site's signature and ``file_key``."""
        self.outputs.append(Output(name, key(self.site_sig, file_key),
                                   lambda: {name: render()}))

    def card(self, post: PostView) -> Markup:
        """A post as listings show it: rendered once, used on every listing it is on."""
        html = self.cards.get(post.id)
        if html is None:
            html = self.cards[post.id] = Markup(self.theme.render(
                "_card.html", site=self.site, item=post).decode())
        return html

    def asset(self, name: str) -> str:
        return self.site.href(f"/static/{name}") + f"?v={self.theme.static_version(name)}"
