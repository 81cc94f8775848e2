"""A book's contents as a writer and a reader see them: its places, in order, each with
the chapter's number, title, part, state and length.

A chapter's state comes from its post: published, "coming soon" (a draft or a
scheduled post), or missing (the post was taken down, trashed or purged: the build
names it instead of leaving a hole in the book).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from masthead.content.books import Book, BookEntry
from masthead.content.models import Post

PUBLISHED = "published"
COMING_SOON = "coming soon"
MISSING = "missing"
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def word_count(markdown: str) -> int:
    """Words of a text as a reader counts them (not link targets or markup)."""
    text = re.sub(r"\]\([^)]*\)|<[^>]+>|\[@[^\]]*\]|\[\^[^\]]*\]", " ", markdown)
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Place:
    position: int
    section: str
    number: int | None  # a chapter's or appendix's number in its series; None for front
    title: str
    part: str
    state: str
    words: int
    post_slug: str
    sample: bool


def _state(post: Post | None) -> str:
    if post is None or post.status in (Post.TRASHED, Post.UNPUBLISHED):
        return MISSING
    return PUBLISHED if post.status == Post.PUBLISHED else COMING_SOON


def contents(book: Book) -> list[Place]:
    """The book's places in order, chapters and appendices numbered from 1 each."""
    places, numbers = [], {BookEntry.CHAPTER: 0, BookEntry.APPENDIX: 0}
    for entry in book.entries.select_related("post"):
        post = entry.post
        number = None
        if entry.section in numbers:
            numbers[entry.section] += 1
            number = numbers[entry.section]
        text = post.body if post is not None else entry.markdown
        places.append(Place(
            position=entry.position, section=entry.section, number=number,
            title=entry.title or (post.title if post is not None else entry.post_slug),
            part=entry.part, state=_state(post) if entry.post_slug else PUBLISHED,
            words=word_count(text), post_slug=entry.post_slug, sample=entry.sample))
    return places


@dataclass(frozen=True)
class Progress:
    chapters: int
    published: int
    words: int

    @property
    def percent(self) -> int:
        """Published chapters of those planned, as the "in progress" badge shows it."""
        return round(100 * self.published / self.chapters) if self.chapters else 0


def progress(places: list[Place]) -> Progress:
    chapters = [p for p in places if p.section == BookEntry.CHAPTER]
    return Progress(chapters=len(chapters),
                    published=sum(p.state == PUBLISHED for p in chapters),
                    words=sum(p.words for p in places if p.state == PUBLISHED))
