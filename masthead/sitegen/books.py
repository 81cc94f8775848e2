"""The books of the site as its web pages show them: read once per build, beside the posts.

A book's web page lists its places in order and links each chapter to its post's page;
a chapter whose post is not on the site yet (a draft, a scheduled post) is "coming
soon", without a link; one whose post was taken down is left out of the page (the
writer sees it in ``masthead book show``). The progress counts chapters as
:func:`masthead.books.contents.progress` does (the site generator sits below the books
package, so the rule for a chapter's state is repeated here, and a test holds the two
to the same numbers).

The model imports wait inside :func:`load_books`, as the snapshot's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from masthead.render import markdown
from masthead.render.sanitize import clean

if TYPE_CHECKING:
    from masthead.sitegen.snapshot import PostView

PUBLISHED = "published"
COMING_SOON = "coming soon"
MISSING = "missing"
FRONT, CHAPTER, APPENDIX = "front", "chapter", "appendix"


class BookPlace(NamedTuple):
    """A place of a book's contents: its section, its number in that section (None for
    front matter), its title and part, and its post's page (None if it has none)."""

    section: str
    number: int | None
    title: str
    part: str
    state: str
    post: PostView | None
    sample: bool

    @property
    def linked(self) -> bool:
        return self.post is not None


class VersionView(NamedTuple):
    number: int
    changelog: str
    released: dt.datetime


@dataclass(frozen=True)
class BookView:
    slug: str
    title: str
    subtitle: str
    authors: tuple[str, ...]
    language: str
    description: str  # Markdown, as the writer gave it
    cover: str  # a /media/ address, or ""
    licence: str
    places: tuple[BookPlace, ...]
    chapters: int  # planned
    published: int  # of them
    versions: tuple[VersionView, ...] = ()

    @property
    def path(self) -> str:
        return f"/books/{self.slug}/"

    @property
    def percent(self) -> int:
        """Published chapters of those planned, as ``masthead book show`` says it."""
        return round(100 * self.published / self.chapters) if self.chapters else 0

    @property
    def shown(self) -> tuple[BookPlace, ...]:
        """The places a reader sees: every one but the missing and the front matter
        of the book's own (which has no page on the site)."""
        return tuple(p for p in self.places if p.state != MISSING
                     and (p.linked or p.section != FRONT))

    @property
    def linked(self) -> tuple[BookPlace, ...]:
        return tuple(p for p in self.places if p.linked)

    @property
    def latest(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None

    def description_html(self) -> Markup:
        text = self.description.strip()
        return Markup(clean(markdown.render_fragment(text))) if text else Markup("")

    def groups(self) -> list[tuple[str, list[BookPlace]]]:
        """The shown places in runs of one part (a run with no part has the title "")."""
        out: list[tuple[str, list[BookPlace]]] = []
        for place in self.shown:
            if not out or out[-1][0] != place.part:
                out.append((place.part, []))
            out[-1][1].append(place)
        return out

    def signature(self) -> tuple:
        """What the book's pages show of it, for their keys."""
        return (self.slug, self.title, self.subtitle, self.authors, self.language,
                self.description, self.cover, self.licence, self.chapters, self.published,
                tuple((p.section, p.number, p.title, p.part, p.state, p.sample,
                       p.post.path if p.post else "", p.post.card_key if p.post else "")
                      for p in self.places), self.versions)


class BookNav(NamedTuple):
    """What a chapter's page shows of one book it is in."""

    book_title: str
    book_path: str
    section: str
    number: int | None
    previous: tuple[str, str] | None  # (title, path) of the chapter before, if any
    next: tuple[str, str] | None


def state_of(status: str | None) -> str:
    """A chapter's state from its post's status (None: the post is gone), as
    :mod:`masthead.books.contents` says it."""
    if status is None or status in ("trashed", "unpublished"):
        return MISSING
    return PUBLISHED if status == "published" else COMING_SOON


def load_books(on_site: Mapping[int, PostView]) -> tuple[BookView, ...]:
    """Every book, by slug, each place with its post's page if ``on_site`` has it."""
    from masthead.content.books import Book, BookEntry, BookVersion
    from masthead.content.models import Post

    books = list(Book.objects.order_by("slug"))
    if not books:
        return ()
    entries: dict[int, list] = {}
    rows = (BookEntry.objects.order_by("book_id", "position")
            .values_list("book_id", "section", "part", "post_id", "post_slug", "title",
                         "sample"))
    post_ids = set()
    for row in rows:
        entries.setdefault(row[0], []).append(row)
        if row[3] is not None:
            post_ids.add(row[3])
    posts = {pid: (status, title) for pid, status, title in
             Post.objects.filter(id__in=post_ids).values_list("id", "status", "title")}
    versions: dict[int, list[VersionView]] = {}
    for book_id, number, changelog, released in BookVersion.objects.order_by(
            "book_id", "number").values_list("book_id", "number", "changelog",
                                             "released_at"):
        versions.setdefault(book_id, []).append(VersionView(number, changelog, released))
    views = []
    for book in books:
        places, numbers = [], {CHAPTER: 0, APPENDIX: 0}
        published = 0  # chapters, counted by their posts' status as `book show` counts
        for _, section, part, post_id, post_slug, title, sample in entries.get(book.id, ()):
            number = None
            if section in numbers:
                numbers[section] += 1
                number = numbers[section]
            status, post_title = posts.get(post_id, (None, post_slug))
            state = state_of(status) if post_slug else PUBLISHED
            published += section == CHAPTER and state == PUBLISHED
            view = on_site.get(post_id) if state == PUBLISHED and post_id else None
            if state == PUBLISHED and post_slug and view is None:
                state = COMING_SOON  # published, but not on the site yet (its date is to come)
            places.append(BookPlace(section, number, title or post_title, part, state, view,
                                    sample))
        chapters = [p for p in places if p.section == CHAPTER]
        views.append(BookView(
            slug=book.slug, title=book.title, subtitle=book.subtitle,
            authors=tuple(book.authors or ()), language=book.language,
            description=book.description, cover=book.cover, licence=book.licence,
            places=tuple(places), chapters=len(chapters), published=published,
            versions=tuple(versions.get(book.id, ()))))
    return tuple(views)


def chapter_navs(books: Iterable[BookView]) -> dict[int, tuple[BookNav, ...]]:
    """For each post in a book, the navigation its page shows: for each of its books,
    the chapters before and after it among those on the site."""
    navs: dict[int, list[BookNav]] = {}
    for book in books:
        linked = book.linked
        for i, place in enumerate(linked):
            assert place.post is not None
            before = linked[i - 1] if i > 0 else None
            after = linked[i + 1] if i + 1 < len(linked) else None
            navs.setdefault(place.post.id, []).append(BookNav(
                book.title, book.path, place.section, place.number,
                (before.title, before.post.path) if before and before.post else None,
                (after.title, after.post.path) if after and after.post else None))
    return {pid: tuple(n) for pid, n in navs.items()}
