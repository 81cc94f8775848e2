"""What `masthead serve` answers with: the static site, the studio at /studio/ and the
newsletter's sign-up, confirm and unsubscribe pages at /newsletter/.

Readers get files from public/ through :class:`StaticSite`'s one-lookup hot path. The
studio is Django, loaded by each server worker on the first request for /studio/, so a
server that only serves readers never carries it.
"""

from __future__ import annotations

from pathlib import Path

from masthead.web.static import StaticSite

STUDIO = "/studio"
DYNAMIC = ("/studio/", "/newsletter/")  # answered by Django; everything else is a file


class SiteApplication:
    def __init__(self, public: Path, base_path: str, site_root: Path | None):
        self.static = StaticSite(public, base_path)
        self.site_root = site_root
        self._studio = None

    def _load_studio(self):
        # Django is loaded on the first dynamic request: a server answering only static
        # files stays lean (see web/server.py).
        from django.core.handlers.asgi import ASGIHandler

        from masthead.site import open_site

        open_site(self.site_root, migrate=False)  # the CLI migrated before serving
        return ASGIHandler()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self.site_root is not None:
            path = scope["path"]
            if path == STUDIO or path.startswith(DYNAMIC):
                if self._studio is None:
                    self._studio = self._load_studio()
                await self._studio(scope, receive, send)
                return
        await self.static(scope, receive, send)
