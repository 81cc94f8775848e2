"""A book's chapters rendered as one text: citations formatted across the whole book.

On the site each post's citations are formatted alone. In a book, "Orwell 1946a" and
"1946b", "ibid." and the short form of a source already cited belong to the book, not
to one chapter: a source first cited in chapter 2 is cited short in chapter 5. So the
chapters' citations go to Pandoc as one document, in book order, and come back split
by chapter; the book has one bibliography, of every source any chapter cites.
Footnotes stay numbered per chapter (each chapter is a file of its own in an EPUB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from masthead.render.citeproc import format_citations
from masthead.render.engine import (
    BodySource,
    RenderContext,
    _bibliography,
    _finish,
    _prepare,
)
from masthead.render.pandoc import Formatted


@dataclass(frozen=True)
class RenderedBook:
    chapters: list[str]  # each chapter's HTML, with its notes, without a bibliography
    bibliography: str  # the book's one bibliography section ("" if nothing is cited)


def render_book(chapters: Sequence[BodySource], ctx: RenderContext) -> RenderedBook:
    """Render the chapters in book order; the first chapter that cannot be rendered
    (a key no source has) raises its error, naming the chapter."""
    prepared = [_prepare(chapter, ctx) for chapter in chapters]
    clusters = [p.clusters[n] for p in prepared for n in p.live]
    whole: Formatted | None = None
    if clusters:
        whole = format_citations([clusters], ctx.sources, ctx.style, language=ctx.language,
                                 workers=1)[0]
    out, start = [], 0
    for p in prepared:
        end = start + len(p.live)
        part = None
        if whole is not None and p.live:
            part = Formatted(clusters=whole.clusters[start:end], notes=whole.notes[start:end],
                             entries=[], refs_class=whole.refs_class)
        out.append(_finish(p, part, ctx.language, ctx.words))
        start = end
    bibliography = _bibliography(whole, ctx.language, ctx.words) if whole is not None else ""
    return RenderedBook(chapters=out, bibliography=bibliography)
