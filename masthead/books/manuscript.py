"""A book gathered for writing out: its chapters rendered together, as XHTML, with the
images they show, in book order.

This is the one place a book's posts are read and rendered; the EPUB (and, next, the
PDF and the web book) are written from the manuscript. A book that cannot be made is
refused before any file is written, naming the chapter and what to do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from masthead import translation
from masthead.books.contents import MISSING, contents
from masthead.books.partcache import BookCache, digest
from masthead.books.xhtml import to_xhtml
from masthead.content.books import Book, BookEntry
from masthead.content.models import get_site
from masthead.errors import ContentError, MastheadError
from masthead.render.book import prepare_book
from masthead.render.engine import RENDERER_VERSION, BodySource, RenderContext, words_key
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
    footnotes: str = Book.PER_CHAPTER  # numbered per "chapter" or through the "book"
    notes: list[str] = field(default_factory=list)  # what the build fixed up, by chapter

    def fingerprint(self) -> str:
        """Everything the book's files are made from, as one key."""
        h = hashlib.sha256()
        text = [self.title, self.subtitle, self.authors, self.language, self.identifier,
                self.modified, self.description, self.licence, self.dedication,
                self.bibliography, self.footnotes,
                [dataclasses.astuple(c) for c in self.chapters],
                self.cover[0] if self.cover else ""]
        h.update(json.dumps(text, ensure_ascii=False).encode())
        for href, data in sorted(self.images.items()) + ([self.cover] if self.cover else []):
            h.update(f"\0{href}\0".encode() + hashlib.sha256(data).digest())
        return h.hexdigest()

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


def _media_file(media: Path, src: str) -> Path | None:
    """The file of a /media/ address, if the site's media/ has it."""
    if not src.startswith("/media/"):
        return None
    path = (media / src.removeprefix("/media/")).resolve()
    return path if media in path.parents and path.is_file() else None


class _Images:
    """The images the book shows: each /media/ address given its file in the book,
    and which addresses each chapter used (kept with the chapter, to read them again)."""

    def __init__(self, root: Path):
        self.media = (root / "media").resolve()
        self.files: dict[str, bytes] = {}  # href in the book -> the image
        self.seen: dict[str, str] = {}  # href -> /media/ address, for one chapter
        self.absent: set[str] = set()  # /media/ addresses with no file, for one chapter

    def __call__(self, src: str) -> str:
        path = _media_file(self.media, src)
        if path is None:
            if src.startswith("/media/"):
                self.absent.add(src)
            return src
        href = "images/" + src.removeprefix("/media/")
        self.files[href] = path.read_bytes()
        self.seen[href] = src
        return href

    def start(self) -> None:
        self.seen, self.absent = {}, set()

    def take_again(self, kept: dict) -> bool:
        """Read a kept chapter's images again; False if one came or went since."""
        if any(_media_file(self.media, src) is not None for src in kept["absent"]):
            return False
        paths = {href: _media_file(self.media, src) for href, src in kept["images"].items()}
        if any(path is None for path in paths.values()):
            return False
        for href, path in paths.items():
            self.files[href] = path.read_bytes()
        return True


def _linker(site_url: str):
    def link(href: str) -> str:
        if href.startswith("#ref-"):
            return "bibliography.xhtml" + href
        if href.startswith("/"):
            return site_url.rstrip("/") + href  # the site's own pages, on the site
        return href

    return link


def _book_context(site, root: Path, language: str) -> RenderContext:
    """The site's rendering context in the book's language (its notes' heading, the
    bibliography's title and the citations' own words)."""
    ctx = context_for(site, root)
    if language != ctx.language:
        ctx = dataclasses.replace(ctx, language=language,
                                  words=translation.load(language, root))
    return ctx


def make_manuscript(book: Book, root: Path, cache: BookCache | None = None) -> Manuscript:
    """Gather and render the book; refuse it (naming the place) if it cannot be made.
    With a ``cache``, a chapter whose text and citations are as they were is taken as
    it was rendered last time."""
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
    language = book.language or site.language or "en"
    ctx = _book_context(site, root, language)
    try:
        prepared = prepare_book(sources, ctx)
    except MastheadError as exc:
        raise ContentError(str(exc)) from None
    images, link = _Images(root), _linker(site.url)
    settings = [RENDERER_VERSION, language, words_key(ctx), ctx.style.fingerprint, site.url]
    through = book.footnotes == Book.PER_BOOK
    chapters, notes, before = [], [], 0
    for n, (place, source) in enumerate(zip(places, sources, strict=True), 1):
        notes += [f"{source.where}: {said}" for said in prepared.notes[n - 1]]
        key = digest("chapter", settings, source.markdown, prepared.state(n - 1),
                     before if through else 0)
        kept = cache.chapter(key) if cache is not None else None
        if kept is None or not images.take_again(kept):
            images.start()
            body = to_xhtml(prepared.finish(n - 1), link=link, image=images,
                            first_note=before + 1 if through else 1)
            kept = {"body": body, "images": images.seen, "absent": sorted(images.absent),
                    "notes": body.count('epub:type="footnote"')}
            if cache is not None:
                cache.keep_chapter(key, kept)
        before += kept["notes"]
        chapters.append(Chapter(
            id=f"chapter-{n}", href=f"chapter-{n}.xhtml", title=place.title, part=place.part,
            section=place.section, number=place.number, body=kept["body"],
            coming_soon=place.state != "published"))
    changed = [book.modified_at, *(e.post.modified_at for e in entries if e.post)]
    cover = None
    if book.cover:
        got = images(book.cover)
        if got in images.files:
            cover = (got, images.files.pop(got))
    return Manuscript(
        title=book.title, subtitle=book.subtitle, authors=list(book.authors),
        language=language,
        identifier=f"urn:isbn:{book.isbn}" if book.isbn else
        "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.url}books/{book.slug}/")),
        modified=max(changed).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        description=book.description, licence=book.licence, dedication=book.dedication,
        chapters=chapters, bibliography=to_xhtml(prepared.bibliography(), link=link,
                                                 image=images),
        images=images.files, cover=cover, footnotes=book.footnotes, notes=notes)
