"""Gather every phrase the theme and the renderer say into masthead/locale/masthead.pot
and bring each language's .po file up to date with it (Babel's extract and update).

    .venv/bin/python scripts/update_catalogues.py            # extract, update every .po
    .venv/bin/python scripts/update_catalogues.py --init nl  # start a new language

A new or changed phrase comes into every .po file untranslated (a changed one marked
fuzzy); tests/i18n/test_catalogues.py fails until every language translates it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from masthead.translation import catalogues, words  # noqa: E402

# Where phrases are said: the theme's templates, and the Python that writes reader-facing
# words (the renderer's notes and bibliography, the newsletter's pages and emails).
SOURCES = [
    ("masthead/themes/**.html", "jinja2", {"extensions": "jinja2.ext.i18n"}),
    ("masthead/render/engine.py", "python", {}),
    ("masthead/sitegen/theme.py", "python", {}),
    ("masthead/newsletter/views.py", "python", {}),
    ("masthead/newsletter/tasks.py", "python", {}),
]
KEYWORDS = {
    "_": None, "gettext": None, "say": None, "N_": None,
    "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
    "_say": (2,), "plural_forms": (1, 2),
}
DATE_FORMATS = [words.DATE, words.MONTH_YEAR, words.DAY_MONTH]


def extract() -> Catalog:
    pot = Catalog(project="Masthead", domain=catalogues.DOMAIN, fuzzy=False)
    method_map = [(pattern, method) for pattern, method, _ in SOURCES]
    options_map = {pattern: opts for pattern, _, opts in SOURCES}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for pattern in DATE_FORMATS:
        pot.add(pattern, None, [("masthead/translation/words.py", 0)], context="date format",
                auto_comments=["A Babel (CLDR) date pattern: d day, MMMM month's name, "
                               "LLLL its name standing alone, y year; 'text' in quotes."])
    return pot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", metavar="LANG", help="start a catalogue for a language")
    args = parser.parse_args()
    pot = extract()
    if catalogues.TEMPLATE.is_file():  # the same phrases: keep the date, so no file changes
        old = catalogues.template()
        if [(m.id, m.context) for m in old] == [(m.id, m.context) for m in pot]:
            pot.creation_date = old.creation_date
    with catalogues.TEMPLATE.open("wb") as f:
        write_po(f, pot, omit_header=False, sort_output=False, width=100)
    names = catalogues.shipped_languages()
    if args.init:
        names.append(args.init)
    for name in sorted(set(names)):
        path = catalogues.LOCALE_DIR / name / "LC_MESSAGES" / f"{catalogues.DOMAIN}.po"
        if path.is_file():
            with path.open("rb") as f:
                po = read_po(f, locale=name, domain=catalogues.DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            po = Catalog(locale=name, domain=catalogues.DOMAIN, project="Masthead")
        po.update(pot, update_header_comment=False)
        po.obsolete.clear()
        with path.open("wb") as f:
            write_po(f, po, width=100, sort_output=False, omit_header=False,
                     include_previous=False, ignore_obsolete=True)
        print(f"{path.relative_to(ROOT)}: {len(po)} phrases")


if __name__ == "__main__":
    main()
