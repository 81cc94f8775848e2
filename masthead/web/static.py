"""Serve public/ the way a good static host does (an ASGI application).

ETag and Last-Modified with 304s, Brotli/gzip compression for text (compressed once,
kept in memory), the site's 404 page, /dir -> /dir/ redirects, and the rules listed in
public/_redirects: 301s (old URLs of imported posts) and 410s (posts in the Trash,
answered with the site's 410 page). Dotfiles are never served.

The hot path is one dictionary lookup: each address maps to a cached file, checked
against the disk at most once a second, so a rebuild shows within a second while a
busy server does not stat files on every request. The address is the request's path
in its one canonical spelling (request_path.py), so the cache holds at most one entry
for each file and folder, however a client spells them; the cap counts every entry's
bookkeeping as well as its bytes, and a limit on entries bounds it for tiny files.
Addresses that name no file are never kept.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import mimetypes
import os
import re
import time
from collections import OrderedDict
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import brotli

from masthead.web.encodings import accepted_encoding
from masthead.web.request_path import normalise, request_path, url_of

COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml",
                "application/rss+xml", "application/feed+json", "application/javascript",
                "image/svg+xml")
_COMPRESSIBLE = tuple(t.encode() for t in COMPRESSIBLE)
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif",
    ".epub": "application/epub+zip", ".pdf": "application/pdf",
}
SPECIAL_TYPES = {"feed.xml": "application/atom+xml", "rss.xml": "application/rss+xml",
                 "feed.json": "application/feed+json"}
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
RECHECK = 1.0  # seconds between checks of a cached file against the disk
# Seconds between looks at the tree public/ points to (one lstat): a publish is live
# for readers within this of its build turning the link, not a second later.
RELEASE_RECHECK = 0.02  # within sitegen/releases.py FOLLOWED_WITHIN
MAX_FILE = 4 << 20  # larger files are streamed from the disk each time, not kept
CHUNK = 256 << 10  # bytes sent at a time of a streamed file
ENTRY_COST = 1024  # bytes an entry costs beyond its bodies (objects, path, dict slot)
MAX_ENTRIES = 10_000
_PLAIN_QUERY = re.compile(rb"[!-~]*")  # a query string safe to repeat in a Location
_PRINTABLE = "".join(map(chr, range(33, 127)))


def content_type(path: Path) -> str:
    if path.name in SPECIAL_TYPES:
        return SPECIAL_TYPES[path.name]
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or \
        "application/octet-stream"


class Response:
    """A status, headers and a body, or a file opened for streaming (``stream``, to be
    sent in chunks and closed by whoever sends the response)."""

    __slots__ = ("body", "headers", "length", "status", "stream")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                 stream: BinaryIO | None = None, length: int = 0):
        self.status, self.headers, self.body = status, headers, body
        self.stream, self.length = stream, length


class _Entry:
    """A file as served: its bytes, validators and compressed forms. A file larger
    than MAX_FILE is not read: ``stream`` is the open file, sent in chunks, so that
    readers downloading a large file at once do not each hold all of it in memory."""

    __slots__ = ("body", "checked", "compressible", "cost", "encoded", "etag", "file",
                 "key", "last_modified", "size", "stream", "type")

    def __init__(self, file: Path, st: os.stat_result, body: bytes,
                 stream: BinaryIO | None = None):
        self.file = file
        self.key = _stat_key(st)
        self.body = body
        self.stream = stream
        self.size = st.st_size if stream is not None else len(body)
        self.type = content_type(file).encode()
        self.compressible = len(body) > 512 and self.type.startswith(_COMPRESSIBLE)
        tag = (hashlib.blake2b(body, digest_size=12).hexdigest() if stream is None
               else f"{st.st_mtime_ns:x}-{st.st_size:x}")
        self.etag = f'"{tag}"'.encode()
        self.last_modified = email.utils.formatdate(st.st_mtime, usegmt=True).encode()
        self.encoded: dict[bytes, bytes] = {}  # b"br" and b"gzip" at most
        self.checked = time.monotonic()
        self.cost = 0  # what it counts against the cap while cached, else 0


def _stat_key(st: os.stat_result) -> tuple:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _link_key(link: Path) -> tuple | None:
    """What tells one turn of the public/ link from another (or None if missing)."""
    try:
        st = os.lstat(link)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


class StaticSite:
    """Serves one site's public/ folder; :meth:`respond` is the whole logic."""

    def __init__(self, public: Path, base_path: str = "/", cache_bytes: int = 64 << 20,
                 max_entries: int = MAX_ENTRIES):
        # public/ is a link that each build turns to a new tree (sitegen/releases.py):
        # the tree is looked up again once a second, and a new one empties the cache, so
        # that every response comes from one build.
        self.link = Path(os.path.abspath(public))
        self.public = public.resolve()
        self.release = _link_key(self.link)
        self.release_checked = time.monotonic()
        self.base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.cache: OrderedDict[str, _Entry] = OrderedDict()  # canonical path -> file
        self.cache_bytes = cache_bytes
        self.max_entries = max_entries
        self.cached = 0
        self.redirects: dict[str, str] = {}
        self.gone: dict[str, str] = {}  # address -> the page that says it is gone
        self.redirects_key: tuple = ()
        self.redirects_checked = -RECHECK

    # -- files ----------------------------------------------------------------------

    def _inside(self, file: Path) -> bool:
        """Whether a resolved path is public/ or in it, and no dotfile on the way
        (a symlink may point anywhere)."""
        if file == self.public:
            return True
        if not file.is_relative_to(self.public):
            return False
        return not any(part.startswith(".") for part in file.relative_to(self.public).parts)

    def _file_for(self, path: str) -> tuple[Path | None, bool]:
        """The file serving a canonical path, and whether it is a folder lacking its
        slash. Whatever the disk says about a path it cannot take (too long, say),
        the answer is no file."""
        try:
            file = (self.public / path[len(self.base):]).resolve()
            if not self._inside(file):
                return None, False
            if file.is_dir():
                if not path.endswith("/"):
                    return None, True
                file = (file / "index.html").resolve()
                if not self._inside(file):
                    return None, False
            elif path.endswith("/"):
                return None, False  # a file asked for as a folder, as nginx answers
            return (file if file.is_file() else None), False
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
            return None, False

    def _entry(self, path: str) -> tuple[_Entry | None, bool]:
        """The cached file for a canonical path (read if need be), and whether the
        path is a folder lacking its slash."""
        now = time.monotonic()
        entry = self.cache.get(path)
        if entry is not None:
            if now - entry.checked < RECHECK:
                return entry, False
            try:
                same = entry.key == _stat_key(entry.file.stat())
            except OSError:
                same = False
            if same:
                entry.checked = now
                self.cache.move_to_end(path)  # in use: evicted last
                return entry, False
            self._forget(path)
        file, folder = self._file_for(path)
        if file is None:
            return None, folder
        try:
            f = file.open("rb")  # then fstat: the size and the bytes of one same file
        except OSError:
            return None, False
        try:
            st = os.fstat(f.fileno())
            if st.st_size > MAX_FILE:
                streamed, f = _Entry(file, st, b"", f), None  # the response closes it
                return streamed, False
            fresh = _Entry(file, st, f.read())
        except OSError:
            return None, False
        finally:
            if f is not None:
                f.close()
        fresh.cost = len(fresh.body) + len(path) + ENTRY_COST
        self.cache[path] = fresh
        self.cached += fresh.cost
        self._trim()
        return fresh, False

    def _trim(self) -> None:
        while self.cache and (self.cached > self.cache_bytes
                              or len(self.cache) > self.max_entries):
            self._forget(next(iter(self.cache)))

    def _forget(self, path: str) -> None:
        old = self.cache.pop(path, None)
        if old is not None:
            self.cached -= old.cost
            old.cost = 0

    def _follow_release(self) -> None:
        now = time.monotonic()
        if now - self.release_checked < RELEASE_RECHECK:
            return
        self.release_checked = now
        # Each build makes a new link (a new inode), though it points to one of the same
        # two trees: two builds between looks turn it a -> b -> a, and the cache of a's
        # old files must go all the same.
        release = _link_key(self.link)
        if release != self.release:
            self.release = release
            self.public = self.link.resolve()
            self.cache.clear()
            self.cached = 0
            self.redirects_checked = -RECHECK

    def _redirect_for(self, path: str) -> str | None:
        now = time.monotonic()
        if now - self.redirects_checked >= RECHECK:
            self.redirects_checked = now
            self._load_redirects()
        return self.redirects.get(path)

    def _load_redirects(self) -> None:
        path = self.public / "_redirects"
        try:
            st = path.stat()
        except OSError:
            self.redirects, self.gone, self.redirects_key = {}, {}, ()
            return
        key = (st.st_mtime_ns, st.st_size)
        if key == self.redirects_key:
            return
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:  # a folder, say: the site is served without its old URLs
            text = ""
        rules, gone = {}, {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                kept = gone if parts[2:3] == ["410"] else rules
                kept[normalise(parts[0]) or parts[0]] = parts[1]
        self.redirects, self.gone, self.redirects_key = rules, gone, key

    # -- requests -------------------------------------------------------------------

    def respond(self, method: str, raw_path: bytes, query: bytes, get_header) -> Response:
        """Answer one request. ``raw_path`` is the path as sent, still percent-encoded;
        ``get_header(name)`` returns a header's bytes or None."""
        if method not in ("GET", "HEAD"):
            return self._plain(405, b"Method not allowed\n", [(b"allow", b"GET, HEAD")])
        self._follow_release()
        head = method == "HEAD"
        path = request_path(raw_path)
        if path is None:
            return self._not_found(get_header, head)
        if not path.startswith(self.base):
            if path + "/" == self.base:
                return self._redirect(url_of(self.base), query)
            return self._not_found(get_header, head)
        target = self._redirect_for(path)
        if target:
            return self._redirect(target)
        entry, folder = self._entry(path)
        if entry is None:
            target = self.redirects.get(path.rstrip("/") + "/")  # an old URL, one hop
            if target:
                return self._redirect(target)
            if folder:
                return self._redirect(url_of(path + "/"), query)
            page = self.gone.get(path) or self.gone.get(path.rstrip("/") + "/")
            if page:
                return self._gone(page, get_header, head)
            return self._not_found(get_header, head)
        cache = (b"public, max-age=31536000, immutable" if query.startswith(b"v=")
                 else b"public, max-age=0, must-revalidate")
        return self._serve(entry, get_header, 200, head, cache)

    def _not_found(self, get_header, head: bool) -> Response:
        entry = self._entry(self.base + "404.html")[0]
        if entry is None:
            return self._plain(404, b"Not found\n")
        return self._serve(entry, get_header, 404, head, b"no-cache", conditional=False)

    def _gone(self, page: str, get_header, head: bool) -> Response:
        """410 Gone, with the page the rule names (the theme's "withdrawn" page)."""
        canonical = normalise(page)
        entry = self._entry(canonical)[0] if canonical else None
        if entry is None:
            return self._plain(410, b"Gone\n")
        return self._serve(entry, get_header, 410, head, b"no-cache", conditional=False)

    def _redirect(self, location: str, query: bytes = b"") -> Response:
        """A 301 to a location written in ASCII (a post's address may have any letters);
        the query string goes along when it is plain printable ASCII."""
        url = quote(location, safe=_PRINTABLE).encode()
        if query and _PLAIN_QUERY.fullmatch(query):
            url += b"?" + query
        return self._plain(301, b"", [(b"location", url)])

    def _plain(self, status: int, body: bytes, extra=()) -> Response:
        return Response(status, [*SECURITY_HEADERS, *extra,
                                 (b"content-type", b"text/plain; charset=utf-8"),
                                 (b"content-length", str(len(body)).encode())], body)

    def _serve(self, entry: _Entry, get_header, status: int, head: bool, cache: bytes, *,
               conditional: bool = True) -> Response:
        headers = [*SECURITY_HEADERS, (b"etag", entry.etag),
                   (b"last-modified", entry.last_modified), (b"cache-control", cache),
                   (b"vary", b"accept-encoding")]
        if conditional and self._not_modified(entry, get_header):
            return self._close(entry, Response(304, headers, b""))
        if entry.stream is not None:
            headers.append((b"content-type", entry.type))
            headers.append((b"content-length", str(entry.size).encode()))
            if head:
                return self._close(entry, Response(status, headers, b""))
            return Response(status, headers, b"", entry.stream, entry.size)
        body = entry.body
        accept = get_header(b"accept-encoding")
        if accept and entry.compressible:
            encoding = accepted_encoding(accept)
            if encoding:
                data = entry.encoded.get(encoding)
                if data is None:
                    data = (brotli.compress(body, quality=5) if encoding == b"br"
                            else gzip.compress(body, compresslevel=6, mtime=0))
                    entry.encoded[encoding] = data
                    if entry.cost:  # still cached: its compressed forms count too
                        entry.cost += len(data)
                        self.cached += len(data)
                        self._trim()
                body = data
                headers.append((b"content-encoding", encoding))
        headers.append((b"content-type", entry.type))
        headers.append((b"content-length", str(len(body)).encode()))
        return Response(status, headers, b"" if head else body)

    @staticmethod
    def _not_modified(entry: _Entry, get_header) -> bool:
        inm = get_header(b"if-none-match")
        if inm is not None:
            tags = [t.strip().removeprefix(b"W/") for t in inm.split(b",")]
            return entry.etag in tags or inm.strip() == b"*"
        ims = get_header(b"if-modified-since")
        return ims is not None and ims == entry.last_modified

    @staticmethod
    def _close(entry: _Entry, response: Response) -> Response:
        if entry.stream is not None:
            entry.stream.close()
        return response

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
        headers = dict(scope["headers"])
        raw_path = (scope.get("raw_path") or quote(scope["path"]).encode()).split(b"?")[0]
        r = self.respond(scope["method"], raw_path, scope.get("query_string", b""),
                         headers.get)
        if r.status == 304:
            r.headers = [h for h in r.headers if h[0] != b"content-length"]
        if r.stream is None:
            await send({"type": "http.response.start", "status": r.status,
                        "headers": r.headers})
            await send({"type": "http.response.body", "body": r.body})
            return
        with r.stream:  # closed however the sending ends (a reader who goes away)
            await send({"type": "http.response.start", "status": r.status,
                        "headers": r.headers})
            left = r.length  # what content-length promised, should the file grow
            while left > 0 and (chunk := r.stream.read(min(CHUNK, left))):
                left -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
