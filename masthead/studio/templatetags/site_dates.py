"""``{% load site_dates %}{{ post.published_at|site_time:zone }}``: a stored time as
the writer reads it (see :mod:`masthead.studio.dates`); views put the site's time zone
in the context as ``zone``."""

from __future__ import annotations

import datetime as dt

from django import template

from masthead.studio.dates import site_time as _site_time

register = template.Library()


@register.filter(expects_localtime=False)
def site_time(value: dt.datetime | None, zone: str = "UTC") -> str:
    return _site_time(value, zone or "UTC")


@register.filter(expects_localtime=False)
def site_time_seconds(value: dt.datetime | None, zone: str = "UTC") -> str:
    """The same to the second (revisions a few seconds apart)."""
    return _site_time(value, zone or "UTC", seconds=True)
