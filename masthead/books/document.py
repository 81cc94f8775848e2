"""A book as a file: ``books/SLUG.toml`` in a Markdown export, read back by the import.

The file holds the book's metadata, its places in order (each naming a post by slug,
since the posts are exported beside it) and its versions. Writing then reading gives the
same file byte for byte: empty fields are left out and read back as empty. A file that
cannot be a book is refused naming the file and the field, before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from masthead.content.books import Book, BookEntry
from masthead.errors import ContentError

# A book's file names its chapters (their text is in the posts), but each version keeps
# the text of every chapter as it was: room for a long book released many times.
MAX_BYTES = 64 << 20
CHAPTER_TEXT = ("key", "title", "section", "state", "text")
_FILE_NAME = re.compile(r"[\w][\w.-]*\Z")
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
                 **({"changelog": v.changelog} if v.changelog else {}),
                 **({"files": list(v.files)} if v.files else {}),
                 **({"details": dict(v.details)} if v.details else {}),
                 **({"chapters": list(v.chapters)} if v.chapters else {})}
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
                              "changelog": _text(item, "changelog", path, f"version {n}: "),
                              **_version_record(item, path, f"version {n}: ")})
    return data


def _version_record(item: dict, path: Path, where: str) -> dict[str, Any]:
    """What a released version kept: its files' names, the book's details and each
    chapter's text at the time (see :mod:`masthead.books.versions`)."""
    files = item.get("files", [])
    if not isinstance(files, list) or not all(
            isinstance(f, str) and _FILE_NAME.match(f) for f in files):
        raise ContentError(f"{where}'files' must be a list of file names (no folders)",
                           path=path)
    details = item.get("details", {})
    if not isinstance(details, dict) or not all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(a, str) for a in v))
            for v in details.values()):
        raise ContentError(f"{where}'details' must be a table of texts", path=path)
    chapters = item.get("chapters", [])
    if not isinstance(chapters, list):
        raise ContentError(f"{where}'chapters' must be a list of tables ([[versions.chapters]])",
                           path=path)
    for m, chapter in enumerate(chapters, 1):
        if not isinstance(chapter, dict) or set(chapter) != set(CHAPTER_TEXT) or not all(
                isinstance(chapter[name], str) for name in CHAPTER_TEXT):
            raise ContentError(f"{where}chapter {m}: needs a key, title, section, state and "
                               "text, each a text", path=path)
    return {"files": files, "details": details, "chapters": chapters}
