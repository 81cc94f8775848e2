"""Every writer-facing site setting, described once.

This table drives validation (import of ``site.yaml``, ``masthead settings set``),
the CLI listing and the documentation test, so a setting cannot exist without help.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from masthead.errors import ContentError

PERMALINK_TOKENS = {"year", "month", "day", "slug", "id"}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value


def _line(value: Any) -> str:
    value = _text(value)
    if "\n" in value:
        raise ValueError("must be a single line")
    return value.strip()


def _absolute_url(value: Any) -> str:
    value = _line(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL such as https://example.org/")
    return value


def _url(value: Any) -> str:
    value = _absolute_url(value)
    return value if value.endswith("/") else value + "/"


def _language(value: Any) -> str:
    value = _line(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError("must be a language tag such as en, fr-CA or ar")
    return value


def _timezone(value: Any) -> str:
    value = _line(value)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Europe/Paris or UTC") from None
    return value


def _permalink(value: Any) -> str:
    value = _line(value)
    if not value.startswith("/") or not value.endswith("/"):
        raise ValueError("must start and end with /, e.g. /{year}/{month}/{slug}/")
    tokens = set(re.findall(r"\{(\w+)\}", value))
    unknown = tokens - PERMALINK_TOKENS
    if unknown:
        raise ValueError(f"unknown token {{{sorted(unknown)[0]}}}; use {sorted(PERMALINK_TOKENS)}")
    if "slug" not in tokens and "id" not in tokens:
        raise ValueError("must contain {slug} or {id} so every post gets its own address")
    return value


def _links(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ValueError("must be a list of {label, url}")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"label", "url"}:
            raise ValueError(f"item {i} must have exactly a label and a url")
        out.append({"label": _line(item["label"]), "url": _absolute_url(item["url"])})
    return out


def _style(value: Any) -> str:
    value = _line(value)
    if not value:
        raise ValueError("must name a CSL style, e.g. chicago-author-date or apa")
    return value


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    raise ValueError("must be true or false")


def _count(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}")
        return value

    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[Any], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("title", _line, "The site's name, shown in every page header and feed."),
    Setting("url", _url, "The public address of the site, e.g. https://essays.example.org/."),
    Setting("description", _text, "One or two sentences about the site, for feeds and search engines."),
    Setting("language", _language, "Language tag of the writing (en, fr, ar...); right-to-left languages get a right-to-left layout."),
    Setting("timezone", _timezone, "IANA time zone for dates shown and for permalinks, e.g. Europe/Paris."),
    Setting("author", _line, "Default author name, for posts that name none."),
    Setting("permalink", _permalink, "Address pattern of posts: tokens {year} {month} {day} {slug} {id}."),
    Setting("footer", _text, "Markdown appended to every post: the support request, the channel link."),
    Setting("support_links", _links, "Links shown in the site footer, as a list of {label, url}."),
    Setting("citation_style", _style, "CSL style for citations: a name (chicago-author-date, apa, modern-language-association, ieee...) or a .csl file in the site folder."),
    Setting("posts_per_page", _count(1, 100), "Posts per page on the home, tag and archive listings."),
    Setting("feed_limit", _count(1, 1000), "How many of the newest posts the feeds carry."),
    Setting("comments", _yes_no, "Show readers' comments (imported from Blogger or WordPress) under posts: true or false."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def validate(name: str, value: Any, *, source: str = "setting") -> Any:
    """Return the value parsed for storage, or raise a ContentError naming the field."""
    setting = BY_NAME.get(name)
    if setting is None:
        raise ContentError(
            f"unknown setting; known settings are: {', '.join(BY_NAME)}", path=source, field=name
        )
    try:
        return setting.parse(value)
    except ValueError as exc:
        raise ContentError(str(exc), path=source, field=name) from None
