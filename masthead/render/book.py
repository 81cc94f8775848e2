"""A book's chapters rendered as one text: citations formatted across the whole book.

On the site each post's citations are formatted alone. In a book, "Orwell 1946a" and
"1946b", "ibid." and the short form of a source already cited belong to the book, not
to one chapter: a source first cited in chapter 2 is cited short in chapter 5. So the
chapters' citations go to Pandoc as one document, in book order, and come back split
by chapter; the book has one bibliography, of every source any chapter cites.

The work is in two steps so that a book build can keep what did not change:
:func:`prepare_book` reads every chapter (Markdown and citation marks, fast) and formats
the book's citations (from the site's citation cache when the book's citations are the
ones it formatted before, so editing prose costs no Pandoc run); then each chapter's
:meth:`PreparedBook.state` says everything the chapter's HTML depends on besides its
text, and :meth:`PreparedBook.finish` makes the HTML, for the chapters whose text or
state changed. Raw HTML an e-book cannot hold is fixed up here, before the sanitiser
would drop it silently: an embedded frame becomes a link to what it showed; a script or
a form is left out, and the chapter's notes say so.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from masthead.render.engine import (
    BodySource,
    RenderContext,
    _bibliography,
    _finish,
    _format,
    _prepare,
    _Prepared,
)
from masthead.render.pandoc import Formatted

_FRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe\s*>|<iframe\b([^>]*)/?>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_DROPPED = {"script": re.compile(r"<script\b.*?(?:</script\s*>|$)", re.S | re.I),
            "form": re.compile(r"<form\b.*?(?:</form\s*>|$)", re.S | re.I)}


@dataclass(frozen=True)
class RenderedBook:
    chapters: list[str]  # each chapter's HTML, with its notes, without a bibliography
    bibliography: str  # the book's one bibliography section ("" if nothing is cited)
    notes: list[list[str]] = field(default_factory=list)  # per chapter: what was fixed up


def _fix_up(html: str, said: list[str]) -> str:
    """An embedded frame as a link to its address; scripts and forms left out."""
    def frame(m: re.Match[str]) -> str:
        src = _SRC.search(m.group(1) or m.group(2) or "")
        address = next((g for g in src.groups() if g), "") if src else ""
        if not address.startswith(("http://", "https://")):
            said.append("an embedded frame with no web address was left out")
            return ""
        said.append(f"an embedded frame became a link to {address}")
        safe = address.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return f'<a href="{safe}">{safe}</a>'

    if "<" not in html:
        return html
    html = _FRAME.sub(frame, html)
    for name, pattern in _DROPPED.items():
        html, n = pattern.subn("", html)
        if n:
            said.append(f"{'a ' + name if n == 1 else f'{n} {name}s'} "
                        f"{'was' if n == 1 else 'were'} left out (an e-book cannot hold "
                        f"{'scripts' if name == 'script' else 'forms'})")
    return html


@dataclass
class PreparedBook:
    """The book read and its citations formatted, before any chapter is finished."""

    prepared: list[_Prepared]
    whole: Formatted | None
    ctx: RenderContext
    notes: list[list[str]]  # per chapter: what was fixed up (see :func:`_fix_up`)
    _starts: list[int] = field(default_factory=list)

    def part(self, i: int) -> Formatted | None:
        """The book's formatting of chapter ``i``'s citations."""
        p = self.prepared[i]
        if self.whole is None or not p.live:
            return None
        start = self._starts[i]
        return Formatted(clusters=self.whole.clusters[start:start + len(p.live)],
                         notes=self.whole.notes[start:start + len(p.live)], entries=[],
                         refs_class=self.whole.refs_class)

    def state(self, i: int) -> str:
        """What chapter ``i``'s HTML depends on from the rest of the book (how its
        citations read: "ibid.", 1946a), as text to hash with the chapter's own."""
        part = self.part(i)
        return "" if part is None else json.dumps([part.clusters, part.notes,
                                                   part.refs_class])

    def finish(self, i: int) -> str:
        """Chapter ``i``'s HTML, with its notes, without a bibliography."""
        return _finish(self.prepared[i], self.part(i), self.ctx.language, self.ctx.words)

    def bibliography(self) -> str:
        if self.whole is None:
            return ""
        return _bibliography(self.whole, self.ctx.language, self.ctx.words)


def prepare_book(chapters: Sequence[BodySource], ctx: RenderContext) -> PreparedBook:
    """Read the chapters in book order and format their citations as one document; the
    first chapter that cannot be rendered (a key no source has) raises its error, naming
    the chapter."""
    prepared, notes = [], []
    for chapter in chapters:
        p = _prepare(chapter, ctx)
        said: list[str] = []
        p.doc.main = _fix_up(p.doc.main, said)
        p.doc.notes = {k: _fix_up(v, said) for k, v in p.doc.notes.items()}
        prepared.append(p)
        notes.append(said)
    clusters = [p.clusters[n] for p in prepared for n in p.live]
    whole: Formatted | None = None
    if clusters:
        whole = _format([clusters], dataclasses.replace(ctx, workers=1))[0]
    starts, at = [], 0
    for p in prepared:
        starts.append(at)
        at += len(p.live)
    return PreparedBook(prepared, whole, ctx, notes, starts)


def render_book(chapters: Sequence[BodySource], ctx: RenderContext) -> RenderedBook:
    """Render the chapters in book order, every one (see :func:`prepare_book`)."""
    book = prepare_book(chapters, ctx)
    return RenderedBook(chapters=[book.finish(i) for i in range(len(chapters))],
                        bibliography=book.bibliography(), notes=book.notes)
