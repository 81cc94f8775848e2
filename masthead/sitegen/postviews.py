"""A published post's row made into the :class:`PostView` templates see, once per
distinct row: a process that builds again and again (the worker's warm build child)
re-makes only the posts whose row changed.

Making a view is most of a snapshot's time at 10,000 posts (three content keys, the
excerpt, the address, for every post). A view is a pure function of its row, its tags,
authors, old addresses and comments, and of three site settings (permalink, time zone,
default author); the cache is keyed by exactly those, so a changed value can only miss
it, never find a stale view. The cache holds the views of the last snapshot only.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

from masthead.content import addresses
from masthead.render.excerpts import excerpt_of
from masthead.sitegen.keys import key
from masthead.sitegen.snapshot import CommentView, PostView, TagView
from masthead.sitegen.snapshot import _aware as aware

POST_KIND = "post"

_cache: dict[tuple, PostView] = {}
_cache_context: tuple = ()


class Maker:
    """Views for one snapshot; :meth:`keep` makes what it made the next one's cache."""

    def __init__(self, site: Any, columns: tuple[str, ...]):
        global _cache
        self.context = (site.permalink, site.timezone, site.author, columns)
        if self.context != _cache_context:
            _cache = {}
        self.site, self.columns = site, columns
        self.tz = zoneinfo.ZoneInfo(site.timezone)
        self.made: dict[tuple, PostView] = {}
        self.tags: dict[tuple[str, str], TagView] = {}

    def view(self, row: tuple, tags: tuple[tuple[str, str], ...], authors: tuple[str, ...],
             old_paths: tuple[str, ...], comments: tuple[CommentView, ...]) -> PostView:
        ident = (row, tags, authors, old_paths, comments)
        pv = _cache.get(ident) or self.made.get(ident)
        if pv is None:
            pv = self._make(dict(zip(self.columns, row, strict=True)), tags, authors,
                            old_paths, comments)
        self.made[ident] = pv
        return pv

    def keep(self) -> None:
        global _cache, _cache_context
        _cache, _cache_context = self.made, self.context

    def _make(self, r: dict, tag_pairs: tuple[tuple[str, str], ...],
              authors: tuple[str, ...], old_paths: tuple[str, ...],
              comments: tuple[CommentView, ...]) -> PostView:
        site, tz = self.site, self.tz
        published_at, updated_at = aware(r["published_at"]), aware(r["updated_at"])
        published = published_at.astimezone(tz) if published_at else None
        updated = updated_at.astimezone(tz) if updated_at else None
        path = (
            addresses.post_path(site.permalink, slug=r["slug"], id=r["id"], published=published)
            if r["kind"] == POST_KIND else addresses.page_path(r["slug"])
        )
        excerpt = excerpt_of(r["excerpt"], "") if r["excerpt"] else r["auto_excerpt"]
        tags = tuple(self.tags.setdefault(pair, TagView(*pair)) for pair in tag_pairs)
        authors = authors or ((site.author,) if site.author else ())
        when = published.isoformat() if published else ""
        card_key = key(r["title"], path, when, excerpt, tag_pairs)
        extra = r["extra"]
        if isinstance(extra, str):
            extra = json.loads(extra) if "seo_title" in extra or "description" in extra else {}
        seo = extra.get("seo_title") if isinstance(extra, dict) else None
        described = extra.get("description") if isinstance(extra, dict) else None
        seo = seo if isinstance(seo, str) else ""
        described = described if isinstance(described, str) else ""
        return PostView(
            r["id"], r["kind"], r["slug"], r["title"], path, published, updated, excerpt,
            r["render_key"], tags, authors, r["series"], r["canonical_url"], old_paths,
            card_key=card_key,
            page_key=key(card_key, r["id"], updated.isoformat() if updated else "",
                         r["render_key"], authors, r["series"], r["canonical_url"],
                         tuple(comments), seo, described),
            comments=comments, seo_title=seo, description=described,
            search_key=key(r["render_key"], path, r["title"], when[:10], excerpt),
        )


def is_future_post(pv: PostView, now: dt.datetime) -> bool:
    """A post published with a date to come: it appears when its time comes."""
    return pv.kind == POST_KIND and pv.published is not None and pv.published > now
