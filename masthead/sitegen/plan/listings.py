"""Lists of posts: the home page and its older pages, tag pages and the list of tags,
the archives by year and by month."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from masthead.content import addresses
from masthead.sitegen.plan.core import Planner
from masthead.sitegen.snapshot import PostView


def listing(planner: Planner, base: str, title: str, posts: Sequence[PostView], *,
            is_home: bool = False, tag=None) -> None:
    """Newest posts at base; then /page/K/ numbered from the oldest post.

    Numbering from the oldest keeps every full page stable when a post is added:
    a new post changes the newest page and the first page only, not all of them.
    """
    n = planner.site.posts_per_page
    pages = max(1, math.ceil(len(posts) / n))
    newest = list(reversed(posts[-n:]))
    older_page = (len(posts) - n - 1) // n + 1 if len(posts) > n else None
    planner.page(base, "list.html",
                 (tuple(p.card_key for p in newest), older_page, title),
                 title=title, posts=newest, tag=tag, is_home=is_home, number=None,
                 newer_href=None,
                 older_href=addresses.listing_page_path(base, older_page) if older_page else None)
    if len(posts) <= n:
        return
    for k in range(1, pages + 1):
        chunk = list(reversed(posts[(k - 1) * n : k * n]))
        newer = addresses.listing_page_path(base, k + 1) if k < pages else base
        older = addresses.listing_page_path(base, k - 1) if k > 1 else None
        planner.page(addresses.listing_page_path(base, k), "list.html",
                     (tuple(p.card_key for p in chunk), k, pages == k, title),
                     title=title, posts=chunk, tag=tag, is_home=False, number=k,
                     newer_href=newer, older_href=older)


def tagged(posts: Sequence[PostView]) -> dict[str, list[PostView]]:
    """Each tag's posts (by the tag's slug), oldest first like the site's."""
    by_tag: dict[str, list[PostView]] = defaultdict(list)
    for p in posts:
        for t in p.tags:
            by_tag[t.slug].append(p)
    return by_tag


def tag_index(planner: Planner, by_tag: dict[str, list[PostView]]) -> None:
    """/tags/: every tag with its number of posts."""
    counts = [(t, len(by_tag[t.slug])) for t in planner.snap.tags.values()]
    planner.page("/tags/", "tags.html", tuple((t.slug, t.name, n) for t, n in counts),
                 tags=counts)


def archives(planner: Planner, posts: Sequence[PostView]) -> None:
    """A page a month, a page a year and /archive/, every month's count and titles."""
    years: dict[int, dict[int, list[PostView]]] = defaultdict(lambda: defaultdict(list))
    for p in posts:
        years[p.published.year][p.published.month].append(p)
    summary = []
    for year in sorted(years, reverse=True):
        months = years[year]
        for month, items in months.items():
            newest = list(reversed(items))
            planner.page(f"/{year:04d}/{month:02d}/", "archive_month.html",
                         tuple(p.card_key for p in newest),
                         year=year, month=month, posts=newest)
        by_month = [(m, list(reversed(months[m]))) for m in sorted(months, reverse=True)]
        planner.page(f"/{year:04d}/", "archive_year.html",
                     tuple((m, tuple(p.card_key for p in items)) for m, items in by_month),
                     year=year, months=by_month)
        summary.append((year, [(m, len(months[m])) for m in sorted(months)]))
    # The archive lists every post's title under its month, newest first.
    titles = {(year, month): [(p.title, p.path) for p in reversed(items)]
              for year, months in years.items() for month, items in months.items()}
    planner.page("/archive/", "archive.html", (summary, sorted(titles.items())),
                 years=summary, titles=titles)
