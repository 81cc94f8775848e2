"""Ghost's JSON export (Settings > Labs > Export your content; versions 2 to 6).

Posts and pages with their status, tags (Ghost's internal ``#tags`` left out), several
authors in order, feature image with its alt text and caption, custom excerpt, SEO
title and description, canonical URL; the settings that mean the same here (title,
description, time zone). Ghost serves posts at ``/slug/`` by default: that address
becomes an old URL of the post. Images Ghost stored itself are written
``__GHOST_URL__/content/images/...``; they become ``/content/images/...`` and the
summary says to copy that folder.
"""

from __future__ import annotations

import html as htmllib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from masthead.content.models import Post
from masthead.importers.platform import (
    AuthorData,
    CommentData,
    Notes,
    PlatformItem,
    SettingsData,
    make_slug,
    old_urls,
    parse_when,
)
from masthead.importers.xmlstream import ExportFileError, Repairs
from masthead.publishing.store import PostData

GHOST_URL = "__GHOST_URL__"
SETTINGS = {"title": "title", "description": "description", "timezone": "timezone"}


def load(path: Path) -> dict[str, Any]:
    """The ``data`` of a Ghost export, or a clear error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExportFileError(path, f"cannot read it ({exc.strerror})") from None
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError:
        raise ExportFileError(path, "not UTF-8 text; expected a Ghost JSON export") from None
    except RecursionError:
        raise ExportFileError(path, "nested too deeply to read (lists or objects inside one "
                              "another hundreds of levels down); a Ghost export never is: "
                              "refused") from None
    except json.JSONDecodeError as exc:
        raise ExportFileError(path, f"not JSON at column {exc.colno} ({exc.msg}); expected "
                              "a Ghost JSON export", exc.lineno) from None
    db = doc.get("db") if isinstance(doc, dict) else None
    if isinstance(db, list) and db:
        db = db[0]
    data = db.get("data") if isinstance(db, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ExportFileError(path, "expected a Ghost export: {\"db\": [{\"data\": "
                              "{\"posts\": [...]}}]}")
    return data


def _s(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _when(value: Any):
    """Ghost writes ``2026-11-25 00:27:16`` (UTC) in its database exports, ISO elsewhere."""
    text = _s(value)
    if text and "T" not in text:
        text = text.replace(" ", "T") + "Z"
    return parse_when(text)


def _local(url: str) -> str:
    return url.replace(GHOST_URL + "/content/images/", "/media/ghost/").replace(GHOST_URL, "")


def _settings(data: dict) -> dict[str, str]:
    """The Ghost settings that have a Masthead equivalent."""
    out = {}
    for row in data.get("settings") or []:
        key = row.get("key") if isinstance(row, dict) else None
        if key in SETTINGS and _s(row.get("value")):
            out[SETTINGS[key]] = _s(row.get("value"))
    return out


def read(path: Path, notes: Notes, repairs: Repairs, progress=None
         ) -> Iterator[PlatformItem | CommentData | SettingsData]:
    data = load(path)
    if progress is not None:
        progress(path.stat().st_size)
    found = _settings(data)
    if found:
        yield SettingsData(found, where=str(path))
    users = {u.get("id"): u for u in data.get("users") or [] if isinstance(u, dict)}
    tags = {t.get("id"): t for t in data.get("tags") or [] if isinstance(t, dict)}
    meta = {m.get("post_id"): m for m in data.get("posts_meta") or [] if isinstance(m, dict)}
    post_tags: dict[str, list[tuple[int, str]]] = {}
    for pt in data.get("posts_tags") or []:
        post_tags.setdefault(pt.get("post_id"), []).append(
            (pt.get("sort_order") or 0, pt.get("tag_id")))
    post_authors: dict[str, list[tuple[int, str]]] = {}
    for pa in data.get("posts_authors") or []:
        post_authors.setdefault(pa.get("post_id"), []).append(
            (pa.get("sort_order") or 0, pa.get("author_id")))
    local_images = 0
    for n, p in enumerate(data["posts"], 1):
        if not isinstance(p, dict):
            notes.skip(f"post {n}", "not an object")
            continue
        title = _s(p.get("title")) or "Untitled"
        where = f"post {n} '{title}'"
        kind = p.get("type") or ("page" if p.get("page") in (1, True, "1") else "post")
        if kind not in ("post", "page"):
            notes.skip(where, f"Ghost's type '{kind}' is not a post or a page")
            continue
        html = p.get("html")
        if not isinstance(html, str):
            notes.skip(where, "it has no HTML (an export from before Ghost 1.0?)")
            continue
        local_images += html.count(GHOST_URL + "/content/images")
        html = _local(html)
        m = meta.get(p.get("id")) or {}
        image = _local(_s(p.get("feature_image")))
        if image and image not in html:
            alt = _s(m.get("feature_image_alt")) or _s(p.get("feature_image_alt"))
            caption = _s(m.get("feature_image_caption")) or _s(p.get("feature_image_caption"))
            local_images += _s(p.get("feature_image")).startswith(GHOST_URL)
            html = (f'<figure><img src="{htmllib.escape(image)}" alt="{htmllib.escape(alt)}">'
                    + (f"<figcaption>{caption}</figcaption>" if caption else "")
                    + "</figure>\n" + html)
        names = []
        people = []
        for _, uid in sorted(post_authors.get(p.get("id"), [])):
            u = users.get(uid)
            if u and _s(u.get("name")):
                names.append(_s(u.get("name")))
                people.append(AuthorData(_s(u.get("name")), email=_s(u.get("email")),
                                         url=_s(u.get("website")), bio=_s(u.get("bio"))))
        if not names and users.get(p.get("author_id")):  # Ghost 1.x: one author
            u = users[p.get("author_id")]
            names.append(_s(u.get("name")))
            people.append(AuthorData(_s(u.get("name")), email=_s(u.get("email"))))
        tag_names = []
        for _, tid in sorted(post_tags.get(p.get("id"), [])):
            t = tags.get(tid)
            name = _s(t.get("name")) if t else ""
            if name and not name.startswith("#"):
                tag_names.append(name)
        status = _s(p.get("status"))
        mapped = {"published": Post.PUBLISHED, "scheduled": Post.SCHEDULED}.get(status,
                                                                             Post.DRAFT)
        visibility = _s(p.get("visibility")) or "public"
        if visibility != "public" and mapped != Post.DRAFT:
            notes.warn(f"{where}: it was for {visibility} only on Ghost; here it is public "
                       "once published")
        if status == "sent":
            notes.warn(f"{where}: it was sent by email only; it is a draft here")
        slug = make_slug(_s(p.get("slug")), title, kind=kind)
        extra: dict = {"imported_from": f"ghost:{p.get('uuid') or p.get('id')}"}
        for key, name in (("meta_title", "seo_title"), ("meta_description", "description")):
            value = _s(m.get(key)) or _s(p.get(key))
            if value:
                extra[name] = value
        published = _when(p.get("published_at"))
        updated = _when(p.get("updated_at"))
        old = f"/{_s(p.get('slug'))}/" if _s(p.get("slug")) and kind == "post" else ""
        post = PostData(
            kind=Post.PAGE if kind == "page" else Post.POST, slug=slug, title=title, body="",
            where=where, status=mapped, excerpt=_s(p.get("custom_excerpt")),
            published_at=published,
            updated_at=updated if updated and published and updated > published else None,
            tags=list(dict.fromkeys(tag_names)), authors=names,
            canonical_url=_s(p.get("canonical_url")), old_urls=old_urls([old], where, notes),
            extra=extra)
        yield PlatformItem(post=post, origin=extra["imported_from"], authors=people, html=html)
    if local_images:
        notes.warn(f"{local_images} images were stored by Ghost itself: copy Ghost's "
                   "content/images folder to media/ghost in this site's folder")
