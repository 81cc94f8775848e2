"""Serve public/ the way a good static host does (an ASGI application).

ETag and Last-Modified with 304s, Brotli/gzip compression for text (compressed once,
kept in memory), the site's 404 page, /dir -> /dir/ redirects, and the 301s listed in
public/_redirects (old URLs of imported posts). Dotfiles are never served.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import mimetypes
import os
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote

import brotli

COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml",
                "application/rss+xml", "application/feed+json", "application/javascript",
                "image/svg+xml")
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif",
}
SPECIAL_TYPES = {"feed.xml": "application/atom+xml", "rss.xml": "application/rss+xml",
                 "feed.json": "application/feed+json"}
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


def content_type(path: Path) -> str:
    if path.name in SPECIAL_TYPES:
        return SPECIAL_TYPES[path.name]
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or \
        "application/octet-stream"


class _Entry:
    __slots__ = ("body", "encoded", "etag", "key", "last_modified", "type")

    def __init__(self, key: tuple, body: bytes, ctype: str, mtime: float):
        self.key = key
        self.body = body
        self.type = ctype
        self.etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        self.last_modified = email.utils.formatdate(mtime, usegmt=True)
        self.encoded: dict[str, bytes] = {}


class StaticSite:
    """ASGI app serving one site's public/ folder."""

    def __init__(self, public: Path, base_path: str = "/", cache_bytes: int = 64 << 20):
        self.public = public.resolve()
        self.base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.cache: OrderedDict[str, _Entry] = OrderedDict()
        self.cache_bytes = cache_bytes
        self.cached = 0
        self.redirects: dict[str, str] = {}
        self.redirects_key: tuple = ()
        self.redirects_checked = -1.0

    # -- files ----------------------------------------------------------------------

    def _resolve(self, rel: str) -> Path | None:
        if any(part.startswith(".") for part in rel.split("/") if part):
            return None
        path = (self.public / rel).resolve()
        if path != self.public and self.public not in path.parents:
            return None
        return path

    def _load(self, path: Path, st: os.stat_result) -> _Entry:
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        name = str(path)
        entry = self.cache.get(name)
        if entry is not None and entry.key == key:
            self.cache.move_to_end(name)
            return entry
        entry = _Entry(key, path.read_bytes(), content_type(path), st.st_mtime)
        if entry.body.__len__() <= 4 << 20:
            old = self.cache.pop(name, None)
            if old:
                self.cached -= len(old.body) + sum(map(len, old.encoded.values()))
            self.cache[name] = entry
            self.cached += len(entry.body)
            while self.cached > self.cache_bytes and self.cache:
                _, gone = self.cache.popitem(last=False)
                self.cached -= len(gone.body) + sum(map(len, gone.encoded.values()))
        return entry

    def _load_redirects(self) -> None:
        now = time.monotonic()
        if now - self.redirects_checked < 1.0:
            return
        self.redirects_checked = now
        path = self.public / "_redirects"
        try:
            st = path.stat()
        except OSError:
            self.redirects, self.redirects_key = {}, ()
            return
        key = (st.st_mtime_ns, st.st_size)
        if key == self.redirects_key:
            return
        rules = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                rules[parts[0]] = parts[1]
        self.redirects, self.redirects_key = rules, key

    # -- ASGI -----------------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await self._send(send, 405, b"Method not allowed\n", "text/plain; charset=utf-8",
                             extra=[(b"allow", b"GET, HEAD")], head=False)
            return
        raw_path = unquote(scope["path"])
        headers = dict(scope["headers"])
        if not raw_path.startswith(self.base):
            if raw_path.rstrip("/") + "/" == self.base:
                await self._redirect(send, self.base)
            else:
                await self._not_found(send, headers, method == "HEAD")
            return
        self._load_redirects()
        target = self.redirects.get(raw_path)
        if target:
            await self._redirect(send, target)
            return
        rel = raw_path[len(self.base):]
        path = self._resolve(rel)
        st = None
        if path is not None:
            try:
                st = path.stat()
                if st.st_mode & 0o170000 == 0o040000:  # a directory
                    if not raw_path.endswith("/"):
                        await self._redirect(send, scope["path"] + "/")
                        return
                    path = path / "index.html"
                    st = path.stat()
            except OSError:
                st = None
        if st is None:
            target = self.redirects.get(raw_path.rstrip("/") + "/")
            if target:
                await self._redirect(send, target)
                return
            await self._not_found(send, headers, method == "HEAD")
            return
        entry = self._load(path, st)
        await self._serve(send, entry, headers, 200, method == "HEAD",
                          cache="public, max-age=31536000, immutable"
                          if scope.get("query_string", b"").startswith(b"v=")
                          else "public, max-age=0, must-revalidate")

    async def _not_found(self, send, headers, head: bool) -> None:
        page = self.public / "404.html"
        try:
            entry = self._load(page, page.stat())
        except OSError:
            await self._send(send, 404, b"Not found\n", "text/plain; charset=utf-8", head=head)
            return
        await self._serve(send, entry, headers, 404, head, cache="no-cache", conditional=False)

    async def _redirect(self, send, location: str) -> None:
        await self._send(send, 301, b"", "text/plain; charset=utf-8",
                         extra=[(b"location", location.encode("utf-8"))], head=False)

    async def _serve(self, send, entry: _Entry, headers: dict, status: int, head: bool, *,
                     cache: str, conditional: bool = True) -> None:
        extra = [(b"etag", entry.etag.encode()), (b"last-modified", entry.last_modified.encode()),
                 (b"cache-control", cache.encode()), (b"vary", b"accept-encoding")]
        if conditional:
            inm = headers.get(b"if-none-match")
            if inm is not None:
                if entry.etag.encode() in [t.strip().removeprefix(b"W/") for t in inm.split(b",")] \
                        or inm.strip() == b"*":
                    await self._send(send, 304, b"", None, extra=extra, head=True)
                    return
            else:
                ims = headers.get(b"if-modified-since")
                if ims is not None and ims.decode("latin-1") == entry.last_modified:
                    await self._send(send, 304, b"", None, extra=extra, head=True)
                    return
        body = entry.body
        accept = headers.get(b"accept-encoding", b"")
        if len(body) > 512 and entry.type.startswith(COMPRESSIBLE) and accept:
            encoding = "br" if b"br" in accept else "gzip" if b"gzip" in accept else None
            if encoding:
                data = entry.encoded.get(encoding)
                if data is None:
                    data = (brotli.compress(body, quality=5) if encoding == "br"
                            else gzip.compress(body, compresslevel=6, mtime=0))
                    entry.encoded[encoding] = data
                    self.cached += len(data)
                body = data
                extra.append((b"content-encoding", encoding.encode()))
        await self._send(send, status, body, entry.type, extra=extra, head=head)

    async def _send(self, send, status: int, body: bytes, ctype: str | None, *,
                    extra=(), head: bool) -> None:
        headers = [*SECURITY_HEADERS, *extra]
        if ctype:
            headers.append((b"content-type", ctype.encode()))
        if status != 304:
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})
