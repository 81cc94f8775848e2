"""Blogger exports, both kinds:

- the classic archive (Settings > Back up content): an Atom feed whose entries say what
  they are with ``<category scheme="http://schemas.google.com/g/2005#kind">`` (post,
  page, comment, settings, template), labels as categories of the
  ``http://www.blogger.com/atom/ns#`` scheme, drafts as ``<app:draft>yes``, comments
  pointing at their post with ``<thr:in-reply-to ref=...>``, and the old address as
  ``<link rel="alternate">``;
- Google Takeout's ``feed.atom`` (namespace ``http://schemas.google.com/blogger/2018``):
  ``<blogger:type>`` POST/PAGE/COMMENT, ``<blogger:status>`` LIVE/DRAFT/SOFT_TRASHED,
  ``<blogger:filename>`` the old path, ``<blogger:parent>`` a comment's post.

Posts keep their labels as tags, their authors and their old path
(``/2018/09/slug.html``, ``/p/about.html``) as an old URL; comments are kept with their
threads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from masthead.content.models import Post
from masthead.importers.platform import (
    AuthorData,
    CommentData,
    Notes,
    PlatformItem,
    make_slug,
    old_path,
    old_urls,
    parse_when,
    plain_words,
    slug_from_path,
)
from masthead.importers.xmlstream import Repairs, stream, text
from masthead.publishing.store import PostData

ATOM = "http://www.w3.org/2005/Atom"
B2018 = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
THR = "http://purl.org/syndication/thread/1.0"
APP = "http://purl.org/atom/app#"
EXPECT = "a Blogger export (an Atom <feed> of entries)"
# The prefixes Blogger writes, as its exports declare them; some exports use them
# undeclared, which XML refuses ("unbound prefix"): they are declared on the way in.
PREFIXES = {"app": APP, "thr": THR, "gd": "http://schemas.google.com/g/2005",
            "georss": "http://www.georss.org/georss",
            "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
            "media": "http://search.yahoo.com/mrss/"}
_ID_RE = re.compile(r"(?:blog-(\d+))?\.(?:post|page)-(\d+)$")
_PLACEHOLDER_AUTHORS = {"", "unknown", "anonymous", "noreply@blogger.com"}


def _id(entry_id: str) -> str:
    """``tag:blogger.com,1999:blog-123.post-456`` -> ``blogger:123/456`` (stable across
    both export formats)."""
    m = _ID_RE.search(entry_id or "")
    if m is None:
        return f"blogger:{entry_id}"
    return f"blogger:{m.group(1) or ''}/{m.group(2)}"


def _author(entry: Element) -> tuple[str, str, str]:
    a = entry.find(f"{{{ATOM}}}author")
    if a is None:
        return "", "", ""
    name = text(a, "name", ATOM)
    uri = text(a, "uri", ATOM)
    email = text(a, "email", ATOM)
    if email == "noreply@blogger.com":
        email = ""
    return name, uri, email


def _content(entry: Element) -> str:
    c = entry.find(f"{{{ATOM}}}content")
    if c is None:
        return ""
    return c.text or ""


def _link(entry: Element, rel: str) -> str:
    for link in entry.findall(f"{{{ATOM}}}link"):
        if link.get("rel") == rel and link.get("type", "text/html") == "text/html":
            return link.get("href", "")
    return ""


def read(path: Path, notes: Notes, repairs: Repairs, progress=None
         ) -> Iterator[PlatformItem | CommentData]:
    """Posts, pages and comments, in the order of the file."""
    for n, (_root, entry) in enumerate(stream(path, {"entry"}, expect=EXPECT,
                                              root_names={"feed"}, repairs=repairs,
                                              progress=progress, prefixes=PREFIXES), 1):
        if entry.find(f"{{{B2018}}}type") is not None:
            yield from _takeout_entry(entry, n, notes)
        else:
            yield from _classic_entry(entry, n, notes)


def _classic_entry(entry: Element, n: int, notes: Notes) -> Iterator[PlatformItem | CommentData]:
    kind = ""
    labels = []
    for cat in entry.findall(f"{{{ATOM}}}category"):
        if cat.get("scheme") == KIND_SCHEME:
            kind = cat.get("term", "").rpartition("#")[2]
        elif cat.get("scheme") == LABEL_SCHEME and cat.get("term"):
            labels.append(cat.get("term").strip())
    entry_id = text(entry, "id", ATOM)
    if kind in ("settings", "template", ""):
        return  # the blog's configuration, not writing
    if kind == "comment":
        reply = entry.find(f"{{{THR}}}in-reply-to")
        if reply is None:
            notes.skip(f"entry {n} (a comment)", "it names no post")
            return
        parent = ""
        for link in entry.findall(f"{{{ATOM}}}link"):
            if link.get("rel") == "related":
                m = re.search(r"/comments/default/(\d+)$", link.get("href", ""))
                if m:
                    parent = _sibling(reply.get("ref", ""), m.group(1))
        name, uri, email = _author(entry)
        yield CommentData(origin=_id(entry_id), post_origin=_id(reply.get("ref", "")),
                          body="", html=_content(entry), author_name=name,
                          author_url=uri, author_email=email,
                          published_at=parse_when(text(entry, "published", ATOM)),
                          parent_origin=_id(parent) if parent else "")
        return
    if kind not in ("post", "page"):
        notes.skip(f"entry {n}", f"Blogger's kind '{kind}' is not a post or a page")
        return
    control = entry.find(f"{{{APP}}}control")
    draft = control is not None and text(control, "draft", APP).lower() == "yes"
    yield _item(entry, n, notes, kind=kind, labels=labels, draft=draft,
                old=old_path(_link(entry, "alternate")), entry_id=entry_id,
                excerpt="")


def _sibling(post_ref: str, comment_number: str) -> str:
    """The entry id of another comment of the same blog."""
    base = post_ref.rsplit(".post-", 1)[0]
    return f"{base}.post-{comment_number}"


def _takeout_entry(entry: Element, n: int, notes: Notes) -> Iterator[PlatformItem | CommentData]:
    kind = text(entry, "type", B2018).upper()
    status = text(entry, "status", B2018).upper()
    entry_id = text(entry, "id", ATOM)
    title = text(entry, "title", ATOM) or "(untitled)"
    if status in ("SOFT_TRASHED", "TRASHED", "DELETED"):
        notes.skip(f"entry {n} '{title}'", "it is in Blogger's trash")
        return
    if kind == "COMMENT":
        post_ref = text(entry, "parent", B2018)
        if not post_ref:
            notes.skip(f"entry {n} (a comment)", "it names no post")
            return
        reply_to = text(entry, "inReplyTo", B2018)
        name, uri, email = _author(entry)
        yield CommentData(origin=_id(entry_id), post_origin=_id(post_ref),
                          body="", html=_content(entry), author_name=name,
                          author_url=uri, author_email=email,
                          published_at=parse_when(text(entry, "published", ATOM)),
                          status="approved" if status in ("LIVE", "") else "pending",
                          parent_origin=_id(reply_to) if reply_to else "")
        return
    if kind not in ("POST", "PAGE"):
        notes.skip(f"entry {n}", f"Blogger's type '{kind}' is not a post or a page")
        return
    labels = [c.get("term").strip() for c in entry.findall(f"{{{ATOM}}}category")
              if c.get("term") and c.get("scheme") != KIND_SCHEME]
    yield _item(entry, n, notes, kind=kind.lower(), labels=labels, draft=status == "DRAFT",
                old=old_path(text(entry, "filename", B2018)), entry_id=entry_id,
                excerpt=text(entry, "metaDescription", B2018))


def _item(entry: Element, n: int, notes: Notes, *, kind: str, labels: list[str],
          draft: bool, old: str, entry_id: str, excerpt: str) -> PlatformItem:
    title = text(entry, "title", ATOM)
    html = _content(entry)
    name, uri, email = _author(entry)
    authors = [] if name.lower() in _PLACEHOLDER_AUTHORS else [name]
    published = parse_when(text(entry, "published", ATOM))
    updated = parse_when(text(entry, "updated", ATOM))
    slug = make_slug(slug_from_path(old), title, kind=kind) if old else \
        make_slug(title, kind=kind)
    if not title:
        title = plain_words(html) or "Untitled"
    post = PostData(
        kind=Post.PAGE if kind == "page" else Post.POST, slug=slug, title=title,
        body="", where=f"entry {n} '{title}'",
        status=Post.DRAFT if draft else Post.PUBLISHED, excerpt=excerpt,
        published_at=published, updated_at=updated if updated != published else None,
        tags=list(dict.fromkeys(labels)), authors=authors,
        old_urls=old_urls([old], f"entry {n} '{title}'", notes),
        extra={"imported_from": _id(entry_id)},
    )
    return PlatformItem(post=post, origin=_id(entry_id), html=html,
                        authors=[AuthorData(name, email=email, url=uri)] if authors else [])
