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

# Every address the site makes or answers itself, whatever it holds: no post, page or
# old URL may take one (an old URL there would make every build fail, or hide the
# site's own file). Files at the top of public/, then folders whose whole tree is the
# site's; year and month archives are matched below.
SITE_FILES = {
    "index.html": "the home page", "feed.xml": "the site's feed", "rss.xml": "the site's feed",
    "feed.json": "the site's feed", "sitemap.xml": "the sitemap", "robots.txt": "robots.txt",
    "404.html": "the page for missing addresses", "_redirects": "the list of redirects",
    "_redirects.map": "the list of redirects", ".masthead-build": "the build's marker",
    "410.html": "the page for withdrawn posts", "_gone.map": "the list of withdrawn posts",
}
SITE_FOLDERS = {
    "tags": "the tag pages", "page": "the home page's older pages", "archive": "the archive",
    "search": "the search page", "static": "the theme's files", "media": "uploaded images",
    "studio": "the studio", "newsletter": "the newsletter's pages",
    "series": "the series pages", "authors": "the author pages",
}
RESERVED_PAGE_SLUGS = {*SITE_FOLDERS, "feed.xml", "rss.xml", "feed.json"}
_ARCHIVE_RE = re.compile(r"^[0-9]{4}/(?:[0-9]{2}/)?index\.html$")


def reserved_address(path: str) -> str:
    """What the site keeps ``path`` for ("the site's feed"), or "" when it is free.

    The one list of generated and reserved addresses: imports drop old URLs that are
    on it, the studio refuses slugs that lead to it, and the build lets a redirect
    there lose to the site's own output instead of failing.
    """
    name = file_for(path)
    top = name.split("/", 1)[0]  # a file "tags" would also stand where the folder does
    if top in SITE_FILES:
        return SITE_FILES[top]
    if top in SITE_FOLDERS:
        return SITE_FOLDERS[top]
    if _ARCHIVE_RE.match(name):
        return "a year or month archive"
    return ""


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


MAX_FILE_NAME = 255  # bytes in one name of a path (ext4, XFS, APFS all stop there)


def redirect_problem(path: str) -> str:
    """Why no redirect can stand at ``path`` ("the address of the site's feed",
    "longer than a file name can be"), or "" when one can."""
    why = reserved_address(path)
    if why:
        return f"the address of {why}"
    if any(len(part.encode()) > MAX_FILE_NAME for part in file_for(path).split("/")):
        return f"a name longer than a file's can be ({MAX_FILE_NAME} bytes)"
    return ""


def slugify(text: str) -> str:
    """A URL slug: lowercase words joined by hyphens; non-Latin letters are kept.

    At most 200 bytes of UTF-8, not characters: a slug is a file name in public/, and
    200 Chinese characters (600 bytes) would be a name no file system takes."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    slug = re.sub(r"[\s_-]+", "-", text).strip("-")
    return slug.encode()[:200].decode("utf-8", "ignore").strip("-")


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
