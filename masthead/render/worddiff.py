"""What changed in a book between two versions, chapter by chapter, word by word.

A version keeps each chapter's text (its Markdown) under a key that stays the same when
the chapter is renamed (its post's slug). Comparing two versions names the chapters
added, removed, renamed and moved, and for each changed chapter gives only the
paragraphs that changed, with the words taken out and put in: readable as HTML
(``<del>``/``<ins>``, everything else escaped) on the web book and as plain text
(``[-taken out-]{+put in+}``, as wdiff writes it) in a terminal. No Django: the
build, the command line and the email all use it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

SAME, INS, DEL = "same", "ins", "del"
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
_PARAGRAPHS = re.compile(r"\n\s*\n")
# A word, or a run of punctuation, each with the space before it: "second," changed to
# "second, longer" is one word put in, not one changed.
_WORDS = re.compile(r"\s*(?:\w+|[^\w\s]+)")
CONTEXT = 8  # words kept either side of a change inside a long paragraph


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, INS or DEL
    text: str


@dataclass
class ChapterChange:
    """One chapter of either version: how it changed, and its changed paragraphs (each a
    list of pieces; an unchanged stretch between them is left out)."""

    key: str
    kind: str  # ADDED, REMOVED, CHANGED or UNCHANGED (its text; see renamed, moved)
    title: str  # its title in the newer version (the older, if removed)
    old_title: str = ""
    moved: bool = False
    words_in: int = 0
    words_out: int = 0
    paragraphs: list[list[Piece]] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        return bool(self.old_title) and self.old_title != self.title

    @property
    def touched(self) -> bool:
        return self.kind != UNCHANGED or self.renamed or self.moved


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in _PARAGRAPHS.split(text.strip()) if p.strip()]


def _trim(pieces: list[Piece]) -> list[Piece]:
    """A long unchanged stretch inside a paragraph cut to a few words either side."""
    out = []
    for i, piece in enumerate(pieces):
        words = piece.text.split()
        if piece.kind != SAME or len(words) <= 2 * CONTEXT + 1:
            out.append(piece)
            continue
        lead = " " if piece.text[:1].isspace() else ""
        head = " ".join(words[:CONTEXT]) if i > 0 else ""
        tail = " ".join(words[-CONTEXT:]) if i < len(pieces) - 1 else ""
        cut = f"{head} … {tail}" if head and tail else f"{head} …" if head else \
            f"… {tail}" if tail else "…"
        out.append(Piece(SAME, lead + cut))
    return out


def _words(old: str, new: str) -> tuple[list[Piece], int, int]:
    """The pieces of a paragraph changed from ``old`` to ``new``, and the words in/out."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[Piece] = []
    words_in = words_out = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece(SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece(DEL, "".join(a[i1:i2])))
            words_out += sum(w.strip()[:1].isalnum() for w in a[i1:i2])
        if j2 > j1:
            pieces.append(Piece(INS, "".join(b[j1:j2])))
            words_in += sum(w.strip()[:1].isalnum() for w in b[j1:j2])
    return _trim(pieces), words_in, words_out


def diff_text(old: str, new: str) -> tuple[list[list[Piece]], int, int]:
    """The paragraphs that differ between two texts, word by word: (paragraphs, words
    put in, words taken out). Paragraphs are matched first, so a change in one never
    lines up with words of another."""
    a, b = _paragraphs(old), _paragraphs(new)
    out: list[list[Piece]] = []
    total_in = total_out = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        # Paragraph by paragraph; those left over on one side are wholly in or out.
        olds, news = a[i1:i2], b[j1:j2]
        both = min(len(olds), len(news))
        pairs = list(zip(olds[:both], news[:both], strict=True))
        pairs += [(p, "") for p in olds[both:]] + [("", p) for p in news[both:]]
        for old_p, new_p in pairs:
            pieces, words_in, words_out = _words(old_p, new_p)
            out.append(pieces)
            total_in, total_out = total_in + words_in, total_out + words_out
    return out, total_in, total_out


