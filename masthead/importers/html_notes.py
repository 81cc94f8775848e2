"""Footnotes, whichever way the platform marks them (WordPress's footnotes block and
plugins, Substack's, Ghost's and Pandoc's ``section.footnotes``, hand-made
``<sup><a href="#fn1">``): each reference becomes a marker in the text and each note's
element is set aside, to be written as ``[^1]`` and a definition at the end."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

_NOTE_REF_TEXT = re.compile(r"^\s*[\[(]?\s*(\d{1,3}|[*†‡§]|[ivxlc]{1,6})\s*[\])]?\s*$", re.I)
_BACKLINK_TEXT = re.compile(r"^\s*(↩|↩︎|\^|↑|⤴|back|return)\s*$", re.I)


def _note_target(targets: dict[str, Tag], ref: Tag) -> Tag | None:
    """The element a footnote reference points at, if it looks like a note."""
    href = ref.get("href") or ""
    if not href.startswith("#") or len(href) < 2:
        return None
    if not _NOTE_REF_TEXT.match(ref.get_text()):
        return None
    target = targets.get(href[1:])
    if target is None or target is ref or ref in target.parents:
        return None
    return target


def _note_body(target: Tag) -> Tag:
    """The element that holds a note's words: the list item or paragraph around a bare
    anchor, else the target itself."""
    if target.name == "a" and not target.get_text(strip=True).strip("[]()0123456789 "):
        # Substack: <div class="footnote"><a id="footnote-1">1</a><div>words</div></div>
        for depth, parent in enumerate(target.parents):
            classes = " ".join(parent.get("class") or [])
            if depth < 3 and "footnote" in classes and "footnotes" not in classes:
                return parent
        # <a name="fn1">[1]</a> text...: the paragraph (or list item) it starts.
        for parent in target.parents:
            if parent.name in ("li", "p", "div"):
                return parent
    return target


def footnotes(soup: BeautifulSoup) -> list[tuple[str, Tag]]:
    """Replace note references with markers; return (marker, note element) in order."""
    notes: list[tuple[str, Tag]] = []
    seen: dict[int, str] = {}
    targets: dict[str, Tag] = {}
    for el in soup.find_all(attrs={"name": True}):
        if el.name == "a":
            targets.setdefault(el["name"], el)
    for el in soup.find_all(id=True):
        targets[el["id"]] = el
    for ref in list(soup.find_all("a", href=True)):
        if ref.parent is None:
            continue
        target = _note_target(targets, ref)
        if target is None:
            continue
        body = _note_body(target)
        if id(body) in seen:
            marker = seen[id(body)]
        else:
            marker = f"MASTHEADNOTE{len(notes) + 1}X"
            seen[id(body)] = marker
            notes.append((marker, body))
        anchor = ref.parent if ref.parent.name == "sup" and \
            ref.parent.get_text(strip=True) == ref.get_text(strip=True) else ref
        anchor.replace_with(NavigableString(marker))
    for _, body in notes:
        # Back-links (↩, or links to a reference id) and the note's own number go.
        for a in list(body.find_all("a", href=True)):
            if _BACKLINK_TEXT.match(a.get_text()) or "backref" in " ".join(a.get("class", [])) \
                    or "footnote-number" in " ".join(a.get("class", [])):
                a.decompose()
        for a in list(body.find_all("a")):
            if not a.get("href") and _NOTE_REF_TEXT.match(a.get_text() or "x"):
                a.decompose()
    return notes


def remove_note_containers(notes: list[tuple[str, Tag]]) -> None:
    """Take the notes out of the text, and what held only them."""
    for _, body in notes:
        parent = body.parent
        body.extract()
        # An emptied list, section or div that only held notes goes too (with its heading).
        while parent is not None and parent.name in ("ol", "ul", "section", "div", "aside",
                                                      "footer") and not parent.get_text(
                strip=True).replace("Notes", "").replace("Footnotes", ""):
            nxt = parent.parent
            parent.decompose()
            parent = nxt
