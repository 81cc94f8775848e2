"""A book as an EPUB 3 file: what EPUBCheck accepts with no error or warning.

The package holds a title page, a page for each part, each chapter as its own XHTML
file (footnotes as pop-up notes), one bibliography for the whole book, the images the
chapters show (with their descriptions), a navigation document with parts, chapters and
landmarks, and the accessibility metadata EPUB Accessibility 1.1 asks for. The file is
the same byte for byte for the same book: fixed times inside the zip, names in order.
"""

from __future__ import annotations

import io
import mimetypes
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from masthead.books import pages
from masthead.books.manuscript import Manuscript

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
STYLE = (Path(__file__).parent / "epub.css").read_text(encoding="utf-8")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Item:
    id: str
    href: str
    media_type: str
    data: bytes
    properties: str = ""


def _opf(m: Manuscript, items: list[Item], spine: list[str]) -> str:
    meta = [f"<dc:identifier id=\"book-id\">{escape(m.identifier)}</dc:identifier>",
            f"<dc:title>{escape(m.title)}</dc:title>",
            f"<dc:language>{escape(m.language)}</dc:language>",
            f"<meta property=\"dcterms:modified\">{m.modified}</meta>"]
    meta += [f"<dc:creator>{escape(a)}</dc:creator>" for a in m.authors]
    if m.description:
        meta.append(f"<dc:description>{escape(m.description)}</dc:description>")
    if m.licence:
        meta.append(f"<dc:rights>{escape(m.licence)}</dc:rights>")
    has_images = any(i.media_type.startswith("image/") and i.id != "cover-image" for i in items)
    meta += [
        "<meta property=\"schema:accessMode\">textual</meta>",
        *(["<meta property=\"schema:accessMode\">visual</meta>"] if has_images else []),
        "<meta property=\"schema:accessModeSufficient\">textual</meta>",
        *(f"<meta property=\"schema:accessibilityFeature\">{f}</meta>" for f in (
            "structuralNavigation", "tableOfContents", "readingOrder",
            *(["alternativeText"] if has_images else []))),
        "<meta property=\"schema:accessibilityHazard\">none</meta>",
        "<meta property=\"schema:accessibilitySummary\">The text is structured with "
        "headings in reading order, with a table of contents; notes link to their marks and "
        "back; images carry text descriptions.</meta>",
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
        "</meta>",
        "<meta property=\"a11y:certifiedBy\">Masthead</meta>",
    ]
    if any(i.id == "cover-image" for i in items):
        meta.append("<meta name=\"cover\" content=\"cover-image\"/>")
    manifest = "\n    ".join(
        f"<item id=\"{i.id}\" href=\"{escape(i.href)}\" media-type=\"{i.media_type}\""
        + (f" properties=\"{i.properties}\"" if i.properties else "") + "/>" for i in items)
    direction = " page-progression-direction=\"rtl\"" if m.rtl else ""
    itemrefs = "\n    ".join(f"<itemref idref=\"{i}\"/>" for i in spine)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
            f"unique-identifier=\"book-id\" xml:lang=\"{escape(m.language)}\" "
            "prefix=\"a11y: http://www.idpf.org/epub/vocab/package/a11y/#\">\n"
            "  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n    "
            + "\n    ".join(meta) + "\n  </metadata>\n"
            f"  <manifest>\n    {manifest}\n  </manifest>\n"
            f"  <spine{direction}>\n    {itemrefs}\n  </spine>\n</package>\n")


def package(m: Manuscript) -> list[Item]:
    """Every file of the book, in reading order after the fixed ones."""
    items = [Item("style", "style.css", "text/css", STYLE.encode())]
    if m.cover is not None:
        name, data = m.cover
        items.append(Item("cover-image", f"images/cover{Path(name).suffix.lower()}",
                          mimetypes.guess_type(name)[0] or "image/jpeg", data, "cover-image"))
        items.append(Item("cover", "cover.xhtml", "application/xhtml+xml",
                          pages.cover(m, items[-1].href).encode()))
    items.append(Item("title", "title.xhtml", "application/xhtml+xml",
                      pages.title_page(m).encode()))
    items.append(Item("nav", "nav.xhtml", "application/xhtml+xml", pages.nav(m).encode(), "nav"))
    for part in m.part_pages():
        items.append(Item(part.id, part.href, "application/xhtml+xml",
                          pages.part_page(m, part.title).encode()))
    for chapter in m.chapters:
        items.append(Item(chapter.id, chapter.href, "application/xhtml+xml",
                          pages.chapter_page(m, chapter).encode()))
    if m.bibliography:
        items.append(Item("bibliography", "bibliography.xhtml", "application/xhtml+xml",
                          pages.bibliography_page(m).encode()))
    for n, (href, data) in enumerate(sorted(m.images.items()), 1):
        items.append(Item(f"image-{n}", href, mimetypes.guess_type(href)[0] or "image/jpeg",
                          data))
    return items


def write_epub(m: Manuscript) -> bytes:
    """The EPUB file of the manuscript."""
    items = package(m)
    order = {"cover": 0, "title": 1, "nav": 2}
    spine = [i.id for i in sorted(
        (i for i in items if i.media_type == "application/xhtml+xml"),
        key=lambda i: order.get(i.id, 3))]
    spine = [s for s in spine if s in order] + m.reading_order()
    if m.bibliography:
        spine.append("bibliography")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", ZIP_TIME), "application/epub+zip",
                   compress_type=zipfile.ZIP_STORED)  # first and uncompressed, by the spec

        def put(name: str, data: bytes) -> None:
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)

        put("META-INF/container.xml", CONTAINER.encode())
        put("EPUB/package.opf", _opf(m, items, spine).encode())
        for item in items:
            put(f"EPUB/{item.href}", item.data)
    return buffer.getvalue()
