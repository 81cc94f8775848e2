"""The web book's versions pages: ``/books/SLUG/versions/`` lists every version, newest
first, with its date, changelog line and downloads; ``/books/SLUG/versions/vN/`` shows
what changed from the version before, chapter by chapter, word by word.

The files a version links to are kept by ``masthead book release`` under
``books/SLUG/vN/`` of the site folder, and copied to ``public/books/SLUG/vN/`` with the
web book. The versions are read here, as the books' part of the build's snapshot; the
word-by-word comparison waits until a page is rendered, so a build whose versions did
not change compares nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

from masthead.content.books import BookVersion
from masthead.render import worddiff
from masthead.sitegen.plan.core import Planner, when


@dataclass(frozen=True)
class Download:
    href: str
    kind: str  # "epub", "pdf" (print) or "screen-pdf"


@dataclass(frozen=True)
class VersionView:
    number: int
    released: dt.datetime
    changelog: str
    downloads: tuple[Download, ...]
    chapters: tuple[dict, ...]
    digest: str  # of its chapters' texts and titles, for the pages' keys


def _kind(name: str) -> str:
    return "epub" if name.endswith(".epub") else "screen-pdf" \
        if name.endswith("-screen.pdf") else "pdf"


def load() -> dict[tuple[str, str], list[VersionView]]:
    """Every book that has versions ((slug, title) -> its versions, oldest first)."""
    books: dict[tuple[str, str], list[VersionView]] = {}
    for v in BookVersion.objects.select_related("book").order_by("book__slug", "number"):
        chapters = tuple(v.chapters or ())
        digest = hashlib.sha256(json.dumps(chapters, sort_keys=True).encode()).hexdigest()
        downloads = tuple(Download(f"/books/{v.book.slug}/v{v.number}/{name}", _kind(name))
                          for name in v.files or ())
        books.setdefault((v.book.slug, v.book.title), []).append(VersionView(
            v.number, v.released_at, v.changelog, downloads, chapters, digest))
    return books


def pages(planner: Planner) -> None:
    """Plan each book's versions page and a page per version."""
    for (slug, title), versions in load().items():
        base = f"/books/{slug}/versions/"
        newest_first = list(reversed(versions))
        planner.page(base, "book_versions.html",
                     (title, tuple((v.number, when(v.released), v.changelog, v.downloads)
                                   for v in versions)),
                     book_title=title, book_path=f"/books/{slug}/", versions=newest_first)
        for before, version in zip([None, *versions], versions, strict=False):
            planner.page(
                f"{base}v{version.number}/", "book_version.html",
                (title, version.number, when(version.released), version.changelog,
                 version.downloads, version.digest, before.digest if before else "",
                 before.number if before else 0),
                book_title=title, book_path=f"/books/{slug}/", versions_path=base,
                version=version, before=before, changes=_changes(before, version),
                pieces_html=_pieces_html)


def _changes(before: VersionView | None, version: VersionView):
    """What changed in each chapter, worked out when the page is rendered."""
    @cache
    def changes() -> list[worddiff.ChapterChange]:
        return worddiff.compare(before.chapters if before else (), version.chapters)

    return changes


def _pieces_html(pieces, taken_out: str, put_in: str) -> Markup:
    return Markup(worddiff.pieces_html(pieces, taken_out=taken_out, put_in=put_in))
