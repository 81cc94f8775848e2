"""A rendered chapter, turned from the site's HTML into the XHTML an EPUB holds.

EPUB reading systems parse chapters as XML: every element closed, every attribute
quoted, no HTML-only entity. The body HTML is already sanitised (no scripts, forms or
frames reach it: the book's renderer has made embedded frames links, see
:mod:`masthead.render.book`); what EPUB cannot show is turned into what it can. Footnotes are marked the way
Apple Books, Kobo and Thorium pop them up: the mark ``epub:type="noteref"``, each note
an ``<aside epub:type="footnote">`` with its link back.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
# Attributes HTML allows and EPUB 3 (XHTML5) refuses or has no use for.
DROPPED = {"loading", "decoding", "fetchpriority", "sizes", "srcset"}


def _attrs(tag: Tag) -> str:
    out = []
    for name, value in tag.attrs.items():
        if name in DROPPED:
            continue
        text = " ".join(value) if isinstance(value, list) else str(value)
        out.append(f" {name}={quoteattr(text)}")
    return "".join(out)


def _write(node, out: list[str]) -> None:
    if isinstance(node, (Comment, Doctype, ProcessingInstruction)):
        return
    if isinstance(node, NavigableString):
        out.append(escape(str(node)))
        return
    if node.name in VOID:
        out.append(f"<{node.name}{_attrs(node)}/>")
        return
    out.append(f"<{node.name}{_attrs(node)}>")
    for child in node.children:
        _write(child, out)
    out.append(f"</{node.name}>")


def _footnotes(soup: BeautifulSoup, first: int) -> None:
    for ref in soup.select("a.footnote-ref"):
        ref["epub:type"] = "noteref"
        sup = ref.find("sup")
        if first != 1 and sup is not None and sup.string and sup.string.isdigit():
            sup.string = str(int(sup.string) + first - 1)
    section = soup.select_one("section.footnotes")
    if section is None:
        return
    section["epub:type"] = "footnotes"
    items = section.select("ol > li[id]")
    heading = section.find(["h2"])
    if heading is not None:
        heading.decompose()
    holder = soup.new_tag("div", attrs={"class": "footnotes-list"})
    for n, item in enumerate(items, 1):
        aside = soup.new_tag("aside", attrs={"id": item["id"], "epub:type": "footnote",
                                             "role": "doc-footnote", "class": "footnote"})
        number = soup.new_tag("span", attrs={"class": "footnote-number"})
        number.string = f"{n + first - 1}. "
        aside.append(number)
        for child in list(item.children):
            aside.append(child.extract())
        holder.append(aside)
    ol = section.find("ol")
    if ol is not None:
        ol.replace_with(holder)


def to_xhtml(html: str, *, link: Callable[[str], str], image: Callable[[str], str],
             first_note: int = 1) -> str:
    """The chapter's HTML as XHTML body content; ``link`` maps an address (a
    bibliography anchor, another chapter) to where it is in the book, ``image`` a
    /media/ address to the image's file in the book. Its notes are numbered from
    ``first_note`` (1, or where the chapters before left off in a book that numbers
    its notes through)."""
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.select("a.heading-anchor"):  # the site's "#" links: no use in a book
        anchor.decompose()
    _footnotes(soup, first_note)
    for a in soup.find_all("a", href=True):
        a["href"] = link(a["href"])
    for img in soup.find_all("img", src=True):
        img["src"] = image(img["src"])
        img.attrs.setdefault("alt", "")
    for picture in soup.find_all("picture"):  # EPUB readers take the plain image
        img = picture.find("img")
        if img is not None:
            picture.replace_with(img.extract())
        else:
            picture.decompose()
    for frame in soup.find_all(["iframe", "video", "audio", "object", "embed"]):
        src = frame.get("src") or frame.get("data") or ""
        if src.startswith(("http://", "https://")):
            a = soup.new_tag("a", href=src)
            a.string = src
            p = soup.new_tag("p")
            p.append(a)
            frame.replace_with(p)
        else:
            frame.decompose()
    out: list[str] = []
    for node in soup.children:
        _write(node, out)
    return "".join(out)
