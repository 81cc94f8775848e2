"""The write path for books: make one, put posts in it, move and take them out.

Each action is one transaction. A book only orders posts the site has; the posts stay
the site's (editing one edits the chapter), so nothing here changes a post. A refusal
is a :class:`ContentError` in a writer's words naming the book and the post.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from masthead.content.addresses import slugify
from masthead.content.books import Book, BookEntry
from masthead.content.models import Post
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue

if TYPE_CHECKING:
    from masthead.books.document import BookData


def find_book(slug: str) -> Book:
    """The book with this slug, or a refusal naming the books there are."""
    book = Book.objects.filter(slug=slug.strip().lower()).first()
    if book is None:
        known = ", ".join(Book.objects.order_by("slug").values_list("slug", flat=True))
        raise ContentError(f"there is no book '{slug}'" +
                           (f" (the books: {known})" if known else " (there are no books yet)"))
    return book


@transaction.atomic
def new_book(slug: str, title: str, *, subtitle: str = "", authors: Sequence[str] = (),
             language: str = "", description: str = "") -> Book:
    """A new, empty book: its slug is its address (/books/SLUG/) and its files' name."""
    title = " ".join(title.split())
    if not title:
        raise ContentError("a book needs a title", field="title")
    wanted = slugify(slug or title)
    if not wanted:
        raise ContentError(f"'{slug}' has no letters or digits to make an address from",
                           field="slug")
    if Book.objects.filter(slug=wanted).exists():
        raise ContentError(f"there is already a book '{wanted}'", field="slug")
    return Book.objects.create(
        slug=wanted, title=title, subtitle=" ".join(subtitle.split()),
        authors=[" ".join(a.split()) for a in authors if a.strip()],
        language=language.strip(), description=description.strip())


def _post(slug: str) -> Post:
    post = Post.objects.filter(slug=slug.strip().lower()).exclude(
        status=Post.TRASHED).order_by("kind").first()  # "page" < "post": a post wins
    if post is None:
        raise ContentError(f"no post or page has the slug '{slug}'")
    return post


def _renumber(book: Book, entries: list[BookEntry]) -> None:
    """Give ``entries`` the places 1, 2, ... in this order (two passes, since no two
    entries of a book may share a place even for a moment)."""
    top = len(entries) + (book.entries.order_by("-position").values_list(
        "position", flat=True).first() or 0)
    for i, entry in enumerate(entries, 1):
        BookEntry.objects.filter(pk=entry.pk).update(position=top + i)
    for i, entry in enumerate(entries, 1):
        BookEntry.objects.filter(pk=entry.pk).update(position=i)
        entry.position = i


@transaction.atomic
def add_post(book_slug: str, post_slug: str, *, part: str = "", at: int | None = None,
             section: str = BookEntry.CHAPTER, title: str = "",
             sample: bool = False) -> BookEntry:
    """Put a post in the book, at the end or at place ``at`` (1 is the first). A draft
    is listed as "coming soon" until it is published."""
    book = Book.objects.select_for_update().get(pk=find_book(book_slug).pk)
    post = _post(post_slug)
    if section not in dict(BookEntry.SECTIONS):
        raise ContentError(f"'{section}' is not a part of a book (front, chapter, appendix)")
    if book.entries.filter(post=post).exists():
        raise ContentError(f"'{post.title}' is already in '{book.title}'")
    entries = list(book.entries.all())
    if at is not None and not 1 <= at <= len(entries) + 1:
        raise ContentError(f"--at {at}: the book has {len(entries)} entries, so give a "
                           f"place from 1 to {len(entries) + 1}")
    last = entries[-1].position if entries else 0
    entry = BookEntry.objects.create(
        book=book, position=last + 1, section=section,
        part=" ".join(part.split()), post=post, post_slug=post.slug,
        title=" ".join(title.split()), sample=sample)
    entries.insert(len(entries) if at is None else at - 1, entry)
    _renumber(book, entries)
    book.save(update_fields=["modified_at"])
    return entry


