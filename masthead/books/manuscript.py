"""A book gathered for writing out: its chapters rendered together, as XHTML, with the
images they show, in book order.

This is the one place a book's posts are read and rendered; the EPUB (and, next, the
PDF and the web book) are written from the manuscript. A book that cannot be made is
refused before any file is written, naming the chapter and what to do.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from masthead.books.contents import MISSING, contents
from masthead.books.xhtml import to_xhtml
from masthead.content.books import Book, BookEntry
from masthead.content.models import get_site
from masthead.errors import ContentError, MastheadError
from masthead.render.book import render_book
from masthead.render.engine import BodySource
from masthead.sitegen.bodies import context_for

RTL = {"ar", "he", "fa", "ur", "yi", "ps", "dv", "ckb", "sd", "ug"}


@dataclass(frozen=True)
class Chapter:
    id: str
    href: str
    title: str
    part: str
    section: str
    number: int | None
    body: str  # XHTML content of the chapter's <section>
    coming_soon: bool = False


@dataclass(frozen=True)
class Part:
    id: str
    href: str
    title: str


@dataclass
class Manuscript:
    title: str
    subtitle: str
    authors: list[str]
    language: str
    identifier: str
    modified: str  # when the book or a chapter last changed, as EPUB writes it
    description: str
    licence: str
    dedication: str
    chapters: list[Chapter]
    bibliography: str  # XHTML of the one bibliography, "" when nothing is cited
    images: dict[str, bytes] = field(default_factory=dict)  # href in the book -> file
    cover: tuple[str, bytes] | None = None

    @property
    def rtl(self) -> bool:
        return self.language.split("-")[0].lower() in RTL

    def part_pages(self) -> list[Part]:
        seen: dict[str, Part] = {}
        for chapter in self.chapters:
            if chapter.part and chapter.part not in seen:
                n = len(seen) + 1
                seen[chapter.part] = Part(f"part-{n}", f"part-{n}.xhtml", chapter.part)
        return list(seen.values())

    def reading_order(self) -> list[str]:
        """Spine ids: each part's page before its first chapter, then the chapters."""
        parts = {p.title: p for p in self.part_pages()}
        order, current = [], ""
        for chapter in self.chapters:
            if chapter.part and chapter.part != current:
                order.append(parts[chapter.part].id)
            current = chapter.part or current
            order.append(chapter.id)
        return order


def _media(root: Path, images: dict[str, bytes]):
    media = (root / "media").resolve()

    def image(src: str) -> str:
        if not src.startswith("/media/"):
            return src
        path = (media / src.removeprefix("/media/")).resolve()
        if media not in path.parents or not path.is_file():
            return src
        href = "images/" + src.removeprefix("/media/")
        images[href] = path.read_bytes()
        return href

    return image


def _linker(site_url: str):
    def link(href: str) -> str:
        if href.startswith("#ref-"):
            return "bibliography.xhtml" + href
        if href.startswith("/"):
            return site_url.rstrip("/") + href  # the site's own pages, on the site
        return href

    return link


def make_manuscript(book: Book, root: Path) -> Manuscript:
    """Gather and render the book; refuse it (naming the place) if it cannot be made."""
    site = get_site()
    places = contents(book)
    if not any(p.section == BookEntry.CHAPTER for p in places):
        raise ContentError(f"'{book.title}' has no chapters yet: add one with "
                           f"`masthead book add {book.slug} POST_SLUG`")
    entries = list(book.entries.select_related("post"))
    for place in places:
        if place.state == MISSING:
            raise ContentError(
                f"place {place.position} ('{place.title}'): its post was unpublished or "
                "deleted; publish it again or take it out of the book")
    sources = [BodySource(f"chapter {place.position} ('{place.title}')",
                          "" if place.state != "published" else
                          (entry.post.body if entry.post else entry.markdown))
               for place, entry in zip(places, entries, strict=True)]
    try:
        rendered = render_book(sources, context_for(site, root))
    except MastheadError as exc:
        raise ContentError(str(exc)) from None
    images: dict[str, bytes] = {}
    image, link = _media(root, images), _linker(site.url)
    chapters = []
    for n, (place, html) in enumerate(zip(places, rendered.chapters, strict=True), 1):
        chapters.append(Chapter(
            id=f"chapter-{n}", href=f"chapter-{n}.xhtml", title=place.title, part=place.part,
            section=place.section, number=place.number,
            body=to_xhtml(html, link=link, image=image),
            coming_soon=place.state != "published"))
    changed = [book.modified_at, *(e.post.modified_at for e in entries if e.post)]
    cover = None
    if book.cover:
        got = image(book.cover)
        if got in images:
            cover = (got, images.pop(got))
    return Manuscript(
        title=book.title, subtitle=book.subtitle, authors=list(book.authors),
        language=book.language or site.language or "en",
        identifier=f"urn:isbn:{book.isbn}" if book.isbn else
        "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.url}books/{book.slug}/")),
        modified=max(changed).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        description=book.description, licence=book.licence, dedication=book.dedication,
        chapters=chapters, bibliography=to_xhtml(rendered.bibliography, link=link,
                                                 image=image),
        images=images, cover=cover)

