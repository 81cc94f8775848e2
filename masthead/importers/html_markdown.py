"""HTML from other platforms to the Markdown Masthead stores, keeping what long-form
writing needs.

markdownify (on BeautifulSoup) does the general conversion; before it, the HTML is
tidied into what our Markdown can say:

- footnotes, whichever way the platform marks them (WordPress's footnotes block and
  plugins, Substack's, Ghost's and Pandoc's ``section.footnotes``, hand-made
  ``<sup><a href="#fn1">``), become ``[^1]`` references and definitions at the end;
- a quotation's attribution (``<cite>`` or ``<footer>`` inside a blockquote, the
  pullquote block's caption) becomes the last line ``— Name``, as Masthead writes them;
- an image with a caption (``<figure>``, Blogger's caption table, WordPress's
  ``[caption]``) stays a ``<figure>`` with its ``<figcaption>`` (sanitised when
  rendered), other images become ``![alt](src)``;
- embeds (iframes, WordPress embed blocks, Substack and Ghost cards) become a paragraph
  with a link to what was embedded, since a static site should not load other sites'
  scripts;
- WordPress's block comments go, its classic-editor line breaks become paragraphs, and
  its shortcodes are read or reported.

A module a step: ``html_bounds`` (hostile nesting), ``html_wordpress``, ``html_embeds``,
``html_notes`` (footnotes), ``html_blocks`` (attributions, captions, paragraphs) and
``html_converter`` (markdownify's rules); this one runs them in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Tag

from masthead.importers import html_blocks, html_embeds, html_notes, html_wordpress
from masthead.importers.html_bounds import MAX_DEPTH, flatten, table_spans
from masthead.importers.html_converter import Converter


@dataclass
class Conversion:
    markdown: str
    warnings: list[str] = field(default_factory=list)


# What each step mends, looked for in the source before the tree is searched.
_JUNK_RE = re.compile(r"<(script|style|noscript|form|button|input)\b", re.I)
_EMBED_RE = re.compile(r"<(iframe|embed|object)\b|wp-block-embed|youtube-wrap|"
                       r"class=\"tweet|embedded-post-wrap|kg-embed-card", re.I)
_LOOSE_TEXT_RE = re.compile(r"\s*[^<\s]")  # text before any element: Blogger's bare bodies


def to_markdown(html: str, *, wordpress: bool = False) -> Conversion:
    """Markdown for an HTML body; ``wordpress`` also reads block comments, classic-editor
    paragraphs and shortcodes."""
    warnings: list[str] = []
    if wordpress:
        html = html_wordpress.prepare(html, warnings)
    soup = BeautifulSoup(html, "html.parser")
    if flatten(soup):
        warnings.append(f"its HTML was nested more than {MAX_DEPTH} elements deep; what was "
                        "deeper is kept as plain text")
    if "span" in html:
        table_spans(soup)
    # Each step looks at the source first: most bodies have none of what it mends, and
    # a tree search costs more than a substring test (a 50,000-post import does many).
    if "<!--" in html:
        for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
            c.extract()
    if _JUNK_RE.search(html):
        for junk in soup.find_all(["script", "style", "noscript", "form", "button", "input"]):
            junk.decompose()
    if "-wrap" in html or "share-dialog" in html or "kg-signup-card" in html:
        # Platforms' calls to action (Substack's subscribe/share/comment buttons and widgets).
        for junk in soup.select("p.button-wrapper, div.subscription-widget-wrap, "
                                "div.subscription-widget-wrap-editor, "
                                "div.captioned-button-wrap, div.share-dialog, "
                                "div.kg-signup-card"):
            junk.decompose()
    if _EMBED_RE.search(html):
        html_embeds.embeds(soup)
    if "<br" in html or _LOOSE_TEXT_RE.match(html):
        html_blocks.paragraphs_from_breaks(soup)
    notes = html_notes.footnotes(soup) if 'href="#' in html or "href='#" in html else []
    html_notes.remove_note_containers(notes)
    if "<blockquote" in html:
        html_blocks.attributions(soup)
    if "<figure" in html or "tr-caption" in html:
        html_blocks.captioned_images(soup)
    if "<br" in html:
        html_blocks.trailing_breaks(soup)
    converter = Converter()
    body = _convert(converter, soup)
    definitions = []
    for n, (marker, note) in enumerate(notes, start=1):
        text = _convert(converter, note).strip()
        text = re.sub(r"^\s*[\[(]?\d{1,3}[\])]?[.:]?\s+", "", text)  # a typed-in number
        lines = text.splitlines() or [""]
        definitions.append(f"[^{n}]: " + "\n".join(
            [lines[0]] + [("    " + line if line else "") for line in lines[1:]]))
        body = body.replace(marker, f"[^{n}]")
    markdown = body.strip() + ("\n\n" + "\n\n".join(definitions) if definitions else "")
    return Conversion(markdown=_tidy(markdown) + "\n", warnings=warnings)


def _convert(converter: Converter, node: Tag) -> str:
    if isinstance(node, BeautifulSoup):
        return converter.convert_soup(node)
    node.name = "div"  # a note's list item or paragraph: only its contents
    return converter.process_tag(node, parent_tags=set())


def _tidy(markdown: str) -> str:
    text = markdown.replace("\xa0", " ")
    text = re.sub(r"\n>\n> ([—―])", r"\n> \1", text)  # "> words\n> — Who", as Masthead writes
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
