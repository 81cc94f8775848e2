"""Markdown for long-form writing, on pulldown-cmark (through pyromark).

pulldown-cmark renders CommonMark with footnotes, tables and smart punctuation; we
then reshape its output the way essays need it:

* headings get ids (and a link to themselves) so sections can be linked;
* a block quotation whose last line starts with a dash becomes an attributed quotation:
  ``<figure><blockquote>...</blockquote><figcaption>— Who</figcaption></figure>``; the
  dash may be typed ``—``, ``---`` or ``--`` (many writers type two hyphens, which smart
  punctuation makes an en dash: the caption shows an em dash all the same);
* footnotes are numbered in reading order and gathered at the end, with links back,
  in the markup Pandoc uses (``section.footnotes``, ``a.footnote-ref``).

Citations are handled around this step (see :mod:`masthead.render.engine`).
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from dataclasses import dataclass

import pyromark

_O = pyromark.Options
OPTIONS = (
    _O.ENABLE_TABLES
    | _O.ENABLE_FOOTNOTES
    | _O.ENABLE_STRIKETHROUGH
    | _O.ENABLE_TASKLISTS
    | _O.ENABLE_SMART_PUNCTUATION
    | _O.ENABLE_HEADING_ATTRIBUTES
)

_TAG_RE = re.compile(r"<[^>]*>")
_HEADING_RE = re.compile(r"<h([1-6])((?: [^>]*)?)>(.*?)</h\1>", re.S)
_DEF_START_RE = re.compile(
    r'<div class="footnote-definition" id="([^"]*)"><sup class="footnote-definition-label">'
    r"[^<]*</sup>\n?"
)
_REF_RE = re.compile(r'<sup class="footnote-reference"><a href="#([^"]*)">[^<]*</a></sup>')
_DIV_TAG_RE = re.compile(r"<(/?)div\b[^>]*>")
_INNER_QUOTE_RE = re.compile(r"<blockquote>\n((?:(?!<blockquote>).)*?)</blockquote>\n?", re.S)
_DASHES = ("—", "―", "–")  # em dash (or ---), horizontal bar, en dash (or --)
_EN_DASH = "–"


@dataclass
class Doc:
    """A rendered body before footnotes are gathered: text and footnote definitions."""

    main: str
    notes: dict[str, str]  # footnote name -> HTML content


def plain_text(html: str) -> str:
    return htmllib.unescape(_TAG_RE.sub("", html))


def slugify_heading(text: str) -> str:
    """Pandoc's identifier rule: lowercase, punctuation dropped, spaces to hyphens."""
    text = "".join(c for c in text if not 0xE000 <= ord(c) <= 0xF8FF)
    text = unicodedata.normalize("NFKC", text).lower()
    out = []
    for ch in text:
        if ch.isalnum() or ch in "_-.":
            out.append(ch)
        elif ch.isspace():
            out.append("-")
    slug = "".join(out).strip("-")
    slug = re.sub(r"^[^a-z\u00c0-\uffff]+", "", slug)
    return re.sub(r"-{2,}", "-", slug) or "section"


def _heading_ids(html: str, used: set[str], anchor_label: str = "Link to this section") -> str:
    def repl(m: re.Match[str]) -> str:
        level, attrs, inner = m.group(1), m.group(2), m.group(3)
        id_match = re.search(r'\bid="([^"]*)"', attrs)
        if id_match:
            ident = id_match.group(1)
        else:
            base = slugify_heading(plain_text(inner))
            ident, n = base, 1
            while ident in used:
                n += 1
                ident = f"{base}-{n}"
            attrs = f' id="{ident}"' + attrs
        used.add(ident)
        anchor = (
            f' <a class="heading-anchor" href="#{ident}" '
            f'aria-label="{htmllib.escape(anchor_label)}">#</a>'
        )
        return f"<h{level}{attrs}>{inner}{anchor}</h{level}>"

    return _HEADING_RE.sub(repl, html)


