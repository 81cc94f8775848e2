"""Clean citations as *shapes*: a cluster with its locator numbers taken out.

The shortcut (:mod:`masthead.render.cite_shortcut`) has Pandoc render shapes, not the
writer's texts: ``[@key, p. 12]`` and ``[@key, p. 40]`` are one shape,
``[@key, p. 999991]``, and the numbers are put back into Pandoc's output. Only the
numbers are taken out: the label, prefix, suppressed author and form stay, so Pandoc
sees the same structure (a single page or a range, page or chapter). A page range's
digits are shortened as the style's page-range-format says (:func:`page_range`, the rule
citeproc applies to page locators). In a style that keeps the writer's order within a
cluster (chicago-author-date), ``[see @a, pp. 3--5; @b]`` is rendered item by item and
joined with the layout's delimiter, when its sources share no name at all whatever the
year, so that citeproc groups and collapses nothing; sorting styles (apa) get the
cluster's shape whole. Anything else is its own shape: the text as written.
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from masthead.content.citekeys import KEY
from masthead.render.cite_style import Style
from masthead.render.pandoc import pandoc_path

# ---------------------------------------------------------------------------- shapes

# Labels Pandoc reads as a locator's (English terms); "page" ones go through the
# style's page-range-format, the others are joined with an en dash as written.
_PAGE_LABELS = ("p.", "pp.", "page", "pages")
_OTHER_LABELS = ("chap.", "chaps.", "sec.", "secs.", "n.", "nn.", "para.", "paras.",
                 "vol.", "vols.", "fig.", "figs.", "col.", "cols.", "no.", "nos.")
_LABEL = "|".join(re.escape(label) for label in (*_PAGE_LABELS, *_OTHER_LABELS))
_NUMBER = r"[1-9]\d{0,5}"
_LOCATOR = (r"(?:(?P<label>" + _LABEL + r") ?)?(?P<lo>" + _NUMBER + r")"
            r"(?:(?P<dash>--?)(?P<hi>" + _NUMBER + r"))?")
_ITEM_RE = re.compile(r"(?P<head>[^@;]*?-?@" + KEY + r")(?:, " + _LOCATOR + r")?")
_NARRATIVE_RE = re.compile(r"(?P<head>@" + KEY + r") \[" + _LOCATOR + r"\]")
# An item prefix that joins other items without touching their punctuation.
_SIMPLE_PREFIX_RE = re.compile(r"(?:[A-Za-z]+\.?,? )*")
_DATA_CITES_RE = re.compile(r'<span class="citation" data-cites="([^"]*)">')
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class _Slot:
    """One locator number (or range) taken out of a cluster: placeholder ``n``."""

    n: int
    lo: str
    hi: str | None  # the end of a range
    page: bool  # a page locator: page-range-format applies


@dataclass(frozen=True)
class _Piece:
    """A shape to render, and the numbers to put back into it."""

    shape: str
    slots: tuple[_Slot, ...]
    keys: tuple[str, ...]  # the sources it cites, for the run's bibliography


def _shaped(text: str, pattern: re.Pattern[str], n: int, english: bool,
            ) -> tuple[str, _Slot | None] | None:
    """One item as a shape, its locator number replaced by placeholder ``n``; None if
    it is not an item of the simple kind. Pandoc reads the labels in the site's
    language: elsewhere "pp." is text, so a range after a label is left alone."""
    m = pattern.fullmatch(text)
    if m is None:
        return None
    if m.group("lo") is None:
        return text, None
    label, lo, hi = m.group("label"), m.group("lo"), m.group("hi")
    if hi and label and not english:
        return None
    placeholder = f"100{m.group('dash')}99999{n}" if hi else f"99999{n}"
    shape = text[: m.start("lo")] + placeholder + text[m.end("hi" if hi else "lo") :]
    return shape, _Slot(n, lo, hi, label is None or label in _PAGE_LABELS)


def plan_cluster(raw: str, keys: Sequence[str], facts: StyleFacts,
                 tokens: Mapping[str, frozenset[str]], language: str,
                 ) -> tuple[list[_Piece], bool]:
    """The pieces a clean cluster (whitespace-normalised) is made of, and whether they
    are items joined into one cluster; else there is one piece, the cluster's shape."""
    whole = [_Piece(raw, (), tuple(keys))], False
    english = language.casefold() in ("", "en") or language.casefold().startswith("en-")
    if raw.startswith("@"):
        got = _shaped(raw, _NARRATIVE_RE, 1, english)
        return ([_Piece(got[0], (got[1],), tuple(keys))], False) if got and got[1] else whole
    if not (raw.startswith("[") and raw.endswith("]")):
        return whole
    items = raw[1:-1].split(";")
    if len(items) != len(keys) or len(items) > 9:
        return whole
    shaped = [_shaped(text, _ITEM_RE, n, english) for n, text in enumerate(items, 1)]
    if any(s is None for s in shaped):
        return whole
    done = [s for s in shaped if s is not None]
    if len(items) > 1 and _composable(items, keys, facts, tokens):
        alone = [_shaped(text.strip(), _ITEM_RE, 1, english) for text in items]
        return [_Piece(f"[{s}]", (slot,) if slot else (), (key,))  # type: ignore[misc]
                for (s, slot), key in zip(alone, keys, strict=True)], True
    slots = tuple(slot for _, slot in done if slot)
    # Several items' numbers in one shape: only if no number can decide their order or
    # whether two of them are one (a source cited twice).
    if not slots or (len(slots) > 1 and (facts.sort_reads_locator or len(set(keys)) < len(keys))):
        return whole
    return [_Piece("[" + ";".join(s for s, _ in done) + "]", slots, tuple(keys))], False


