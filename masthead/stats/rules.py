"""What counts as a view, the same for `masthead serve` and for an imported access log.

A view is a successful GET of a page (HTML) by a person's browser: not a bot (known
patterns in the user agent, or none at all), not a prefetch the browser made in case the
reader clicks, not an asset, a feed, the studio or /media. The referrer is kept as its
host only, and not when it is the site itself (a reader moving between its pages).
No Django here: the web server's workers use this on every request.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Crawlers, link previews, monitors, feed readers, command-line and library clients.
# A browser's user agent names none of these words, and only bots put a URL in theirs.
# Matched against the user agent in lower case: searching with IGNORECASE tries every
# word in both cases at every character, 75-110 us for a browser's user agent against
# 11-15 us (the static hot path answers a page in about 20 us).
BOT = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiver|fetch|http|curl|wget|python|java/|perl|ruby|"
    r"go-http|okhttp|axios|node|libwww|headless|phantom|lighthouse|pagespeed|preview|"
    r"monitor|uptime|pingdom|check|feed|rss|facebookexternalhit|embedly|whatsapp|"
    r"telegram|discord|slack|semrush|ahrefs|mj12|"
    r"^mozilla/\d\.\d$")
# Folders of the site that hold no pages (under its base path).
NOT_PAGES = ("/static/", "/media/", "/studio/", "/newsletter/", "/pagefind/", "/search/index")
MAX_HOST = 253
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def is_bot(user_agent: str | None) -> bool:
    """Whether a user agent is a bot's (no user agent at all is one too)."""
    return not user_agent or BOT.search(user_agent.lower()) is not None


def is_prefetch(sec_purpose: str | None, purpose: str | None, x_moz: str | None) -> bool:
    """Whether the browser fetched the page ahead of a click (Sec-Purpose, Purpose,
    X-Moz): the reader may never see it."""
    return any(v and "prefetch" in v.lower() for v in (sec_purpose, purpose, x_moz))


def referrer_host(referrer: str | None, own: str | set[str] = "") -> str:
    """The host of a referrer URL, in lower case, or "" for none, a malformed one, one
    that is not http(s), or the site's own host (``own``: a host or several)."""
    if not referrer or len(referrer) > 4096:
        return ""
    try:
        parts = urlsplit(referrer.strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or len(host) > MAX_HOST:
        return ""
    host = host.rstrip(".")
    if not _HOST.fullmatch(host):
        return ""
    if host == own if isinstance(own, str) else host in own:
        return ""
    return host


def host_of(header: str | None) -> str:
    """The host named in a Host header or a site address, without port, lower case."""
    if not header:
        return ""
    if "//" in header:
        try:
            return (urlsplit(header).hostname or "").rstrip(".")
        except ValueError:
            return ""
    host = header.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def page_address(path: str, base: str) -> str | None:
    """The address a page is counted under: a canonical path (already decoded and
    normalised) made relative to the site's base path (``/blog/``), with
    ``index.html`` folded into its folder; None when the path is not a page.

    ``/blog/essays/index.html`` and ``/blog/essays/`` are one page, ``/essays/`` as
    the studio knows it (a post's address has no base path)."""
    if not path.startswith(base):
        return None
    rel = "/" + path[len(base):]
    if rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    if rel.startswith(NOT_PAGES) or rel == "/404.html":
        return None
    last = rel.rsplit("/", 1)[1]
    if last and "." in last and not last.endswith(".html"):
        return None  # a file: feed.xml, robots.txt, an image
    return rel
