"""Export the site as Markdown files with YAML front matter (Hugo/Jekyll-compatible).

Lossless: ``export -> import -> export`` gives byte-identical files. The folder holds
posts/*.md, pages/*.md, bibliography.json (CSL-JSON), authors.yaml, comments.yaml (readers'
comments, with the post they belong to), books/*.toml (each book's metadata and the posts
it is made of, in order) and site.yaml.
"""

from __future__ import annotations

import json
import os
import shutil
import zoneinfo
from pathlib import Path
from typing import Any

import yaml

from masthead.books.document import book_document
from masthead.content import frontmatter
from masthead.content.books import Book
from masthead.content.models import (
    Author,
    Comment,
    OldURL,
    Post,
    PostAuthor,
    PostTag,
    Site,
    Source,
)
from masthead.content.site_settings import SETTINGS
from masthead.errors import MastheadError


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _canonical(value: Any) -> Any:
    """Nested mappings with sorted keys: PostgreSQL's jsonb does not keep key order."""
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def post_document(post: Post, tags: list[str], authors: list[str], old: list[str],
                  tz: zoneinfo.ZoneInfo) -> str:
    meta: dict[str, Any] = {"title": post.title, "slug": post.slug}
    if post.kind == Post.PAGE:
        meta["type"] = "page"
    if post.published_at:
        meta["date"] = post.published_at.astimezone(tz).isoformat()
    if post.updated_at:
        meta["lastmod"] = post.updated_at.astimezone(tz).isoformat()
    if post.status in (Post.DRAFT, Post.UNPUBLISHED):
        meta["draft"] = True  # Hugo and Jekyll then leave it out, as Masthead does
    if post.status == Post.UNPUBLISHED:
        meta["unpublished"] = True
    if post.email_on_publish:
        meta["email_on_publish"] = True  # scheduled, and to be emailed when it goes out
    if tags:
        meta["tags"] = tags
    if authors:
        meta["authors"] = authors
    if post.excerpt:
        meta["summary"] = post.excerpt
    if post.series:
        meta["series"] = post.series
    if post.canonical_url:
        meta["canonical_url"] = post.canonical_url
    if old:
        meta["aliases"] = old
    for key in sorted(post.extra):
        meta.setdefault(key, _canonical(post.extra[key]))
    body = post.body if post.body.endswith("\n") or not post.body else post.body + "\n"
    return frontmatter.dump(meta) + "\n" + body


def export_markdown(folder: Path, progress=None) -> int:
    """Write every post and page; return how many. Refuses a non-empty foreign folder."""
    if folder.exists() and any(folder.iterdir()) and not (folder / "site.yaml").exists():
        raise MastheadError(
            f"{folder} is not empty and holds no earlier export (site.yaml); "
            "choose an empty folder")
    site = Site.objects.get()
    tz = zoneinfo.ZoneInfo(site.timezone)
    tags: dict[int, list[str]] = {}
    for pid, name in PostTag.objects.order_by("post_id", "position").values_list(
            "post_id", "tag__name"):
        tags.setdefault(pid, []).append(name)
    authors: dict[int, list[str]] = {}
    for pid, name in PostAuthor.objects.order_by("post_id", "position").values_list(
            "post_id", "author__name"):
        authors.setdefault(pid, []).append(name)
    old: dict[int, list[str]] = {}
    for pid, path in OldURL.objects.order_by("path").values_list("post_id", "path"):
        old.setdefault(pid, []).append(path)
    written: set[Path] = set()
    count = 0
    # The Trash is not exported: a trashed post would come back, live, on the next import.
    for post in Post.objects.exclude(status=Post.TRASHED).order_by("kind", "slug").iterator(
            chunk_size=500):
        sub = "pages" if post.kind == Post.PAGE else "posts"
        path = folder / sub / f"{post.slug}.md"
        _atomic_write(path, post_document(post, tags.get(post.id, []),
                                          authors.get(post.id, []), old.get(post.id, []), tz))
        written.add(path)
        count += 1
        if progress:
            progress(1)
    # Files of posts that no longer exist would come back on the next import.
    for sub in ("posts", "pages"):
        for stale in (folder / sub).glob("*.md") if (folder / sub).is_dir() else ():
            if stale not in written:
                stale.unlink()
    bib = [dict(id=key, **csl) for key, csl in Source.objects.order_by("key").values_list(
        "key", "csl")]
    bib_path = folder / "bibliography.json"
    if bib:
        _atomic_write(bib_path, json.dumps(bib, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    elif bib_path.exists():
        bib_path.unlink()
    people = [{"slug": a.slug, "name": a.name, "email": a.email, "url": a.url, "bio": a.bio}
              for a in Author.objects.order_by("slug")]
    authors_path = folder / "authors.yaml"
    if people:
        _atomic_write(authors_path, yaml.safe_dump(people, sort_keys=False, allow_unicode=True,
                                                   width=10_000))
    elif authors_path.exists():
        authors_path.unlink()
    comments_path = folder / "comments.yaml"
    comments = comment_documents()
    if comments:
        _atomic_write(comments_path, yaml.safe_dump(comments, sort_keys=False,
                                                    allow_unicode=True, width=10_000))
    elif comments_path.exists():
        comments_path.unlink()
    _export_books(folder)
    settings = {s.name: _canonical(getattr(site, s.name)) for s in SETTINGS}
    _atomic_write(folder / "site.yaml", yaml.safe_dump(settings, sort_keys=False,
                                                       allow_unicode=True, width=10_000))
    shutil.rmtree(folder / ".tmp", ignore_errors=True)
    return count


def _export_books(folder: Path) -> None:
    """books/SLUG.toml for each book; files of books that no longer exist go."""
    written = set()
    for book in Book.objects.order_by("slug"):
        path = folder / "books" / f"{book.slug}.toml"
        _atomic_write(path, book_document(book))
        written.add(path)
    for stale in (folder / "books").glob("*.toml") if (folder / "books").is_dir() else ():
        if stale not in written:
            stale.unlink()


def comment_documents() -> list[dict]:
    """Every comment, by post and date, naming its post and the comment it answers."""
    rows = (Comment.objects.select_related("post", "parent")
            .order_by("post__kind", "post__slug", "published_at", "id"))
    out = []
    for c in rows.iterator(chunk_size=1000):
        doc: dict[str, Any] = {
            "origin": c.origin,
            "post": f"{'pages' if c.post.kind == Post.PAGE else 'posts'}/{c.post.slug}",
        }
        if c.parent is not None:
            doc["reply_to"] = c.parent.origin
        doc.update({"author": c.author_name, "author_url": c.author_url,
                    "author_email": c.author_email,
                    "date": c.published_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat()
                    if c.published_at else "",
                    "status": c.status, "body": c.body})
        out.append({k: v for k, v in doc.items() if v != ""})
    return out
