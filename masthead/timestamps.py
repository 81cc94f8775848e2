"""Reading the ISO 8601 timestamps other programs export (CSV files, platform exports)."""

from __future__ import annotations

import datetime as dt


def parse_iso(value: str | None, *, whole_seconds: bool = False) -> dt.datetime | None:
    """``2018-09-12T09:30:00.001-04:00`` or ``...Z`` as an aware datetime in UTC (a time
    without a zone is taken as UTC); None for an empty or unreadable value, which the
    caller reports or replaces. ``whole_seconds`` drops the fraction, as post dates are
    shown and compared to the second."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    when = when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.replace(microsecond=0) if whole_seconds else when
