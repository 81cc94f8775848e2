"""What `masthead serve` answers with: the static site, the studio at /studio/ and the
newsletter's sign-up, confirm and unsubscribe pages at /newsletter/.

Readers get files from public/ through :class:`StaticSite`'s one-lookup hot path. The
studio is Django, loaded by each server worker on the first request for /studio/, so a
server that only serves readers never carries it.

Views of pages are counted here, on the way out (a 200 answer to a GET, HTML), by
:class:`masthead.stats.counter.ViewCounter`: a number added to in memory, written by a
thread of the worker every few seconds and when the server stops (the ASGI lifespan).
MASTHEAD_COUNT_VIEWS=0 in the environment turns counting off (the benchmark compares).
"""

from __future__ import annotations

import os
from pathlib import Path

from masthead.web.request_path import request_path
from masthead.web.static import StaticSite

STUDIO = "/studio"
# Answered by Django; everything else is a file.
DYNAMIC = ("/studio/", "/newsletter/", "/members/", "/membership/")
ENV_COUNT = "MASTHEAD_COUNT_VIEWS"
ENV_EVERY = "MASTHEAD_VIEWS_EVERY"  # seconds between writes (5; tests lengthen it)
_HTML = b"text/html"
_UNSEEN = object()
MAX_KEPT_ADDRESS = 1024  # bytes: longer addresses are worked out each time
MAX_KEPT_ADDRESSES = 4096


class SiteApplication:
    def __init__(self, public: Path, base_path: str, site_root: Path | None):
        self.static = StaticSite(public, base_path)
        self.site_root = site_root
        self._studio = None
        self.views = self._counter() if site_root is not None else None
        self._pages: dict[bytes, str | None] = {}  # address asked for -> page it counts for

    def _counter(self):
        if os.environ.get(ENV_COUNT, "1").strip().lower() in ("0", "no", "off", "false"):
            return None
        from masthead.config import load_config
        from masthead.stats.counter import ViewCounter
        from masthead.stats.store import CountStore

        return ViewCounter(CountStore(load_config(self.site_root).database),
                           base=self.static.base, every=float(os.environ.get(ENV_EVERY, 5)))

    def _load_studio(self):
        # Django is loaded on the first dynamic request: a server answering only static
        # files stays lean (see web/server.py).
        from django.core.handlers.asgi import ASGIHandler

        from masthead.site import open_site

        open_site(self.site_root, migrate=False)  # the CLI migrated before serving
        return ASGIHandler()

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            path = scope["path"]
            if self.site_root is not None and (path == STUDIO or path.startswith(DYNAMIC)):
                if self._studio is None:
                    self._studio = self._load_studio()
                await self._studio(scope, receive, send)
                return
            if self.views is not None and scope["method"] == "GET":
                await self.static(scope, receive, self._counting(scope, send))
                return
        elif kind == "lifespan" and self.views is not None:
            await self.static(scope, self._lifespan(receive), send)
            return
        await self.static(scope, receive, send)

    def _counting(self, scope, send):
        """``send``, noting a page answered 200 (its content type says HTML)."""
        views, pages = self.views, self._pages

        async def sending(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                for name, value in message["headers"]:
                    if name == b"content-type":
                        if value.startswith(_HTML):
                            raw = scope.get("raw_path") or scope["path"].encode()
                            page = pages.get(raw, _UNSEEN)
                            if page is _UNSEEN:
                                page = self._page_of(raw)
                            if page is not None:
                                views.seen_page(page, scope["headers"])
                        break
            await send(message)

        return sending

    def _page_of(self, raw: bytes) -> str | None:
        """The page an address counts for, kept for the next request of it (a few
        thousand addresses at most: a site's pages, asked for again and again)."""
        path = request_path(raw.split(b"?")[0])
        page = self.views.page_for(path) if path is not None else None
        if len(raw) <= MAX_KEPT_ADDRESS:
            if len(self._pages) >= MAX_KEPT_ADDRESSES:
                self._pages.clear()
            self._pages[raw] = page
        return page

    def _lifespan(self, receive):
        """``receive`` for the lifespan: the counter's thread starts with the worker,
        and what it holds is written before the worker says it has shut down."""
        import asyncio

        views = self.views

        async def receiving():
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(views.start)  # reads the site first
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(views.stop)
            return message

        return receiving
