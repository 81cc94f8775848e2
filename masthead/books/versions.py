"""Versions of a book, as Leanpub keeps them: v1, v2 ..., each with its changelog line,
its own files, and the text of every chapter as it was, so readers can download any
version and see what changed between two.

:func:`release_book` is the one write path (one transaction): it builds the book, keeps
the files under ``books/SLUG/vN/`` of the site folder (earlier versions' stay), records
the version with each chapter's text, and, once committed, queues the site's build (the
versions pages) and the email to subscribers who asked for book updates.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from masthead.books.actions import FORMATS, build_book, find_book
from masthead.books.contents import COMING_SOON, MISSING, contents
from masthead.books.document import TEXT
from masthead.content.addresses import slugify
from masthead.content.books import Book, BookVersion
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue_build
from masthead.render import worddiff


def version_folder(root: Path, slug: str, number: int) -> Path:
    return root / "books" / slug / f"v{number}"


def file_name(slug: str, number: int, built: str) -> str:
    """``SLUG.epub`` as version 2 keeps it: ``SLUG-v2.epub`` (``SLUG-v2-screen.pdf``)."""
    stem, dot, ext = built.partition(".")
    return f"{slug}-v{number}{stem.removeprefix(slug)}{dot}{ext}"


def book_snapshot(book: Book) -> tuple[list[dict], dict]:
    """Each place's text as readers of the book get it now (a chapter still to come has
    none), and the book's own details: what a version keeps, and what two versions
    compare."""
    places = contents(book)
    chapters = []
    for place, entry in zip(places, book.entries.select_related("post"), strict=True):
        if entry.post_slug:
            key = entry.post_slug
            text = entry.post.body if entry.post is not None and place.state not in (
                COMING_SOON, MISSING) else ""
        else:
            key = f"{entry.section}:{slugify(place.title) or entry.position}"
            text = entry.markdown
        # One kind of line end: the text is kept in TOML too, which knows only "\n".
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        chapters.append({"key": key, "title": place.title, "section": place.section,
                         "state": place.state, "text": text})
    details = {name: getattr(book, name) for name in TEXT}
    details.update(authors=list(book.authors), footnotes=book.footnotes)
    return chapters, details


def _keep_files(built: list[Path], folder: Path, slug: str, number: int) -> list[str]:
    """The files just built, kept as this version's (hard links where the file system
    allows: ``build_book`` replaces a file whole, never in place). The folder appears
    whole or not at all."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    names = []
    for path in built:
        name = file_name(slug, number, path.name)
        try:
            os.link(path, tmp / name)
        except OSError:
            shutil.copy2(path, tmp / name)
        names.append(name)
    shutil.rmtree(folder, ignore_errors=True)  # left by a release that did not commit
    os.replace(tmp, folder)
    return names


def release_book(book_slug: str, root: Path, changelog: str, *, trim: str = "a5"
                 ) -> BookVersion:
    """Publish the book's next version: build its files, keep them as ``vN``, record
    the changelog line and each chapter's text. A book with nothing changed since its
    last version is refused (its readers would get the same book under a new number)."""
    changelog = " ".join(changelog.split())
    if not changelog:
        raise ContentError('a version needs a line saying what changed (--changelog '
                           '"...")', field="changelog")
    folder = None
    try:
        with transaction.atomic():
            book = Book.objects.select_for_update().get(pk=find_book(book_slug).pk)
            chapters, details = book_snapshot(book)
            last = book.versions.order_by("-number").first()
            if last is not None and last.chapters == chapters and last.details == details:
                raise ContentError(
                    f"nothing in '{book.title}' has changed since v{last.number} "
                    f"({last.released_at:%Y-%m-%d}): edit a chapter or the book's details, "
                    "then release")
            number = (last.number if last else 0) + 1
            built = build_book(book.slug, root, FORMATS, trim=trim)
            folder = version_folder(root, book.slug, number)
            names = _keep_files(built, folder, book.slug, number)
            version = BookVersion.objects.create(
                book=book, number=number, changelog=changelog, released_at=timezone.now(),
                chapters=chapters, details=details, files=names)
            enqueue_build()
            # Here, not at the top: the newsletter's models load only in commands that
            # have its app (``masthead book changes`` does without).
            from masthead.newsletter.actions import queue_book_version

            queue_book_version(version.pk)
    except BaseException:
        if folder is not None:  # the version was not recorded: neither are its files
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return version


def find_version(book: Book, name: str) -> BookVersion:
    """A version by its name (``v2`` or ``2``), or a refusal naming those there are."""
    number = name.strip().lower().removeprefix("v")
    version = book.versions.filter(number=int(number)).first() if number.isdigit() else None
    if version is None:
        have = ", ".join(f"v{n}" for n in book.versions.values_list("number", flat=True))
        raise ContentError(f"'{book.title}' has no version '{name}' "
                           + (f"(it has {have})" if have else "(it has no versions yet)"))
    return version


@dataclass(frozen=True)
class Changes:
    older: BookVersion
    newer: BookVersion
    chapters: list[worddiff.ChapterChange]

    def text(self) -> str:
        head = f"What changed from v{self.older.number} to v{self.newer.number}"
        body = worddiff.to_text(self.chapters)
        return f"{head}\n\n{body}" if body else f"{head}: no chapter changed\n"


def changes(book_slug: str, older: str | None = None, newer: str | None = None) -> Changes:
    """What changed in each chapter between two versions (by default the last two)."""
    book = find_book(book_slug)
    if (older is None) != (newer is None):
        raise ContentError("give two versions (e.g. v1 v2), or none for the last two")
    if older is None or newer is None:
        last_two = list(book.versions.order_by("-number")[:2])
        if len(last_two) < 2:
            raise ContentError(f"'{book.title}' has {len(last_two) or 'no'} version"
                               f"{'s' if not last_two else ''}: there is nothing to compare "
                               "yet")
        b, a = last_two
    else:
        a, b = find_version(book, older), find_version(book, newer)
    return Changes(a, b, worddiff.compare(a.chapters, b.chapters))
