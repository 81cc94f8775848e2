"""Books: a title, its metadata and an ordered list of entries that name posts.

A book written in public is made of posts the site already has: its chapters are
published posts, or drafts the book lists as "coming soon". The book owns only its
metadata and its order, so a chapter edited on the site is edited in the book too.
Only :mod:`masthead.books.actions` writes these rows.
"""

from __future__ import annotations

from django.db import models


class Book(models.Model):
    PER_CHAPTER = "chapter"
    PER_BOOK = "book"
    NOTE_NUMBERING = [(PER_CHAPTER, "per chapter"), (PER_BOOK, "through the book")]

    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=500, blank=True, default="")
    authors = models.JSONField(default=list, blank=True)  # names, in byline order
    language = models.CharField(max_length=35, blank=True, default="")  # "": the site's
    description = models.TextField(blank=True, default="")
    cover = models.CharField(max_length=500, blank=True, default="")  # a /media/ address
    isbn = models.CharField(max_length=20, blank=True, default="")
    licence = models.CharField(max_length=200, blank=True, default="")
    dedication = models.TextField(blank=True, default="")
    footnotes = models.CharField(max_length=8, choices=NOTE_NUMBERING, default=PER_CHAPTER)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"book {self.slug}"


class BookEntry(models.Model):
    """One place in a book's order: front matter, a chapter or an appendix.

    It names a post (a chapter written on the site) or, for front matter such as a
    preface of its own, holds its Markdown. A chapter whose post is a draft shows as
    "coming soon"; ``part`` groups consecutive chapters under a part title."""

    FRONT = "front"
    CHAPTER = "chapter"
    APPENDIX = "appendix"
    SECTIONS = [(FRONT, "front matter"), (CHAPTER, "chapter"), (APPENDIX, "appendix")]

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=8, choices=SECTIONS, default=CHAPTER)
    part = models.CharField(max_length=300, blank=True, default="")
    # The post the entry is; kept (null) if the post is purged, so the book can say so.
    post = models.ForeignKey("content.Post", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="book_entries")
    post_slug = models.SlugField(max_length=200, blank=True, default="",
                                 allow_unicode=True)  # what it named, to report a loss
    title = models.CharField(max_length=500, blank=True, default="")  # "": the post's
    markdown = models.TextField(blank=True, default="")  # front matter of its own
    sample = models.BooleanField(default=False)  # part of the free sample

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["book", "position"],
                                               name="one_entry_per_place")]


class BookVersion(models.Model):
    """A published version of a book (v1, v2 ...) and the line that says what changed.

    ``chapters`` keeps each place's text as the version had it (a list of {"key",
    "title", "section", "state", "text"}), so what changed between two versions can be
    shown long after the posts moved on; ``details`` the book's own (title, authors ...)
    at that version; ``files`` the names of its files under ``books/SLUG/vN/``."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    changelog = models.TextField(blank=True, default="")
    released_at = models.DateTimeField()
    chapters = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"],
                                               name="one_version_number_per_book")]
