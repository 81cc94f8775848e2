"""Import a folder of Markdown files with Hugo/Jekyll front matter.

Understood: title, date (publishDate, published), lastmod (updated, modified), slug,
tags, categories (added to the tags), draft (Jekyll: published: false), summary
(excerpt, description), aliases (Jekyll: redirect_from; an explicit url or permalink
is kept as an old URL too), type/layout page, author/authors, canonical_url
(canonicalURL), series, email_on_publish (a scheduled post to email when it goes out).
Other keys are kept and exported again unchanged.

A Masthead export also holds bibliography.json, site.yaml, authors.yaml and comments.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from masthead.books.document import BookData, read_book_document
from masthead.content import frontmatter
from masthead.content.addresses import RESERVED_PAGE_SLUGS, slugify
from masthead.content.models import Post
from masthead.errors import CitationError, ContentError, SourceError
from masthead.importers import sources as source_files
from masthead.publishing.store import PostData
from masthead.render import citations

_JEKYLL_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_KNOWN = {
    "title", "date", "publishDate", "published", "lastmod", "updated", "modified", "slug",
    "tags", "categories", "draft", "unpublished", "summary", "excerpt", "description", "aliases",
    "redirect_from", "url", "permalink", "type", "layout", "author", "authors",
    "canonical_url", "canonicalURL", "canonical", "series", "email_on_publish",
}


@dataclass
class FolderContent:
    posts: list[PostData]
    sources: dict[str, dict]
    settings: dict[str, Any]
    authors: list[dict]
    comments: list = field(default_factory=list)  # CommentData, post_origin "posts/slug"
    books: list[BookData] = field(default_factory=list)  # books/*.toml of an export


def _as_list(value: Any, path: Path, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",")] if "," in value else [value.strip()]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ContentError("must be a list of names", path=path, field=name)


def _when(value: Any, path: Path, name: str, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value.strip()) else value.strip()
        try:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ContentError(
                f"invalid date {value!r}; write it like 2024-05-01 or 2024-05-01T09:30:00+02:00",
                path=path, field=name) from None
    else:
        raise ContentError(f"invalid date {value!r}", path=path, field=name)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(dt.UTC)


def _old_url(value: str, path: Path) -> str:
    value = value.strip()
    if re.match(r"^https?://", value):
        value = "/" + value.split("://", 1)[1].split("/", 1)[-1] if "/" in value.split("://", 1)[1] else "/"
    if not value.startswith("/"):
        value = "/" + value
    if ".." in value.split("/") or any(c in value for c in "\0\\?#"):
        raise ContentError(f"old URL {value!r} is not a plain path", path=path, field="aliases")
    last = value.rsplit("/", 1)[-1]
    if last and "." not in last:
        value += "/"
    return value


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def parse_file(path: Path, rel: Path, tz: zoneinfo.ZoneInfo, now: dt.datetime,
               known_keys: set[str] | dict) -> PostData:
    text = frontmatter.decode(path.read_bytes(), path)
    meta, body, body_line = frontmatter.split(text, path)
    stem = path.stem if path.stem not in ("index", "_index") else path.parent.name
    jekyll = _JEKYLL_NAME.match(stem)
    title = meta.get("title")
    if title is None or not str(title).strip():
        raise ContentError("missing title", path=path, field="title")
    kind = Post.PAGE if (str(meta.get("type", "")).lower() == "page"
                         or str(meta.get("layout", "")).lower() == "page"
                         or (rel.parts and rel.parts[0] == "pages")) else Post.POST
    raw_slug = meta.get("slug") or (jekyll.group(2) if jekyll else stem)
    slug = slugify(str(raw_slug))
    if not slug:
        raise ContentError(f"cannot make a URL slug from {raw_slug!r}", path=path, field="slug")
    if kind == Post.PAGE and (slug in RESERVED_PAGE_SLUGS or slug.isdigit()):
        raise ContentError(f"the page slug '{slug}' is reserved for the site's own pages",
                           path=path, field="slug")
    date_value = meta.get("date", meta.get("publishDate",
                                           meta.get("published") if not isinstance(
                                               meta.get("published"), bool) else None))
    if date_value is None and jekyll:
        date_value = jekyll.group(1)
    published_at = _when(date_value, path, "date", tz)
    updated_at = _when(meta.get("lastmod", meta.get("updated", meta.get("modified"))),
                       path, "lastmod", tz)
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise ContentError("must be true or false", path=path, field="draft")
    if meta.get("published") is False:
        draft = True
    unpublished = meta.get("unpublished", False)
    if not isinstance(unpublished, bool):
        raise ContentError("must be true or false", path=path, field="unpublished")
    if unpublished:
        status = Post.UNPUBLISHED  # was published once, then taken down
    elif draft:
        status = Post.DRAFT
    elif kind == Post.POST and published_at and published_at > now:
        status = Post.SCHEDULED
    else:
        status = Post.PUBLISHED
    email = meta.get("email_on_publish", False)
    if not isinstance(email, bool):
        raise ContentError("must be true or false", path=path, field="email_on_publish")
    if kind == Post.POST and status == Post.PUBLISHED and published_at is None:
        published_at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    tags = _as_list(meta.get("tags"), path, "tags")
    for c in _as_list(meta.get("categories"), path, "categories"):
        if c not in tags:
            tags.append(c)
    authors = _as_list(meta.get("authors", meta.get("author")), path, "authors")
    old = [*_as_list(meta.get("aliases"), path, "aliases"),
           *_as_list(meta.get("redirect_from"), path, "redirect_from")]
    for k in ("url", "permalink"):
        if isinstance(meta.get(k), str) and meta[k].strip():
            old.append(meta[k])
    old_urls = sorted({_old_url(u, path) for u in old})
    excerpt = meta.get("summary", meta.get("excerpt"))
    extra = {k: _json_safe(v) for k, v in meta.items() if k not in _KNOWN}
    if excerpt is None and meta.get("description") is not None:
        excerpt = meta.get("description")
    elif meta.get("description") is not None:
        extra["description"] = meta["description"]
    body = body.rstrip() + "\n" if body.strip() else ""
    try:
        citations.extract(body, known_keys)
    except CitationError as exc:
        raise CitationError(exc.reason, path=path, line=body_line + (exc.line or 1) - 1) from None
    return PostData(
        kind=kind, slug=slug, title=str(title).strip(), body=body, where=str(path),
        status=status, excerpt=str(excerpt or "").strip(), published_at=published_at,
        updated_at=updated_at, tags=tags, authors=authors,
        canonical_url=str(meta.get("canonical_url") or meta.get("canonicalURL")
                          or meta.get("canonical") or "").strip(),
        series=str(meta.get("series") or "").strip() if not isinstance(meta.get("series"), list)
        else str(meta["series"][0]) if meta["series"] else "",
        old_urls=old_urls, extra=extra,
        email_on_publish=email and kind == Post.POST and status == Post.SCHEDULED,
    )


def _bibliographies(folder: Path) -> list[Path]:
    found = sorted(p for p in folder.glob("*.bib"))
    for name in ("bibliography.json", "references.json"):
        if (folder / name).is_file():
            found.append(folder / name)
    return found


def read_folder(folder: Path, *, timezone: str, existing_keys: set[str],
                now: dt.datetime | None = None, progress=None) -> FolderContent:
    """Read and check every file; raise on the first problem, naming the file."""
    if not folder.is_dir():
        raise ContentError("no such folder", path=folder)
    now = now or dt.datetime.now(dt.UTC)
    sources: dict[str, dict] = {}
    for bib in _bibliographies(folder):
        try:
            sources.update(source_files.read_any(bib))
        except SourceError:
            raise
    settings: dict[str, Any] = {}
    authors: list[dict] = []
    for name, target in (("site.yaml", "settings"), ("authors.yaml", "authors")):
        path = folder / name
        if path.is_file():
            try:
                data = frontmatter.load_yaml(frontmatter.decode(path.read_bytes(), path)) or {}
            except yaml.YAMLError as exc:
                raise ContentError(f"not valid YAML: {exc}", path=path) from None
            if target == "settings":
                if not isinstance(data, dict):
                    raise ContentError("must be a mapping of settings", path=path)
                settings = data
            else:
                if not isinstance(data, list) or not all(
                        isinstance(a, dict) and a.get("slug") and a.get("name") for a in data):
                    raise ContentError("must be a list of {slug, name, ...}", path=path)
                authors = data
    tz = zoneinfo.ZoneInfo(settings.get("timezone") or timezone)
    known = existing_keys | set(sources)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".md", ".markdown")
                   and p.is_file() and p.name != "_index.md"
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    posts: list[PostData] = []
    seen: dict[tuple[str, str], str] = {}
    aliases: dict[str, str] = {}
    for path in files:
        item = parse_file(path, path.relative_to(folder), tz, now, known)
        other = seen.get((item.kind, item.slug))
        if other:
            raise ContentError(f"duplicate slug '{item.slug}': {other} has it too",
                               path=path, field="slug")
        seen[(item.kind, item.slug)] = str(path)
        for url in item.old_urls:
            owner = aliases.setdefault(url, str(path))
            if owner != str(path):
                raise ContentError(f"old URL {url} is claimed by {owner} too",
                                   path=path, field="aliases")
        posts.append(item)
        if progress:
            progress(1)
    comments = _comments(folder / "comments.yaml", {f"{'pages' if p.kind == Post.PAGE else 'posts'}"
                                                   f"/{p.slug}" for p in posts})
    books = [read_book_document(path) for path in sorted((folder / "books").glob("*.toml"))] \
        if (folder / "books").is_dir() else []
    return FolderContent(posts=posts, sources=sources, settings=settings, authors=authors,
                         comments=comments, books=books)


def _comments(path: Path, posts: set[str]) -> list:
    """comments.yaml of an export: checked entry by entry, naming the entry."""
    from masthead.importers.platform import CommentData, parse_when

    if not path.is_file():
        return []
    try:
        data = frontmatter.load_yaml(frontmatter.decode(path.read_bytes(), path)) or []
    except yaml.YAMLError as exc:
        raise ContentError(f"not valid YAML: {exc}", path=path) from None
    if not isinstance(data, list):
        raise ContentError("must be a list of comments", path=path)
    out = []
    for n, c in enumerate(data, 1):
        where = f"comment {n}"
        if not isinstance(c, dict) or not isinstance(c.get("origin"), str) or not c["origin"]:
            raise ContentError("needs an origin", path=path, field=where)
        post = c.get("post")
        if post not in posts:
            raise ContentError(f"its post {post!r} is not in this folder", path=path,
                               field=where)
        status = c.get("status", "approved")
        if status not in ("approved", "pending", "spam"):
            raise ContentError("status must be approved, pending or spam", path=path,
                               field=where)
        when = c.get("date")
        out.append(CommentData(
            origin=c["origin"], post_origin=post, body=str(c.get("body", "")),
            author_name=str(c.get("author", "")), author_url=str(c.get("author_url", "")),
            author_email=str(c.get("author_email", "")),
            published_at=parse_when(when.isoformat() if isinstance(when, dt.datetime)
                                    else str(when or "")),
            status=status, parent_origin=str(c.get("reply_to", ""))))
    return out


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.md")) + sum(1 for p in folder.rglob("*.markdown"))
