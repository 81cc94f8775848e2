"""What the studio's Stats page shows, read from the counts: views a day over a period,
the most read pages (with their posts), the referring hosts, the newsletter's sends,
and the same counts as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass

from django.db.models import Sum

from masthead.content.models import Post, get_site
from masthead.newsletter.models import Send
from masthead.newsletter.sending import counts
from masthead.stats.models import DailyViews

PERIODS = (30, 90)  # days the page offers
TOP = 10


@dataclass
class Page:
    path: str
    views: int
    post: Post | None  # the published post or page at that address, if any

    @property
    def title(self) -> str:
        return self.post.title if self.post else self.path


@dataclass
class SendCounts:
    send: Send
    delivered: int
    bounced: int
    unsubscribed: int


def period(days: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the last ``days`` days, in the site's time zone."""
    try:
        zone = zoneinfo.ZoneInfo(get_site().timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    last = dt.datetime.now(zone).date()
    return last - dt.timedelta(days=days - 1), last


def _in(first: dt.date, last: dt.date):
    return DailyViews.objects.filter(day__gte=first, day__lte=last)


def views_per_day(first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """Every day of the period, with its views (0 for a day without)."""
    got = dict(_in(first, last).values_list("day").annotate(n=Sum("views"))
               .values_list("day", "n"))
    days = (last - first).days + 1
    return [(d, int(got.get(d, 0))) for d in (first + dt.timedelta(i) for i in range(days))]


def _posts_at(paths: set[str]) -> dict[str, Post]:
    if not paths:
        return {}
    site = get_site()
    found = {}
    for post in Post.objects.filter(status=Post.PUBLISHED).only(
            "id", "kind", "slug", "title", "published_at", "status"):
        address = post.address(site)
        if address in paths:
            found[address] = post
    return found


def top_pages(first: dt.date, last: dt.date, limit: int = TOP) -> list[Page]:
    rows = list(_in(first, last).values_list("path").annotate(n=Sum("views"))
                .order_by("-n", "path").values_list("path", "n")[:limit])
    posts = _posts_at({p for p, _ in rows})
    return [Page(p, int(n), posts.get(p)) for p, n in rows]


def top_referrers(first: dt.date, last: dt.date, limit: int = TOP) -> list[tuple[str, int]]:
    rows = (_in(first, last).exclude(referrer="").values_list("referrer")
            .annotate(n=Sum("views")).order_by("-n", "referrer")
            .values_list("referrer", "n")[:limit])
    return [(r, int(n)) for r, n in rows]


def total(first: dt.date, last: dt.date) -> int:
    return int(_in(first, last).aggregate(n=Sum("views"))["n"] or 0)


def sends(limit: int = TOP) -> list[SendCounts]:
    """The newsletter's latest sends, newest first, with what became of their copies."""
    out = []
    for send in Send.objects.select_related("post").order_by("-created_at", "-id")[:limit]:
        c = counts(send.pk)
        out.append(SendCounts(send, c["sent"], c["bounced"], c["unsubscribed"]))
    return out


def _cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (a title may start with =)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(first: dt.date, last: dt.date) -> str:
    """Every count of the period: a row a day, page and referrer host."""
    rows = _in(first, last).order_by("day", "path", "referrer").values_list(
        "day", "path", "referrer", "views")
    rows = list(rows)
    posts = _posts_at({p for _, p, _, _ in rows})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["date", "page", "title", "referrer", "views"])
    for day, path, referrer, views in rows:
        post = posts.get(path)
        w.writerow([day.isoformat(), _cell(path), _cell(post.title if post else ""),
                    _cell(referrer), views])
    return buf.getvalue()
