"""The opening words of a text, for listings, feeds and search results."""

from __future__ import annotations

import re

from masthead.render import markdown

EXCERPT_CHARS = 280
_NOTE_REF_RE = re.compile(r'<a href="#fn-[^"]*" class="footnote-ref"[^>]*><sup>[^<]*</sup></a>')


def excerpt_of(explicit: str, body_html: str) -> str:
    """The writer's excerpt, else the opening of the text, cut at a word."""
    text = markdown.plain_text(markdown.render_fragment(explicit)) if explicit else ""
    if not text:
        # The first paragraphs, not headings, notes or the bibliography.
        main = body_html.split('<section id="bibliography"', 1)[0].split(
            '<section id="footnotes"', 1)[0]
        main = _NOTE_REF_RE.sub("", main)
        paras = [markdown.plain_text(p) for p in main.split("<p>")[1:4]]
        text = " ".join(" ".join(p.split()) for p in paras)
    text = " ".join(text.split())
    if len(text) > EXCERPT_CHARS:
        cut = text.rfind(" ", 0, EXCERPT_CHARS)
        text = text[: cut if cut > 0 else EXCERPT_CHARS].rstrip(",;:") + "…"
    return text