def _entry(book: Book, post_slug: str) -> BookEntry:
    entry = book.entries.filter(post_slug=post_slug.strip().lower()).first()
    if entry is None:
        raise ContentError(f"'{post_slug}' is not in '{book.title}' "
                           f"(see `masthead book show {book.slug}`)")
    return entry


@transaction.atomic
def move_post(book_slug: str, post_slug: str, to: int) -> BookEntry:
    """Move a post of the book to place ``to`` (1 is the first); the others close up."""
    book = Book.objects.select_for_update().get(pk=find_book(book_slug).pk)
    entry = _entry(book, post_slug)
    entries = [e for e in book.entries.all() if e.pk != entry.pk]
    if not 1 <= to <= len(entries) + 1:
        raise ContentError(f"--to {to}: give a place from 1 to {len(entries) + 1}")
    entries.insert(to - 1, entry)
    _renumber(book, entries)
    book.save(update_fields=["modified_at"])
    return entry


@transaction.atomic
def remove_post(book_slug: str, post_slug: str) -> None:
    """Take a post out of the book (the post itself stays on the site)."""
    book = Book.objects.select_for_update().get(pk=find_book(book_slug).pk)
    _entry(book, post_slug).delete()
    _renumber(book, list(book.entries.all()))
    book.save(update_fields=["modified_at"])


@transaction.atomic
def store_books(books: Sequence[BookData]) -> int:
    """Store books read from an export (``books/SLUG.toml``), each replacing the book of
    its slug whole, so importing an export again gives the same books. A place whose
    post the site does not have is kept, and shown as missing."""
    from masthead.content.books import BookVersion

    posts = {}
    for pk, slug in Post.objects.exclude(status=Post.TRASHED).order_by(
            "kind").values_list("pk", "slug"):
        posts[slug] = pk  # pages first, so a post wins over a page of the same slug
    for data in books:
        book, _ = Book.objects.update_or_create(slug=data.slug, defaults=data.fields)
        book.entries.all().delete()
        book.versions.all().delete()
        BookEntry.objects.bulk_create(
            BookEntry(book=book, position=n, section=e["section"], part=e["part"],
                      post_id=posts.get(e["post"]), post_slug=e["post"], title=e["title"],
                      markdown=e["markdown"], sample=e["sample"])
            for n, e in enumerate(data.entries, 1))
        BookVersion.objects.bulk_create(BookVersion(book=book, **v) for v in data.versions)
    return len(books)


FORMATS = ("epub", "pdf", "screen-pdf")
LABELS = {"epub": "the EPUB", "pdf": "the print PDF", "screen-pdf": "the screen PDF"}


