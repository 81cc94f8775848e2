"""The web book: each book's page at /books/SLUG/ (its contents, progress and downloads),
its Atom feed of chapters, the files ``masthead book build`` wrote to the site folder's
``books/SLUG/`` (copied as they are, like media), and /books/, the list of books.

The chapters' own pages are the posts' pages (``pages.posts``), which show the book
navigation :func:`masthead.sitegen.books.chapter_navs` gives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from masthead.sitegen import feeds as formats
from masthead.sitegen.books import FRONT, BookView
from masthead.sitegen.keys import key
from masthead.sitegen.plan.core import Output, Planner
from masthead.sitegen.snapshot import PostView


class Download(NamedTuple):
    kind: str  # "epub", "pdf" or "screen-pdf"
    name: str  # the file's name in /books/SLUG/
    size: int  # bytes
    media_type: str


# What `masthead book build` writes, in the order the page offers them.
DOWNLOADS = (("epub", "{slug}.epub", "application/epub+zip"),
             ("pdf", "{slug}.pdf", "application/pdf"),
             ("screen-pdf", "{slug}-screen.pdf", "application/pdf"))


def books(planner: Planner, folder: Path | None) -> None:
    """Every book's page, feed and files, and the list of books (if there are any).
    ``folder`` is the site folder's ``books/``."""
    snap = planner.snap
    for book in snap.books:
        files = _files(folder / book.slug if folder else None)
        downloads = _downloads(book, files)
        cover = _cover_size(planner.media, book.cover)
        planner.page(book.path, "book.html",
                     (book.signature(), tuple(downloads), cover),
                     book=book, downloads=downloads, cover_size=cover)
        _feed(planner, book)
        for rel, (path, size, mtime) in files.items():
            name = f"books/{book.slug}/{rel}"
            planner.outputs.append(Output(
                name, key("book file", size, mtime),
                lambda name=name, path=path: {name: path.read_bytes()}))
    if snap.books:
        planner.page("/books/", "books.html",
                     tuple(b.signature() for b in snap.books), books=snap.books)


def _files(folder: Path | None) -> dict[str, tuple[Path, int, int]]:
    """The book's files: relative name -> (path, size, modification time); hidden
    files (a build's half-written ones) and folders are left out."""
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or not path.is_file():
            continue
        st = path.stat()
        found[rel] = (path, st.st_size, st.st_mtime_ns)
    return found


def _downloads(book: BookView, files: dict) -> list[Download]:
    out = []
    for kind, pattern, media_type in DOWNLOADS:
        name = pattern.format(slug=book.slug)
        if name in files:
            out.append(Download(kind, name, files[name][1], media_type))
    return out


def _cover_size(media: Path | None, cover: str) -> tuple[int, int] | None:
    """The cover's width and height (so the page does not move when it arrives), or
    None if it is not an image of media/."""
    if not cover.startswith("/media/") or media is None:
        return None
    path = (media / cover.removeprefix("/media/")).resolve()
    if media.resolve() not in path.parents or not path.is_file():
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None


def _feed(planner: Planner, book: BookView) -> None:
    """The book's Atom feed: its chapters and appendices on the site, newest first."""
    site = planner.site
    chapters = sorted((p.post for p in book.linked if p.section != FRONT and p.post),
                      key=lambda p: p.sort_key, reverse=True)
    titled = [p.post._replace(title=p.title) for p in book.linked
              if p.post and p.section != FRONT and p.title != p.post.title]
    by_id = {p.id: p for p in titled}
    newest = [by_id.get(p.id, p) for p in chapters]
    feed_site = replace(site, description=book.subtitle or book.title,
                        author=", ".join(book.authors) or site.author)
    title = book.title
    planner.file(book.path.lstrip("/") + "feed.xml",
                 key("book feed", book.path, title, feed_site.description, feed_site.author,
                     tuple((p.page_key, p.title) for p in newest)),
                 lambda: formats.atom(feed_site, title, book.path, newest,
                                      _contents(planner, newest)))


def _contents(planner: Planner, posts: Sequence[PostView]) -> dict[int, str]:
    """Each chapter's feed HTML, from the cache the site's feeds fill (``plan/feeds``)."""
    cache = planner.feed_html
    missing = [p for p in posts if p.id not in cache]
    if missing:
        bodies = planner.store.many(p.id for p in missing)
        for p in missing:
            cache[p.id] = formats.content_html(p, planner.site, bodies[p.id])
    return {p.id: cache[p.id] for p in posts}

