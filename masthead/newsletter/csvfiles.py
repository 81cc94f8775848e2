"""Subscriber lists as CSV: Masthead's own, Ghost's member export and Substack's lists.

The flavour is told by the header. Each row keeps its line number so a bad one can be
reported precisely while the rest are imported.

A cell a spreadsheet would run as a formula (a reader who signs up as
``=HYPERLINK(...)``) is written with a leading ``'``, as OWASP advises for CSV
injection; reading Masthead's own list takes that quote off again, so an export
imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from masthead.errors import SourceError
from masthead.newsletter.actions import Row
from masthead.newsletter.models import Subscriber
from masthead.timestamps import parse_iso

OWN_COLUMNS = ["email", "name", "status", "created_at", "confirmed_at", "unsubscribed_at",
               "source"]
_STATUSES = {value for value, _ in Subscriber.STATUSES}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """A cell no spreadsheet takes for a formula: one that starts like one gets a
    leading ``'`` (and so does one that starts with ``'`` before such a character, so
    that :func:`unescape_cell` gives every value back exactly)."""
    if value.startswith(_FORMULA_STARTS) or (
            value.startswith("'") and value[1:2] in (*_FORMULA_STARTS, "'")):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The value :func:`escape_cell` was given (a name like "'t Hooft" is left alone)."""
    if value.startswith("'") and value[1:2] in (*_FORMULA_STARTS, "'"):
        return value[1:]
    return value


def _true(value: str) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def read(path: Path) -> tuple[str, list[Row], list[str]]:
    """(flavour, rows, problems): problems are rows that cannot even be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    flavour, rows, refused = read_bytes(data, str(path))
    return flavour, rows, [f"{path}:{line}: {why}" for line, why in refused]


def read_bytes(data: bytes, path: str) -> tuple[str, list[Row], list[tuple[int, str]]]:
    """(flavour, rows, refused): an uploaded or stored file's rows; refused are the
    (line, reason) of rows that cannot even be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save it from the "
                          "spreadsheet as CSV UTF-8") from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "email" not in header:
        raise SourceError(f"{path}:1: no 'email' column (the header has: "
                          f"{', '.join(header) or 'nothing'})")
    if "subscribed_to_emails" in header:
        flavour = "ghost"
    elif "email_disabled" in header:
        flavour = "substack"
    else:
        flavour = "masthead"
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []
    try:
        for raw in reader:
            line = reader.line_num
            rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items()
                   if isinstance(v, str)}
            if flavour == "masthead":
                rec = {k: unescape_cell(v) for k, v in rec.items()}
            status: str | None = None
            if flavour == "ghost":
                status = Subscriber.CONFIRMED if _true(rec.get("subscribed_to_emails", "")) \
                    else Subscriber.UNSUBSCRIBED
            elif flavour == "substack":
                status = Subscriber.UNSUBSCRIBED if _true(rec.get("email_disabled", "")) \
                    else Subscriber.CONFIRMED
            elif rec.get("status"):
                status = rec["status"].lower()
                if status not in _STATUSES:
                    problems.append((line, f"status '{rec['status']}' is not one of "
                                           f"{', '.join(sorted(_STATUSES))}"))
                    continue
            rows.append(Row(line=line, email=rec.get("email", ""), name=rec.get("name", ""),
                            status=status, created_at=parse_iso(rec.get("created_at", ""))))
    except csv.Error as exc:
        raise SourceError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    return flavour, rows, problems


def write(path: Path, subscribers: Iterable[Subscriber]) -> int:
    """Every subscriber with their status; written to a temporary file, then moved."""
    import os

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(OWN_COLUMNS)
        for s in subscribers:
            out.writerow(row_of(s))
            n += 1
    os.replace(tmp, path)
    return n


def row_of(s: Subscriber) -> list[str]:
    """A subscriber as a row of Masthead's CSV (cells safe from spreadsheet formulas)."""
    return [escape_cell(cell) for cell in (
        s.email, s.name, s.status, _iso(s.created_at), _iso(s.confirmed_at),
        _iso(s.unsubscribed_at), s.source)]


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