def _composable(items: Sequence[str], keys: Sequence[str], facts: StyleFacts,
                tokens: Mapping[str, frozenset[str]]) -> bool:
    """Whether each item renders as it would alone: the style keeps the writer's order,
    and no two items' sources share a name whatever the year, so citeproc groups and
    collapses nothing. A source without names stands for its title, whose short form
    may be another's: never joined."""
    if facts.layout is None or len(set(keys)) != len(keys):
        return False
    seen: set[str] = set()
    for text, key in zip(items, keys, strict=True):
        head = _ITEM_RE.fullmatch(text.strip())
        if head is None or not _SIMPLE_PREFIX_RE.fullmatch(
                head.group("head").split("@")[0].removesuffix("-")):
            return False
        mine = tokens[key]
        if not seen.isdisjoint(mine) or any(t.startswith("t:") for t in mine):
            return False
        seen |= mine
    return True


def page_range(fmt: str | None, lo: str, hi: str) -> tuple[str, str]:
    """The two ends of a page range of digits as citeproc prints them under the style's
    page-range-format (CSL 1.0.2: expanded, minimal, minimal-two, chicago-15/16)."""
    if fmt is None:
        return lo, hi
    x, y = lo, hi
    y2 = x[: len(x) - len(y)] + y if len(y) < len(x) else y

    def minimal(threshold: int) -> tuple[str, str]:
        common = next((k for k, (a, b) in enumerate(zip(x, y2, strict=False)) if a != b),
                      min(len(x), len(y2)))
        if common == 0 or len(x) != len(y2):
            return x, y2
        rest = y2[common:]
        if len(rest) < threshold <= len(y2):
            return x, y2[-threshold:]
        return x, rest

    if fmt == "expanded":
        return x, y2
    if fmt == "minimal":
        return minimal(1)
    if fmt == "minimal-two":
        return minimal(2)
    # chicago (15th edition) and chicago-16
    if len(x) < 3 or x.endswith("00"):
        return x, y2
    if x[-2:][:1] == "0" and y2[-2:][:1] == "0":
        return minimal(1)
    if fmt == "chicago-15" and len(x) == 4 and sum(
            a != b for a, b in zip(x + " " * len(y2), y2, strict=False)) >= 3:
        return x, y2
    return minimal(2)


def _fill(html: str, slots: Sequence[_Slot], fmt: str | None) -> str | None:
    """Put the numbers back into a shape's HTML; None if one is not there exactly once."""
    for slot in slots:
        n = slot.n
        if slot.hi is None:
            pattern = re.compile(rf"(?<!\d)99999{n}(?!\d)")
            found = pattern.findall(html)
            if len(found) != 1:
                return None
            html = pattern.sub(slot.lo, html)
        else:
            pattern = re.compile(rf"(?<!\d)100(\D{{1,12}}?)99999{n}(?!\d)")
            found = pattern.findall(html)
            if len(found) != 1:
                return None
            x, y = page_range(fmt if slot.page else None, slot.lo, slot.hi)
            html = pattern.sub(lambda m, x=x, y=y: x + m.group(1) + y, html)
    return html