def compare(old: Sequence[dict], new: Sequence[dict]) -> list[ChapterChange]:
    """Every chapter of either version (dicts with "key", "title" and "text"), in the
    newer version's order with removed ones where they stood, each with how it changed."""
    before = {c["key"]: (n, c) for n, c in enumerate(old)}
    after_keys = [c["key"] for c in new]
    kept_order = [k for k in after_keys if k in before]
    old_order = [c["key"] for c in old if c["key"] in set(after_keys)]
    moved_keys = _moved(old_order, kept_order)
    changes: list[ChapterChange] = []
    for chapter in new:
        key = chapter["key"]
        if key not in before:
            paragraphs, words_in, _ = diff_text("", chapter.get("text", ""))
            changes.append(ChapterChange(key, ADDED, chapter["title"], words_in=words_in,
                                         paragraphs=paragraphs))
            continue
        was = before[key][1]
        paragraphs, words_in, words_out = diff_text(was.get("text", ""),
                                                    chapter.get("text", ""))
        changes.append(ChapterChange(
            key, CHANGED if paragraphs else UNCHANGED, chapter["title"],
            old_title=was["title"], moved=key in moved_keys, words_in=words_in,
            words_out=words_out, paragraphs=paragraphs))
    for n, chapter in enumerate(old):
        if chapter["key"] in set(after_keys):
            continue
        paragraphs, _, words_out = diff_text(chapter.get("text", ""), "")
        # Where it stood: after the chapter that came before it and is still there.
        place = 0
        for earlier in reversed([c["key"] for c in old[:n]]):
            found = [i for i, c in enumerate(changes) if c.key == earlier]
            if found:
                place = found[0] + 1
                break
        changes.insert(place, ChapterChange(chapter["key"], REMOVED, chapter["title"],
                                            words_out=words_out, paragraphs=paragraphs))
    return changes


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    """The chapters that changed place: those outside the longest run kept in order."""
    matcher = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
    kept = {k for block in matcher.get_matching_blocks()
            for k in new_order[block.b:block.b + block.size]}
    return set(new_order) - kept


def summary(change: ChapterChange) -> str:
    """One line saying how a chapter changed, in a writer's words."""
    parts = []
    if change.kind == ADDED:
        parts.append(f"new chapter ({change.words_in:,} words)")
    elif change.kind == REMOVED:
        parts.append("taken out of the book")
    if change.renamed:
        parts.append(f"renamed from “{change.old_title}”")
    if change.moved:
        parts.append("moved")
    if change.kind == CHANGED:
        parts.append(f"{change.words_in:,} words put in, {change.words_out:,} taken out")
    return "; ".join(parts) or "unchanged"


def _split_space(text: str, after: str = "") -> tuple[str, str]:
    """(the space before a piece, its text): the space stays outside the marks, and a
    word put in for one taken out stands apart from it."""
    body = text.lstrip()
    space = text[:len(text) - len(body)]
    return space or (" " if after == DEL else ""), body


def pieces_html(pieces: Sequence[Piece], *, taken_out: str = "", put_in: str = "") -> str:
    """A changed paragraph as HTML, every text escaped: ``<del>`` and ``<ins>``, each
    with a hidden word (``taken_out``, ``put_in``) for screen readers, which say nothing
    of either element."""
    out, last = [], ""
    for p in pieces:
        space, text = _split_space(p.text, last)
        last = p.kind
        if p.kind == SAME:
            out.append(escape(p.text))
            continue
        tag, label = ("del", taken_out) if p.kind == DEL else ("ins", put_in)
        hidden = f'<span class="visually-hidden">{escape(label)}: </span>' if label else ""
        out.append(f"{space}<{tag}>{hidden}{escape(text)}</{tag}>")
    return "".join(out).strip()


def pieces_text(pieces: Sequence[Piece]) -> str:
    """A changed paragraph as plain text, as wdiff marks it: [-out-] {+in+}."""
    out, last = [], ""
    for p in pieces:
        space, text = _split_space(p.text, last)
        last = p.kind
        out.append(p.text if p.kind == SAME else
                   f"{space}[-{text}-]" if p.kind == DEL else f"{space}{{+{text}+}}")
    return "".join(out).strip()


def to_html(changes: Sequence[ChapterChange], *, heading: str = "h2") -> str:
    """The changed chapters as HTML: a heading, the summary line, then each changed
    paragraph with ``<del>`` and ``<ins>``. Every text is escaped."""
    out = []
    for change in changes:
        if not change.touched:
            continue
        out.append(f'<section class="chapter-change chapter-{change.kind}">')
        out.append(f"<{heading}>{escape(change.title)}</{heading}>")
        out.append(f'<p class="change-summary">{escape(summary(change))}</p>')
        if change.kind == CHANGED:
            for pieces in change.paragraphs:
                out.append(f'<p class="change">{pieces_html(pieces)}</p>')
        out.append("</section>")
    return "\n".join(out)


def to_text(changes: Sequence[ChapterChange]) -> str:
    """The changed chapters as plain text for a terminal: wdiff's marks."""
    out = []
    for change in changes:
        if not change.touched:
            continue
        out.append(f"== {change.title}: {summary(change)}")
        if change.kind == CHANGED:
            for pieces in change.paragraphs:
                out.append(pieces_text(pieces))
                out.append("")
        else:
            out.append("")
    return "\n".join(out).rstrip() + "\n" if out else ""
