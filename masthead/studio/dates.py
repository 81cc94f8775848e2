"""Dates as a writer reads them: in the site's time zone and the theme's way of writing
a date ("3 December 2026, 09:00"), never an ISO string or the server's UTC."""

from __future__ import annotations

import datetime as dt
import zoneinfo

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def site_time(when: dt.datetime | None, zone: str, *, seconds: bool = False) -> str:
    """``when`` in the time zone ``zone`` (an IANA name): "3 December 2026, 09:00";
    "" for no time."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    local = when.astimezone(zoneinfo.ZoneInfo(zone))
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {clock}"