# ---------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class StyleFacts:
    """What the shortcut reads in a style's CSL."""

    page_range_format: str | None
    layout: tuple[str, str, str] | None  # prefix, delimiter, suffix; None: no joining
    sort_reads_locator: bool  # the citation's sort may look at a locator


def _reads_locator(citation: str, csl: str) -> bool:
    """Whether the citation's sort keys could depend on a locator: one names it, or
    calls a macro that mentions it, or calls one that does, and so on."""
    sort = re.search(r"<sort\b.*?</sort>", citation, re.S)
    if sort is None:
        return False
    macros = {m.group(1): m.group(2) for m in re.finditer(
        r'<macro\s+name="([^"]*)"[^>]*>(.*?)</macro>', csl, re.S)}
    todo, seen = [sort.group(0)], set()
    while todo:
        body = todo.pop()
        if "locator" in body:
            return True
        for name in re.findall(r'\bmacro="([^"]*)"', body):
            if name not in seen:
                seen.add(name)
                todo.append(macros.get(name, "locator"))  # an unknown macro: assume so
    return False


@cache
def _default_csl() -> str:
    return subprocess.run([pandoc_path(), "--print-default-data-file", "default.csl"],
                          capture_output=True, text=True, check=True,
                          encoding="utf-8").stdout


@cache
def style_facts(style: Style) -> StyleFacts:
    """The style's page-range-format, and the affixes and delimiter of its citation
    layout if items can be joined: no sort within a cluster, a plain layout."""
    try:
        text = _default_csl() if style.path is None else style.path.read_text(encoding="utf-8")
    except (OSError, subprocess.CalledProcessError):
        return StyleFacts(None, None, True)
    root = re.search(r"<style\b[^>]*>", text)
    fmt = re.search(r'\bpage-range-format="([^"]*)"', root.group(0)) if root else None
    known = {"chicago": "chicago-15", "chicago-15": "chicago-15", "chicago-16": "chicago-16",
             "expanded": "expanded", "minimal": "minimal", "minimal-two": "minimal-two"}
    page_format = known.get(fmt.group(1)) if fmt else None
    layout = None
    citation = re.search(r"<citation\b.*?</citation>", text, re.S)
    if citation and "<sort" not in citation.group(0):
        tag = re.search(r"<layout\b([^>]*)>", citation.group(0))
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1))) if tag else {}
        if tag and set(attrs) <= {"prefix", "suffix", "delimiter"} and attrs.get("delimiter"):
            parts = tuple(htmllib.unescape(attrs.get(a, "")) for a in
                          ("prefix", "delimiter", "suffix"))
            if all(re.fullmatch(r"[()\[\];,: ]*", p) for p in parts):
                layout = (parts[0], parts[1], parts[2])
    reads = _reads_locator(citation.group(0), text) if citation else True
    return StyleFacts(page_format, layout, reads)


def _join(pieces: Sequence[_Piece], htmls: Sequence[str], layout: tuple[str, str, str],
          ) -> str | None:
    """Items rendered alone, joined as one cluster; None unless each is the plain
    ``<span class="citation" ...>(item)</span>`` and its ends are letters or digits
    (nothing for citeproc's punctuation rules to merge at the delimiter)."""
    prefix, delimiter, suffix = layout
    cites, inners = [], []
    for h in htmls:
        m = _DATA_CITES_RE.match(h)
        if m is None:
            return None
        inner = h[m.end():]
        if not (inner.startswith(prefix) and inner.endswith(suffix + "</span>")):
            return None
        inner = inner[len(prefix) : len(inner) - len(suffix + "</span>")]
        text = htmllib.unescape(_TAG_RE.sub("", inner))
        if not (text[:1].isalnum() and text[-1:].isalnum()):
            return None
        cites.append(m.group(1))
        inners.append(inner)
    return (f'<span class="citation" data-cites="{" ".join(cites)}">'
            f"{prefix}{delimiter.join(inners)}{suffix}</span>")