def build_book(book_slug: str, root: Path, formats: Sequence[str] = FORMATS, *,
               trim: str = "a5", say: Callable[[str], None] | None = None) -> list[Path]:
    """Write the book's files to ``books/SLUG/`` in the site folder: SLUG.epub, SLUG.pdf
    (print, at the trim size) and SLUG-screen.pdf; return those written.

    Only what changed is made again: a chapter whose text and citations are as they
    were is taken as rendered last time, and a file whose inputs did not change at all
    is left as it is (``say`` is told so, and what the build fixed up in a chapter).
    Every file is made before any is written, and each replaces the last whole, so a
    failed build keeps the previous files."""
    from masthead import __version__
    from masthead.books import epub, pdf
    from masthead.books.manuscript import make_manuscript
    from masthead.books.partcache import BookCache, digest

    tell = say or (lambda _: None)
    book = find_book(book_slug)
    pdf.trim_size(trim)  # a bad size is refused before the work starts
    cache = BookCache(root / ".masthead" / "books" / book.slug)
    manuscript = make_manuscript(book, root, cache)
    for note in manuscript.notes:
        tell(note)
    folder = root / "books" / book.slug
    names = {"epub": f"{book.slug}.epub", "pdf": f"{book.slug}.pdf",
             "screen-pdf": f"{book.slug}-screen.pdf"}
    whole = manuscript.fingerprint()
    made: dict[Path, tuple[str, bytes]] = {}
    for kind in (k for k in FORMATS if k in formats):
        target = folder / names[kind]
        inputs = digest(kind, whole, __version__, epub.STYLE if kind == "epub" else
                        [pdf.STYLE, pdf.trim_size(trim)])
        if cache.up_to_date(target, inputs):
            tell(f"{LABELS[kind]} is up to date ({target.relative_to(root)})")
            continue
        if kind == "epub":
            made[target] = (inputs, epub.write_epub(manuscript))
        else:
            made[target] = (inputs, pdf.write_pdf(manuscript, root, trim=trim,
                                                  screen=kind == "screen-pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    for target, (inputs, data) in made.items():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        cache.wrote(target, inputs, data)
    cache.forget_unused()
    return list(made)


EDITABLE = ("title", "subtitle", "language", "description", "cover", "isbn", "licence",
            "dedication", "footnotes")


def _check_cover(address: str, root: Path) -> str:
    """A cover is an image of the site's media/ (an upload): refused if it is not one."""
    from PIL import Image, UnidentifiedImageError

    address = address.strip()
    if not address:
        return ""
    media = (root / "media").resolve()
    path = (media / address.removeprefix("/media/")).resolve()
    if not address.startswith("/media/") or media not in path.parents or not path.is_file():
        raise ContentError(f"the cover '{address}' is not a file of the site's media/ "
                           "(give its /media/... address)", field="cover")
    try:
        with Image.open(path) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError):
        raise ContentError(f"the cover '{address}' is not an image", field="cover") from None
    if kind not in ("JPEG", "PNG", "GIF", "WEBP"):
        raise ContentError(f"the cover '{address}' is a {kind} image; an EPUB cover is JPEG, "
                           "PNG, GIF or WebP", field="cover")
    return address


@transaction.atomic
def change_book(book_slug: str, root: Path, **values: str) -> Book:
    """Change a book's details (title, subtitle, cover ...); unknown names are refused."""
    book = Book.objects.select_for_update().get(pk=find_book(book_slug).pk)
    for name, value in values.items():
        if name not in EDITABLE:
            raise ContentError(f"a book has no '{name}'")
        value = value.strip() if name in ("description", "dedication") else " ".join(
            value.split())
        if name == "title" and not value:
            raise ContentError("a book needs a title", field="title")
        if name == "cover":
            value = _check_cover(value, root)
        if name == "footnotes" and value not in dict(Book.NOTE_NUMBERING):
            raise ContentError("footnotes are numbered per 'chapter' or through the 'book'",
                               field="footnotes")
        setattr(book, name, value)
    book.save()
    return book


# The studio's ways in (its Books page): details with the byline in one change, and a
# build asked for rather than run, since a PDF takes longer than a page may wait.

BUILD_JOB = "books.build_book"


@transaction.atomic
def change_book_details(book_slug: str, root: Path, *, authors: Sequence[str] | None = None,
                        **values: str) -> Book:
    """Change a book's details (as :func:`change_book`) and, if given, its authors (in
    byline order), in one transaction: the studio's form saves all of them or none."""
    book = change_book(book_slug, root, **values)
    if authors is not None:
        book.authors = [" ".join(a.split()) for a in authors if a.strip()]
        book.save(update_fields=["authors", "modified_at"])
    return book


@transaction.atomic
def queue_book_build(book_slug: str, formats: Sequence[str] = FORMATS) -> Book:
    """Ask the worker to build the book's files (the job ``books.build_book``, queued
    when this commits). Refused at once, rather than failing in the worker, when there
    is nothing to build or a format is unknown."""
    book = find_book(book_slug)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ContentError(f"a book is built as {', '.join(FORMATS)}, not "
                           f"{', '.join(unknown) or 'nothing'}", field="format")
    if not book.entries.filter(section=BookEntry.CHAPTER).exists():
        raise ContentError(f"'{book.title}' has no chapters yet, so there is nothing to "
                           "build: add a post to it first")
    enqueue(BUILD_JOB, book.slug, list(formats))
    return book
