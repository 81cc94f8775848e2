"""A site's own wording: ``translations/LANG.toml`` in the site folder.

Each line gives the theme's English phrase and what the site says instead; a phrase said
in the plural is given a list, one text per plural form of the language; a table names a
context (the date formats are phrases of the context "date format")::

    "Tagged:" = "Filed under:"
    "%(num)s comment" = ["%(num)s reply", "%(num)s replies"]

    ["date format"]
    "d MMMM y" = "MMMM d, y"

A mistake is reported with the file and line, in a writer's words, never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.plurals import get_plural

from masthead.errors import ContentError
from masthead.translation.catalogues import candidates

FOLDER = "translations"
DATE_CONTEXT = "date format"
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]|%%|%")


@dataclass(frozen=True)
class Override:
    context: str | None
    msgid: str
    text: str | tuple[str, ...]  # a tuple: the plural forms, in the language's order
    line: int


def override_file(site_root: Path | None, tag: str) -> Path | None:
    """The site's file for a language tag, its most precise name first (pt-BR, then pt)."""
    if site_root is None:
        return None
    folder = Path(site_root) / FOLDER
    names = [tag, *(c.replace("_", "-") for c in candidates(tag))]
    for name in dict.fromkeys(names):
        path = folder / f"{name}.toml"
        if path.is_file():
            return path
    return None


def placeholders(text: str) -> set[str] | None:
    """The %(name)s placeholders of a phrase, or None if it has a lone % (write %%)."""
    names = set()
    for m in PLACEHOLDER_RE.finditer(text):
        if m.group(0) == "%":
            return None
        if m.group(1):
            names.add(m.group(1))
    return names


def _line_of(lines: list[str], key: str, table: str | None) -> int:
    """The line a key is written on (TOML's reader does not say)."""
    in_table = table is None
    quoted = re.compile(r"^\s*(?:\"" + re.escape(key.replace('"', '\\"')) + r"\"|'"
                        + re.escape(key) + r"'|" + re.escape(key) + r")\s*=")
    for number, text in enumerate(lines, 1):
        stripped = text.strip()
        if stripped.startswith("["):
            name = stripped.strip("[] ").strip("\"'")
            in_table = name == table
            continue
        if in_table and quoted.match(text):
            return number
    return 1


def read(path: Path, locale: Locale, plurals: dict[str, str]) -> list[Override]:
    """The overrides of one file. ``plurals`` maps a plural phrase's singular to its
    plural, from the theme's template, so a list can be checked against the language."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ContentError(f"this is not valid TOML ({reason}); each line is "
                           f'"English phrase" = "your text"',
                           path=path, line=int(m.group(1)) if m else None) from None
    lines = text.splitlines()
    out: list[Override] = []
    for key, value in data.items():
        if isinstance(value, dict):
            for inner, text_value in value.items():
                out.append(_check(path, key, inner, text_value, _line_of(lines, inner, key),
                                  locale, plurals))
        else:
            out.append(_check(path, None, key, value, _line_of(lines, key, None), locale,
                              plurals))
    return out


def _check(path: Path, context: str | None, msgid: str, value: object, line: int,
           locale: Locale, plurals: dict[str, str]) -> Override:
    def fail(reason: str) -> ContentError:
        return ContentError(f"“{msgid}”: {reason}", path=path, line=line)

    if isinstance(value, dict):
        raise fail("a table inside a table; write \"English phrase\" = \"your text\"")
    if isinstance(value, list):
        if msgid not in plurals:
            raise fail("a list is for a phrase said in the plural, and the theme does not "
                       "say this one in the plural; give one text")
        count = get_plural(locale).num_plurals
        if len(value) != count or not all(isinstance(v, str) for v in value):
            raise fail(f"give {count} texts in a list, one for each plural form of "
                       f"{locale.english_name}")
        forms: tuple[str, ...] = tuple(value)
    elif isinstance(value, str):
        forms = (value,)
    else:
        raise fail("give the text in quotes")
    allowed = placeholders(msgid) or set()
    allowed |= placeholders(plurals.get(msgid, "")) or set()
    for form in forms:
        found = placeholders(form)
        if found is None:
            raise fail("a lone % sign; write %% for a percent sign")
        extra = found - allowed
        if extra:
            raise fail(f"%({sorted(extra)[0]})s is not something this phrase can show; "
                       f"it can show {', '.join(f'%({n})s' for n in sorted(allowed)) or 'nothing'}")
    if context == DATE_CONTEXT:
        try:
            format_date(None, forms[0], locale=locale)
        except (ValueError, KeyError, AttributeError) as exc:
            raise fail(f"not a date pattern Babel can read ({exc})") from None
    return Override(context, msgid, forms if isinstance(value, list) else forms[0], line)
