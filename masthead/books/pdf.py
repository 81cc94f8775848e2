"""A book as a print PDF (or a screen PDF), laid out by WeasyPrint from the manuscript.

Print: the trim size, margins with a gutter on the inner side, running heads (the book's
title on left pages, the chapter's on right ones), page numbers (roman in the front
matter), chapters starting on a right-hand page, a contents list with page numbers,
footnotes at the foot of their page, widows and orphans held, hyphenation in the book's
language, PDF bookmarks and metadata, fonts embedded. Screen: the same text with links,
no blank left pages and no gutter.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup

from masthead.books.manuscript import Chapter, Manuscript
from masthead.errors import ContentError

TRIM = {"a5": ("148mm", "210mm"), "6x9": ("6in", "9in"), "letter": ("8.5in", "11in"),
        "a4": ("210mm", "297mm")}
STYLE = (Path(__file__).parent / "pdf.css").read_text(encoding="utf-8")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)(mm|in|cm|pt)\s*[x×]\s*(\d+(?:\.\d+)?)(mm|in|cm|pt)\s*$")


def trim_size(name: str) -> tuple[str, str]:
    """A trim size by name (a5, 6x9, letter, a4) or as WIDTHxHEIGHT with units."""
    wanted = name.strip().lower()
    if wanted in TRIM:
        return TRIM[wanted]
    m = _SIZE.match(wanted)
    if not m:
        raise ContentError(f"'{name}' is not a trim size: give a5, 6x9, letter, a4 or a size "
                           "such as 5.5inx8.5in or 140mmx216mm", field="trim")
    return f"{m.group(1)}{m.group(2)}", f"{m.group(3)}{m.group(4)}"


def _inline_notes(soup: BeautifulSoup, prefix: str) -> None:
    """Each footnote moved to where its mark is, as the float that becomes the foot of
    the page; ids made unique in the one document the PDF is made from."""
    notes = {}
    for aside in soup.select("aside.footnote"):
        for gone in aside.select(".footnote-number, .footnote-back"):
            gone.decompose()
        for p in aside.find_all("p"):
            p.name = "span"
            p["class"] = "fn-p"
        notes[aside["id"]] = aside
    for ref in soup.select("a.footnote-ref"):
        aside = notes.pop(ref["href"].lstrip("#"), None)
        if aside is None:  # a note marked twice: the second mark only points to it
            ref.decompose()
            continue
        span = soup.new_tag("span", attrs={"class": "footnote"})
        for child in list(aside.children):
            span.append(child.extract())
        ref.replace_with(span)
    for section in soup.select("section.footnotes"):
        section.decompose()
    for tag in soup.find_all(id=True):
        tag["id"] = f"{prefix}-{tag['id']}"
    for a in soup.find_all("a", href=True):
        href = a["href"]
        if href.startswith("bibliography.xhtml#"):
            a["href"] = "#" + href.split("#", 1)[1]
        elif href.startswith("#"):
            a["href"] = f"#{prefix}-{href[1:]}"


def _chapter(m: Manuscript, chapter: Chapter, root: Path) -> str:
    soup = BeautifulSoup(chapter.body, "html.parser")
    _inline_notes(soup, chapter.id)
    for img in soup.find_all("img", src=True):
        if img["src"].startswith("images/"):
            img["src"] = (root / "media" / img["src"].removeprefix("images/")).as_uri()
    kind = {"front": "front", "appendix": "appendix"}.get(chapter.section, "chapter")
    number = f'<p class="chapter-number">{chapter.number}</p>' if kind == "chapter" else ""
    text = ('<p class="coming-soon">This chapter is coming soon.</p>'
            if chapter.coming_soon else str(soup))
    return (f'<section class="{kind}" id="{chapter.id}">{number}'
            f'<h1 class="chapter-title">{escape(chapter.title)}</h1>\n{text}</section>')


def _contents(m: Manuscript) -> str:
    items, part = [], ""
    for chapter in m.chapters:
        if chapter.part and chapter.part != part:
            part = chapter.part
            items.append(f'<li class="toc-part">{escape(part)}</li>')
        items.append(f'<li><a class="toc-entry" href="#{chapter.id}">'
                     f"{escape(chapter.title)}</a></li>")
    if m.bibliography:
        heading = BeautifulSoup(m.bibliography, "html.parser").find("h2")
        name = heading.get_text(strip=True) if heading is not None else "Bibliography"
        items.append(f'<li><a class="toc-entry" href="#bibliography">{escape(name)}</a></li>')
    return ('<section class="contents front"><h1 class="front-title">Contents</h1>'
            f'<ol class="toc">{"".join(items)}</ol></section>')


def book_html(m: Manuscript, root: Path, *, trim: str = "a5", screen: bool = False) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    width, height = trim_size(trim)
    title = ('<section class="titlepage front">'
             f'<h1 class="book-title">{escape(m.title)}</h1>'
             + (f'<p class="book-subtitle">{escape(m.subtitle)}</p>' if m.subtitle else "")
             + (f'<p class="book-authors">{escape(", ".join(m.authors))}</p>' if m.authors
                else "") + "</section>")
    rights = ('<section class="rights front">'
              + (f'<p class="dedication">{escape(m.dedication)}</p>' if m.dedication else "")
              + (f'<p class="licence">{escape(m.licence)}</p>' if m.licence else "")
              + "</section>") if (m.dedication or m.licence) else ""
    body, part = [], ""
    for chapter in m.chapters:
        if chapter.part and chapter.part != part:
            part = chapter.part
            body.append(f'<section class="part" id="part-{len(body) + 1}">'
                        f'<h1 class="part-title">{escape(part)}</h1></section>')
        body.append(_chapter(m, chapter, root))
    if m.bibliography:
        bib = BeautifulSoup(m.bibliography, "html.parser")
        heading = bib.find("h2")
        if heading is not None:
            heading.name = "h1"
            heading["class"] = "chapter-title"
        body.append(f'<div class="backmatter">{bib}</div>')
    direction = ' dir="rtl"' if m.rtl else ""
    page = f"@page {{ size: {width} {height}; }}"
    if m.footnotes == "book":  # the notes' numbers go on from chapter to chapter
        page += ".chapter, .appendix, main > .front { counter-reset: none; }"
    if screen:  # read on a screen: the same margin on both sides, no page left blank
        page += "@page :left, :right { margin-left: 18mm; margin-right: 18mm; }"
    return (f'<!DOCTYPE html>\n<html lang="{escape(m.language)}"{direction}'
            f' class="{"screen" if screen else "print"}">\n<head><meta charset="utf-8"/>'
            f"<title>{escape(m.title)}</title>"
            + "".join(f'<meta name="author" content="{escape(a)}"/>' for a in m.authors)
            + (f'<meta name="description" content="{escape(m.description)}"/>'
               if m.description else "")
            + f"<style>{STYLE}\n{page}</style></head>\n<body>"
            f"{title}{rights}{_contents(m)}<main>{''.join(body)}</main></body></html>")


def _first_text_page(document, first_id: str) -> int:
    for n, page in enumerate(document.pages, 1):
        if first_id in page.anchors:
            return n
    return 1


def write_pdf(m: Manuscript, root: Path, *, trim: str = "a5", screen: bool = False) -> bytes:
    """The PDF of the manuscript. It is laid out twice: the first time finds the page the
    text starts on, where the arabic page numbers start again from 1 (the front matter
    has roman ones), so that the contents and the pages agree."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint found no Pango to lay text out with
        raise ContentError("the PDF needs the Pango library, which this machine lacks "
                           "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
                           ) from exc

    html = book_html(m, root, trim=trim, screen=screen)
    first_id = re.search(r'<main><section class="[^"]*" id="([^"]+)"', html).group(1)
    document = HTML(string=html, base_url=str(root)).render()
    for _ in range(3):  # the contents' numbers may, rarely, move a line to another page
        start = _first_text_page(document, first_id)
        reset = f"@page :nth({start}) {{ counter-reset: page 1; }}</style>"
        document = HTML(string=html.replace("</style>", reset, 1), base_url=str(root)).render()
        if _first_text_page(document, first_id) == start:
            break
    return document.write_pdf(pdf_identifier=m.identifier.encode())
