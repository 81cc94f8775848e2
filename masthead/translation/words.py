"""What a site says in its language: phrases, dates and numbers, loaded once and cached."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.numbers import format_decimal
from babel.support import Translations

from masthead.translation import catalogues, overrides

DATE = "d MMMM y"  # 1 March 2025: every date a reader sees, as the site's language writes it
MONTH_YEAR = "MMMM y"  # March 2025: an archive month
DAY_MONTH = "d MMMM"  # 1 March: a post in a year's archive
_LATIN_DIGITS = "0123456789"
# CLDR's digits of the numbering systems a shipped language may default to (Babel gives
# a locale's numbering system and its separators, not its digits).
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९",
          "beng": "০১২৩৪৫৬৭৮৯"}


class Words:
    """The site's phrases (gettext, with plural forms) and Babel's dates and numbers.

    ``fingerprint`` changes when any phrase can change (the catalogue or the site's
    file), so pages built with the old words are built again."""

    def __init__(self, tag: str, locale: Locale, translations: Translations,
                 fingerprint: str, overridden: frozenset[tuple[str | None, str]]):
        self.tag = tag
        self.locale = locale
        self.translations = translations
        self.fingerprint = fingerprint
        self._overridden = overridden
        digits = DIGITS.get(locale.default_numbering_system)
        self._digits = str.maketrans(_LATIN_DIGITS, digits) if digits else None

    # ------------------------------------------------------------------ phrases

    def gettext(self, message: str) -> str:
        return self.translations.ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ungettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.upgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.translations.unpgettext(context, singular, plural, n)

    def says_in_own_words(self, message: str) -> bool:
        """Whether the catalogue or the site gives this phrase (not the English msgid)."""
        return (None, message) in self._overridden or self.gettext(message) != message

    def fingerprint_of(self, messages: tuple[str, ...]) -> str:
        """A key of how these phrases read: empty while they read as written (English),
        so English bodies keep the keys they had before there were catalogues."""
        said = [self.gettext(m) for m in messages]
        if said == list(messages):
            return ""
        return hashlib.sha256("\0".join(said).encode()).hexdigest()[:16]

    def plural_forms(self, singular: str, plural: str) -> dict[str, str]:
        """A plural phrase by CLDR category (one, few, other...), for a script that picks
        one with the browser's Intl.PluralRules."""
        rule = self.locale.plural_form
        out: dict[str, str] = {}
        for n in range(0, 1001):
            category = rule(n)
            if category not in out:
                out[category] = self.ngettext(singular, plural, n)
        return out

    # ------------------------------------------------------------------ dates and numbers

    def _digits_of(self, text: str) -> str:
        return text.translate(self._digits) if self._digits else text

    def date(self, value: dt.date | dt.datetime | None) -> str:
        """A date as the site writes it: "1 March 2025", "1 mars 2025", "1. März 2025"."""
        if value is None:
            return ""
        day = value.date() if isinstance(value, dt.datetime) else value
        return self._digits_of(format_date(day, self.pgettext("date format", DATE),
                                           locale=self.locale))

    def month_year(self, year: int, month: int) -> str:
        return self._digits_of(format_date(dt.date(year, month, 1),
                                           self.pgettext("date format", MONTH_YEAR),
                                           locale=self.locale))

    def day_month(self, value: dt.date | dt.datetime) -> str:
        day = value.date() if isinstance(value, dt.datetime) else value
        return self._digits_of(format_date(day, self.pgettext("date format", DAY_MONTH),
                                           locale=self.locale))

    def month(self, number: int) -> str:
        """A month's name standing alone (nominative where the language declines it)."""
        return format_date(dt.date(2000, number, 1), "LLLL", locale=self.locale)

    def number(self, value: int | float, grouping: bool = True) -> str:
        """A number in the language's digits and separators (none in a year: 2025)."""
        return self._digits_of(format_decimal(value, locale=self.locale,
                                              numbering_system="default",
                                              group_separator=grouping))


def _as_translations(catalog: Catalog) -> Translations:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=catalogues.DOMAIN)


@functools.lru_cache(maxsize=32)
def _load(tag: str, po: Path | None, po_stamp: tuple, site_file: Path | None,
          site_stamp: tuple) -> Words:
    locale = catalogues.locale_for(tag)
    h = hashlib.sha256(f"{tag}\0{locale}".encode())
    if po is not None:
        catalog = catalogues.read(po, locale)
        h.update(po.read_bytes())
    else:
        catalog = Catalog(locale=locale, domain=catalogues.DOMAIN)
    overridden: set[tuple[str | None, str]] = set()
    if site_file is not None:
        template = catalogues.template()
        plurals = {m.id[0]: m.id[1] for m in template if m.id and isinstance(m.id, tuple)}
        for o in overrides.read(site_file, locale, plurals):
            msgid = (o.msgid, plurals[o.msgid]) if isinstance(o.text, tuple) else o.msgid
            known = catalog.get(msgid, context=o.context)
            if known is not None:  # Catalog.add keeps a known message's text
                known.string = o.text
            else:
                catalog.add(msgid, o.text, context=o.context)
            overridden.add((o.context, o.msgid))
        h.update(site_file.read_bytes())
    return Words(tag, locale, _as_translations(catalog), h.hexdigest()[:16],
                 frozenset(overridden))


def _stamp(path: Path | None) -> tuple:
    if path is None:
        return ()
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def load(tag: str, site_root: Path | None = None) -> Words:
    """The words of a language tag ("fr", "pt-BR", "ar"), with the site's own on top.

    Raises ContentError naming the file and line if the site's file is wrong."""
    tag = tag or "en"
    po = catalogues.catalogue_path(tag)
    site_file = overrides.override_file(site_root, tag)
    return _load(tag, po, _stamp(po), site_file, _stamp(site_file))