def _attributed_quotations(html: str) -> str:
    """Turn block quotations ending in a dash line into figures with a caption."""
    if "<blockquote>" not in html:
        return html

    def repl(m: re.Match[str]) -> str:
        content = m.group(1)
        done = f"<bq-done>\n{content}</bq-done>\n"
        # The last paragraph, if the quotation ends with it.
        start = content.rfind("<p>")
        if start < 0 or not content.endswith("</p>\n") or len(content) - 5 < start + 3:
            return done
        before, para = content[:start], content[start + 3 : -5]
        if para.startswith(_DASHES):
            body, caption = before, para
        else:
            cut = max(para.rfind("\n" + d) for d in _DASHES)
            if cut < 0:
                return done
            body, caption = before + f"<p>{para[:cut]}</p>\n", para[cut + 1 :]
        if not body.strip():
            return done
        caption = caption.strip()
        if caption.startswith(_EN_DASH):  # "> -- Name" reads as "> — Name" does
            caption = "—" + caption[1:]
        return (
            f'<figure class="quotation">\n<bq-done>\n{body}</bq-done>\n'
            f"<figcaption>{caption}</figcaption>\n</figure>\n"
        )

    while True:  # innermost quotations first
        html, n = _INNER_QUOTE_RE.subn(repl, html)
        if not n or "<blockquote>" not in html:
            break
    return html.replace("<bq-done>", "<blockquote>").replace("</bq-done>", "</blockquote>")


def _split_notes(html: str) -> Doc:
    """Cut pulldown-cmark's footnote definitions out of the text, wherever they stand."""
    notes: dict[str, str] = {}
    if "footnote-definition" not in html:
        return Doc(html, notes)
    out, pos = [], 0
    while True:
        m = _DEF_START_RE.search(html, pos)
        if not m:
            out.append(html[pos:])
            break
        out.append(html[pos : m.start()])
        depth, i = 1, m.end()
        for t in _DIV_TAG_RE.finditer(html, m.end()):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                notes[htmllib.unescape(m.group(1))] = html[m.end() : t.start()]
                i = t.end()
                break
        else:  # unbalanced: leave the rest as it is
            out.append(html[m.start() :])
            break
        pos = i + (1 if html.startswith("\n", i) else 0)
    return Doc("".join(out), notes)


def render(markdown: str, anchor_label: str = "Link to this section") -> Doc:
    """Markdown to HTML, with heading ids and attributed quotations; notes kept apart;
    ``anchor_label`` names a heading's link in the site's language."""
    html = pyromark.html(markdown, options=OPTIONS)
    html = _attributed_quotations(html)
    doc = _split_notes(html)
    used: set[str] = set()
    doc.main = _heading_ids(doc.main, used, anchor_label)
    return doc


def note_reference(name: str) -> str:
    """A reference in pulldown-cmark's form, for notes added after rendering."""
    return f'<sup class="footnote-reference"><a href="#{htmllib.escape(name)}">?</a></sup>'


def gather_notes(doc: Doc, heading: str = "Notes",
                 back_label: str = "Back to the text of note %(number)s") -> tuple[str, str]:
    """Number notes in reading order; return the text and the footnotes section, its
    heading and back links in the site's language (``back_label`` has %(number)s)."""
    if not doc.notes:
        return _REF_RE.sub("", doc.main), ""
    numbers: dict[str, int] = {}
    order: list[str] = []

    def visit(text: str) -> None:
        for m in _REF_RE.finditer(text):
            name = htmllib.unescape(m.group(1))
            if name in doc.notes and name not in numbers:
                numbers[name] = len(order) + 1
                order.append(name)

    visit(doc.main)
    i = 0
    while i < len(order):  # notes may refer to other notes
        visit(doc.notes[order[i]])
        i += 1
    seen: dict[str, int] = {}

    def ref(m: re.Match[str]) -> str:
        name = htmllib.unescape(m.group(1))
        n = numbers.get(name)
        if n is None:
            return ""
        seen[name] = seen.get(name, 0) + 1
        suffix = "" if seen[name] == 1 else f"-{seen[name]}"
        return (
            f'<a href="#fn-{n}" class="footnote-ref" id="fnref-{n}{suffix}" '
            f'role="doc-noteref"><sup>{n}</sup></a>'
        )

    main = _REF_RE.sub(ref, doc.main)
    items = []
    for name in order:
        n = numbers[name]
        content = _REF_RE.sub(ref, doc.notes[name]).rstrip("\n")
        back = (
            f' <a href="#fnref-{n}" class="footnote-back" role="doc-backlink" '
            f'aria-label="{htmllib.escape(back_label % {"number": n})}">↩︎</a>'
        )
        if content.endswith("</p>"):
            content = content[: -len("</p>")] + back + "</p>"
        else:
            content += back
        items.append(f'<li id="fn-{n}">\n{content}\n</li>')
    section = (
        '<section id="footnotes" class="footnotes" role="doc-endnotes">\n'
        f'<h2 class="visually-hidden">{htmllib.escape(heading)}</h2>\n<ol>\n' + "\n".join(items)
        + "\n</ol>\n</section>\n"
    )
    return main, section


def render_fragment(markdown: str) -> str:
    """Short Markdown (a footer, an excerpt): no notes, no heading anchors."""
    return pyromark.html(markdown, options=OPTIONS)
