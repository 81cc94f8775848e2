"""Where things live on the site: slugs, permalinks, the file that serves an address.

Every address is a path under the site's base path. These are content knowledge, not the
build's: the studio, the importers and the newsletter need a post's address too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlsplit

RESERVED_PAGE_SLUGS = {"tags", "page", "search", "static", "archive", "studio", "media",
                       "feed.xml", "rss.xml", "feed.json", "series", "authors"}


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address, as a browser writes it in Origin (host in
    lower case, no default port); "" for an address without both."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def slugify(text: str) -> str:
    """A URL slug: lowercase words joined by hyphens; non-Latin letters are kept."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")[:200]


def post_path(pattern: str, *, slug: str, id: int, published: dt.datetime | None) -> str:
    when = published or dt.datetime(1970, 1, 1)
    return pattern.format(
        year=f"{when.year:04d}", month=f"{when.month:02d}", day=f"{when.day:02d}",
        slug=slug, id=id,
    )


def page_path(slug: str) -> str:
    return f"/{slug}/"


def tag_path(slug: str) -> str:
    return f"/tags/{slug}/"


def listing_page_path(base: str, number: int) -> str:
    return f"{base}page/{number}/"


def file_for(path: str) -> str:
    """The file in public/ that serves a path: /a/b/ -> a/b/index.html."""
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


@lru_cache(maxsize=4096)
def href(base_path: str, path: str) -> str:
    """A root-relative link including the site's base path (for sites under /blog/)."""
    return quote(base_path.rstrip("/") + path, safe="/#?=&%:@~+")
