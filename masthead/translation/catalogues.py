"""The catalogues shipped with Masthead: one gettext ``.po`` file a language, read by Babel.

A language tag finds its catalogue by its most precise name first: ``pt-BR`` is looked for
as ``pt_BR``, then as ``pt``. English is the language of the templates themselves: it has
no catalogue, and what a template says is what an English site shows.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "masthead"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"  # every phrase the theme and the renderer say


def candidates(tag: str) -> list[str]:
    """Catalogue names for a language tag, most precise first: "pt-BR" -> pt_BR, pt."""
    parts = [p for p in (tag or "en").replace("_", "-").split("-") if p]
    names = []
    for n in range(len(parts), 0, -1):
        head = parts[:n]
        names.append("_".join([head[0].lower(), *(p.upper() if len(p) == 2 else p.title()
                                                  for p in head[1:])]))
    return names


def locale_for(tag: str) -> Locale:
    """Babel's locale for a tag (dates, numbers, plural rules); English if Babel has none."""
    for name in candidates(tag):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def catalogue_path(tag: str) -> Path | None:
    """The shipped ``.po`` file for a tag, or None (English, or a language not shipped)."""
    for name in candidates(tag):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def read(path: Path, locale: Locale) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN, abort_invalid=True)


def shipped_languages() -> list[str]:
    """The languages with a catalogue, by their directory names."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def template() -> Catalog:
    """The phrases the theme and the renderer say (``masthead.pot``)."""
    with TEMPLATE.open("rb") as f:
        return read_po(f, domain=DOMAIN)
