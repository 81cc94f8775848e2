"""What every platform importer hands over: posts with their comments and old
addresses, what it skipped and why, and what it had to repair.

Importers only read; :func:`masthead.content.actions.import_platform` stores, in one
transaction, so a failed or dry run leaves the site as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from masthead.content.actions import PostData
from masthead.content.addresses import RESERVED_PAGE_SLUGS, slugify
from masthead.timestamps import parse_iso


@dataclass
class CommentData:
    origin: str  # unique, e.g. "blogger:<id>"
    post_origin: str
    body: str  # Markdown
    author_name: str = ""
    author_url: str = ""
    author_email: str = ""
    published_at: dt.datetime | None = None
    status: str = "approved"
    parent_origin: str = ""
    html: str = ""  # the body as the platform stored it, until it is converted


@dataclass
class SettingsData:
    """Site settings an export carries that mean the same here (title, time zone)."""

    values: dict[str, str]
    where: str


@dataclass
class Skipped:
    where: str  # "entry 12", "item 'Hello' (id 42)"
    why: str


@dataclass
class AuthorData:
    name: str
    email: str = ""
    url: str = ""
    bio: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name) or "author"


@dataclass
class PlatformItem:
    """A post or page, and where it came from (``origin`` is stable across exports of
    the same blog, so a second import updates instead of duplicating)."""

    post: PostData
    origin: str
    authors: list[AuthorData] = field(default_factory=list)
    # The body as the platform stored it: converted to Markdown on the way in (see
    # masthead.importers.convert), ``wordpress`` with WordPress's own conventions.
    html: str = ""
    wordpress: bool = False


@dataclass
class Notes:
    """What an importer tells the writer besides the counts."""

    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, where: str, why: str) -> None:
        self.skipped.append(Skipped(where, why))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def old_path(url: str) -> str:
    """The path of an old permalink (the domain goes: the site may move with it)."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    if ".." in path.split("/") or "\\" in path or "\0" in path:
        return ""
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:  # /services is served from /services/index.html
        path += "/"
    return path


def slug_from_path(path: str) -> str:
    """``/2018/09/rhoncus.html`` -> ``rhoncus``; ``/p/about.html`` -> ``about``."""
    last = [p for p in path.split("/") if p]
    if not last:
        return ""
    name = re.sub(r"\.(html?|php|aspx?)$", "", last[-1], flags=re.I)
    return slugify(name)


def make_slug(*candidates: str, kind: str = "post") -> str:
    """The first candidate that gives a usable slug (titles make slugs when an export
    has none); pages may not take the site's reserved addresses."""
    for c in candidates:
        slug = slugify(c or "")[:120].strip("-")
        if slug:
            if kind == "page" and slug in RESERVED_PAGE_SLUGS:
                slug = f"{slug}-page"
            return slug
    return "untitled"


def plain_words(html: str, count: int | None = 8) -> str:
    """The words of some HTML as plain text (the first ``count``: a title for a post
    that has none)."""
    import html as htmllib

    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html or ""))
    return " ".join(text.split()[:count])


def parse_when(value: str) -> dt.datetime | None:
    """A post's date as exports write it, in UTC, to the second."""
    return parse_iso(value, whole_seconds=True)
