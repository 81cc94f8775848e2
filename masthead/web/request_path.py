"""One spelling for each address: the path of a request as the static server looks it up.

A client can spell one address many ways: ``//about///``, ``/./about/``,
``/x/../about/``, ``/%61bout/``. They all name the same file, so they must all reach
the same cache entry; keyed on the path as sent, a script asking for one small file
under 50,000 spellings filled the cache with 50,000 copies of it. Like nginx, the
server decodes percent-escapes once, merges repeated slashes and resolves ``.`` and
``..`` segments, then looks up the result.

A path that cannot name a file in public/ comes back as None, before anything touches
the disk: a NUL byte or another control character, bytes that are not UTF-8, a ``..``
climbing above the root, a dotfile, a segment longer than a file name may be, or a
path longer than the kernel accepts. The server answers those with its 404 page
(the disk would have refused them with an error, which became a 500).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_to_bytes

MAX_SEGMENT = 255  # bytes in one file name (NAME_MAX on Linux)
MAX_PATH = 2048  # bytes in the whole path; PATH_MAX is 4096, public/ comes first
_CONTROL = frozenset(chr(c) for c in (*range(32), 127))
# Already canonical, as nearly every request is: printable ASCII, no escape, no empty
# segment, none starting with a dot, none longer than a file name.
_PLAIN = re.compile(rb"(?:/[!$&-\-0-9;=@-Z_a-z~][!$&-.0-9;=@-Z_a-z~]{0,%d})*/?"
                    % (MAX_SEGMENT - 1))


def request_path(raw: bytes) -> str | None:
    """The canonical form of a request's path as sent (``raw_path``, still
    percent-encoded), or None when it cannot name a file."""
    if not raw.startswith(b"/") or len(raw) > 3 * MAX_PATH:
        return None
    if len(raw) <= MAX_PATH and _PLAIN.fullmatch(raw):
        return raw.decode("ascii")
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8") if b"%" in raw else raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return normalise(decoded)


def normalise(path: str) -> str | None:
    """An already decoded path with repeated slashes merged and dot segments resolved
    (RFC 3986, 5.2.4), or None when it cannot name a file. A trailing slash is kept:
    ``/about`` is a folder lacking its slash, ``/robots.txt/`` is no file."""
    if not path.startswith("/") or not _CONTROL.isdisjoint(path):
        return None
    parts = path.split("/")
    segments: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not segments:
                return None
            segments.pop()
        elif part.startswith(".") or len(part.encode("utf-8")) > MAX_SEGMENT:
            return None
        else:
            segments.append(part)
    folder = parts[-1] in ("", ".", "..")
    canonical = "/" + "/".join(segments) + ("/" if folder and segments else "")
    if len(canonical.encode("utf-8")) > MAX_PATH:
        return None
    return canonical


def url_of(path: str) -> str:
    """A canonical path written for a Location header (percent-encoded UTF-8)."""
    return quote(path, safe="/!$&'()*+,;=:@~")
