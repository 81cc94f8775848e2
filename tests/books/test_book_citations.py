"""A book's citations are formatted across the whole book, as Pandoc formats the chapters
put together in book order: Doe 2001a in chapter 1 and 2001b in chapter 3, a source's
short form in a later chapter, one numbering in a numeric style, and one bibliography of
every source any chapter cites. Pandoc is the oracle, as for single posts."""

from __future__ import annotations

import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from masthead.render import citeproc
from masthead.render.book import render_book
from masthead.render.engine import BodySource, RenderContext
from tests.content.test_citations_match_pandoc import SOURCES, normalise, pandoc_render

CHAPTERS = [
    "Doe first [@doe2001, p. 3], then Roe [@roe1999].[^1]\n\n[^1]: See [@anon].\n",
    "Nothing cited here, only a note.[^1]\n\n[^1]: A plain note.\n",
    "Doe again [@doe2001b, 12] and [@doe2001, 4]; the page [@anon].[^a]\n\n"
    "[^a]: Compare [-@roe1999, 9].\n",
    "And John Doe [@doe2001c], then Roe once more [@roe1999, 2].\n",
    "Roe, still [@roe1999, 3].\n",  # right after chapter 4's citation of it
]


def _as_one_text(chapters: list[str]) -> str:
    """The chapters as one Markdown text, in order, each note label made the chapter's."""
    out = []
    for n, text in enumerate(chapters, 1):
        out.append(f"# Chapter {n}\n\n" + re.sub(r"\[\^([^\]]+)\]", rf"[^c{n}-\1]", text))
    return "\n\n".join(out)


def _cites(html: str) -> tuple[list[str], list[str]]:
    """The citations of the text and those of its notes, each in reading order."""
    tree = HTMLParser(html)
    notes = [normalise(n.html) for n in tree.css("section.footnotes span.citation")]
    everything = [normalise(n.html) for n in tree.css("span.citation")]
    return everything[:len(everything) - len(notes)], notes


def _note_texts(html: str) -> list[str]:
    """The words of each footnote in order, without the link back to the text."""
    return [normalise(li.text().replace("↩︎", "").replace("↩", ""))
            for li in HTMLParser(html).css("section.footnotes li")]


@pytest.mark.parametrize("style", ["chicago-author-date", "ieee", "chicago-notes-bibliography"])
def test_the_books_citations_and_bibliography_are_pandocs_for_the_whole_book(style, tmp_path):
    bib = tmp_path / "bib.json"
    bib.write_text(json.dumps([dict(v, id=k) for k, v in SOURCES.items()]))
    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style(style))
    book = render_book([BodySource(f"chapter {n}", t) for n, t in enumerate(CHAPTERS, 1)], ctx)
    want = pandoc_render(_as_one_text(CHAPTERS), bib, ctx.style)
    want_text, want_notes = _cites(want)
    got_text, got_notes, got_note_texts = [], [], []
    for html in book.chapters:
        text, notes = _cites(html)
        got_text += text
        got_notes += notes
        got_note_texts += _note_texts(html)
    if style == "chicago-notes-bibliography":
        # Each citation is a note of its own, numbered with the writer's notes: the notes'
        # words are compared (the short forms and "Ibid." are where the book shows). One
        # difference is Masthead's, for single posts too: a citation inside the writer's
        # own note stays plain, as the Chicago manual writes it, where Pandoc puts it in
        # parentheses.
        assert got_note_texts == [re.sub(r"\((“[^)]*)\)", r"\1", t) for t in _note_texts(want)]
        # Chapter 3 cites Doe's First Book short: chapter 1 cited it in full.
        assert len(got_note_texts) >= 9 and "Doe, First Book, 4." in got_note_texts
    else:
        assert got_text == want_text
        assert got_notes == want_notes
        assert len(want_text) + len(want_notes) >= 7
    entries = [(n.attributes["id"], normalise(n.inner_html or ""))
               for n in HTMLParser(want).css("div.csl-entry")]
    assert [(n.attributes["id"], normalise(n.inner_html or ""))
            for n in HTMLParser(book.bibliography).css("div.csl-entry")] == entries
    assert len(entries) == 5  # every source, cited in any chapter, once
    # No chapter carries a bibliography of its own.
    assert not any("csl-entry" in html for html in book.chapters)


def test_same_author_same_year_is_disambiguated_across_chapters(tmp_path):
    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"))
    first, _, third, *_ = render_book(
        [BodySource(f"chapter {n}", t) for n, t in enumerate(CHAPTERS, 1)], ctx).chapters
    assert "Doe 2001a" in HTMLParser(first).text()  # the b is only in chapter 3
    assert "Doe 2001b" in HTMLParser(third).text()
