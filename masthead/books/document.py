"""A book as a file: ``books/SLUG.toml`` in a Markdown export, read back by the import.

The file holds the book's metadata, its places in order (each naming a post by slug,
since the posts are exported beside it) and its versions. Writing then reading gives the
same file byte for byte: empty fields are left out and read back as empty. A file that
cannot be a book is refused naming the file and the field, before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from masthead.content.books import Book, BookEntry
from masthead.errors import ContentError

MAX_BYTES = 2 << 20  # a book's file names its chapters; its text is in the posts
TEXT = ("title", "subtitle", "language", "description", "cover", "isbn", "licence",
        "dedication")
ENTRY_TEXT = ("part", "title", "markdown")


@dataclass
class BookData:
    slug: str
    fields: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)


def book_document(book: Book) -> str:
    """The book's TOML file, with its places and versions in order."""
    doc: dict[str, Any] = {"slug": book.slug}
    doc.update({name: getattr(book, name) for name in TEXT if getattr(book, name)})
    if book.authors:
        doc["authors"] = list(book.authors)
    if book.footnotes != Book.PER_CHAPTER:
        doc["footnotes"] = book.footnotes
    entries = []
    for entry in book.entries.all():
        item: dict[str, Any] = {"section": entry.section}
        if entry.post_slug:
            item["post"] = entry.post_slug
        item.update({name: getattr(entry, name) for name in ENTRY_TEXT if getattr(entry, name)})
        if entry.sample:
            item["sample"] = True
        entries.append(item)
    if entries:
        doc["entries"] = entries
    versions = [{"number": v.number, "released": v.released_at.astimezone(dt.UTC),
                 **({"changelog": v.changelog} if v.changelog else {})}
                for v in book.versions.all()]
    if versions:
        doc["versions"] = versions
    return tomli_w.dumps(doc, multiline_strings=True)


def _text(table: dict, name: str, path: Path, where: str = "") -> str:
    value = table.get(name, "")
    if not isinstance(value, str):
        raise ContentError(f"{where}'{name}' must be text", path=path)
    return value


def read_book_document(path: Path) -> BookData:
    """Read ``path`` as a book, or refuse it naming the field that is wrong."""
    if path.stat().st_size > MAX_BYTES:
        raise ContentError(f"larger than {MAX_BYTES >> 20} MB: a book's file only names its "
                           "chapters", path=path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ContentError("is not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"is not valid TOML ({exc})", path=path) from None
    slug = _text(doc, "slug", path) or path.stem
    fields = {name: _text(doc, name, path) for name in TEXT}
    if not fields["title"].strip():
        raise ContentError("a book needs a title", path=path, field="title")
    authors = doc.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ContentError("'authors' must be a list of names", path=path)
    fields["authors"] = authors
    fields["footnotes"] = doc.get("footnotes", Book.PER_CHAPTER)
    if fields["footnotes"] not in dict(Book.NOTE_NUMBERING):
        raise ContentError("'footnotes' is 'chapter' or 'book'", path=path)
    data = BookData(slug=slug, fields=fields)
    for n, item in enumerate(doc.get("entries", []), 1):
        where = f"entry {n}: "
        if not isinstance(item, dict):
            raise ContentError(f"{where}must be a table ([[entries]])", path=path)
        section = item.get("section", BookEntry.CHAPTER)
        if section not in dict(BookEntry.SECTIONS):
            raise ContentError(f"{where}'section' is front, chapter or appendix", path=path)
        entry = {"section": section, "post": _text(item, "post", path, where),
                 "sample": bool(item.get("sample", False)),
                 **{name: _text(item, name, path, where) for name in ENTRY_TEXT}}
        if not entry["post"] and not entry["markdown"]:
            raise ContentError(f"{where}names no post (post = \"slug\") and has no text",
                               path=path)
        data.entries.append(entry)
    for n, item in enumerate(doc.get("versions", []), 1):
        number, released = item.get("number"), item.get("released")
        if not isinstance(number, int) or not isinstance(released, dt.datetime) \
                or released.tzinfo is None:
            raise ContentError(f"version {n}: needs a 'number' and a 'released' date and time "
                               "with its offset", path=path)
        data.versions.append({"number": number, "released_at": released,
                              "changelog": _text(item, "changelog", path, f"version {n}: ")})
    return data
