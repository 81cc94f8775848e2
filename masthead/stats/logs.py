"""`masthead stats import-log FILE`: views from the access log of a server that serves the
site elsewhere (nginx's combined format, or Caddy's JSON lines; .gz as well).

The same rules as `masthead serve` (rules.py): successful GETs of pages, no bot, no
prefetch, the referrer's host only, nothing of the reader kept. A log is known again by
a digest of its first request (time, request line, status, size: never who made it), and
the number of its lines already counted, so reading the same log twice, or a log that
has grown since, counts each line once. A line that is neither format stops the import
before anything is stored, with the line's number.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import posixpath
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from masthead.errors import ContentError
from masthead.stats import rules

NOT_A_LOG = "not a line of an nginx (combined format) or Caddy (JSON) access log"
_Q = r'"((?:[^"\\]|\\.)*)"'
COMBINED = re.compile(r'(\S+) \S+ (?:\S+|"[^"]*") \[([^\]]+)\] ' + _Q + r" (\d{3}) (\d+|-)"
                      r"(?: " + _Q + " " + _Q + ")?")
NGINX_TIME = "%d/%b/%Y:%H:%M:%S %z"
_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}


@dataclass
class Request:
    """One logged request, reduced to what counting needs."""

    when: dt.datetime
    method: str
    path: str  # as sent: percent-encoded, with its query
    status: int
    user_agent: str
    referrer: str
    host: str = ""
    purpose: str = ""  # Sec-Purpose, Purpose or X-Moz, when the log has headers
    content_type: str = ""  # when the log has response headers
    identity: str = ""  # what names this request, for knowing the log again


@dataclass
class ImportResult:
    lines: int  # lines in the file
    already: int  # lines counted by an earlier import of this log
    views: int  # views counted now
    pages: int  # distinct pages those views are of


def _nginx_time(text: str) -> dt.datetime:
    # strptime's %b follows the locale; nginx writes English month names.
    day, month, rest = text.split("/", 2)
    text = f"{day}/{_MONTHS[month]:02d}/{rest}"
    return dt.datetime.strptime(text, NGINX_TIME.replace("%b", "%m"))


def parse_nginx(line: str) -> Request | None:
    m = COMBINED.match(line)
    if m is None:
        return None
    _addr, when, request, status, size, referrer, agent = m.groups()
    try:
        stamp = _nginx_time(when)
    except (ValueError, KeyError):
        return None
    parts = request.split(" ")
    method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
    return Request(stamp, method, path, int(status), _unescape(agent or ""),
                   _unescape(referrer or ""), identity=f"{when}\0{request}\0{status}\0{size}")


def _unescape(value: str) -> str:
    return "" if value == "-" else value.replace('\\"', '"')


def _header(headers: dict, name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) and value else str(value or "")
    return ""


def parse_caddy(line: str) -> Request | None:
    try:
        data = json.loads(line)
        request = data["request"]
        headers = request.get("headers") or {}
        ts = data["ts"]
        if isinstance(ts, int | float):
            when = dt.datetime.fromtimestamp(ts, dt.UTC)
        else:
            when = dt.datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
        resp = data.get("resp_headers") or {}
        purpose = " ".join(_header(headers, h) for h in ("sec-purpose", "purpose", "x-moz"))
        return Request(
            when, str(request.get("method", "")), str(request.get("uri", "")),
            int(data["status"]), _header(headers, "user-agent"), _header(headers, "referer"),
            host=str(request.get("host", "")), purpose=purpose.strip(),
            content_type=_header(resp, "content-type"),
            identity=f"{ts}\0{request.get('method')}\0{request.get('uri')}\0"
                     f"{data['status']}\0{data.get('size')}")
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None


def canonical(path: str) -> str | None:
    """A logged path decoded and normalised as the web server looks it up (repeated
    slashes merged, dot segments resolved, the query dropped), or None."""
    path = urlsplit(path).path if "://" in path else path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        path = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        return None
    folder = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    clean = posixpath.normpath(path)
    if clean.startswith("//"):
        clean = "/" + clean.lstrip("/")
    return clean if clean == "/" or not folder else clean + "/"


def view_of(req: Request, base: str, own: set[str]) -> tuple[str, str] | None:
    """(page, referrer host) when a logged request is a view by the serve rules."""
    if req.method != "GET" or req.status != 200:
        return None
    if req.content_type and not req.content_type.lower().startswith("text/html"):
        return None
    if rules.is_bot(req.user_agent) or rules.is_prefetch(req.purpose, None, None):
        return None
    path = canonical(req.path)
    page = rules.page_address(path, base) if path else None
    if page is None:
        return None
    hosts = own | {rules.host_of(req.host)} if req.host else own
    return page, rules.referrer_host(req.referrer, hosts)


def read_lines(file: Path) -> Iterator[str]:
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rb") as f:
            for raw in f:
                yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
    except FileNotFoundError:
        raise ContentError("no such file", path=file) from None
    except IsADirectoryError:
        raise ContentError("this is a folder, not an access log", path=file) from None
    except (OSError, EOFError) as exc:  # unreadable, or a damaged .gz
        reason = getattr(exc, "strerror", None) or str(exc) or "cannot be read"
        raise ContentError(f"cannot be read ({reason})", path=file) from None


def tally(file: Path, base: str, own: set[str], zone: dt.tzinfo,
          skip_key: dict[str, int]) -> tuple[str, int, int, Counter]:
    """Read a whole log: its key, its number of lines, the lines an earlier import
    counted (``skip_key`` maps known keys to their counted lines) and the views of the
    rest by (day, page, referrer). Raises ContentError on the first line of neither
    format."""
    parse = None
    key, skip, n = "", 0, 0
    views: Counter = Counter()
    for n, line in enumerate(read_lines(file), 1):
        if not line.strip():
            continue
        if parse is None:
            parse = parse_caddy if line.lstrip().startswith("{") else parse_nginx
        req = parse(line)
        if req is None:
            raise ContentError(NOT_A_LOG, path=file, line=n)
        if not key:
            key = hashlib.blake2b(req.identity.encode("utf-8", "replace"),
                                  digest_size=16).hexdigest()
            skip = skip_key.get(key, 0)
        if n <= skip:
            continue
        view = view_of(req, base, own)
        if view is not None:
            views[(req.when.astimezone(zone).date(), *view)] += 1
    return key, n, min(skip, n), views


def import_log(file: Path) -> ImportResult:
    """Count the views in an access log into the site's stats, in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from masthead.content.models import get_site
    from masthead.stats.models import LogImport
    from masthead.stats.store import UPSERT

    site = get_site()
    base = urlsplit(site.url).path or "/"
    base = base if base.endswith("/") else base + "/"
    own = {h for h in [rules.host_of(site.url)] if h}
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(site.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    known = dict(LogImport.objects.values_list("key", "lines"))
    key, lines, already, views = tally(file, base, own, zone, known)
    if not key:
        return ImportResult(lines, 0, 0, 0)
    with transaction.atomic():
        # Checked again inside the transaction: two imports of one log at once.
        record = LogImport.objects.select_for_update().filter(key=key).first()
        if (record.lines if record else 0) != known.get(key, 0):
            raise ContentError("is being imported by another command at this moment; "
                               "try again when it has finished", path=file)
        if views:
            with connection.cursor() as cur:
                cur.executemany(UPSERT, [(d, p, r, c) for (d, p, r), c in views.items()])
        LogImport.objects.update_or_create(key=key, defaults={
            "name": str(file)[-500:], "lines": max(lines, already),
            "imported_at": timezone.now()})
    return ImportResult(lines, already, sum(views.values()), len({p for _, p, _ in views}))
