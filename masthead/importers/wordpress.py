"""WordPress eXtended RSS (WXR 1.0-1.2, Tools > Export > All content).

Posts and pages with their drafts, categories and tags (both become tags), authors
(``dc:creator``, and Co-Authors Plus's ``category domain="author"`` for several per
post), featured images (``_thumbnail_id`` -> the attachment's URL, alt text and
caption, put at the top of the post as a figure), Yoast's SEO title and description,
and comments (approved, pending or spam, threaded). Gutenberg's block comments and the
classic editor's line breaks and shortcodes are read by
:mod:`masthead.importers.html_markdown`. Attachments, menus, revisions and other
WordPress internals are not posts; custom post types are skipped with a message.

The file is read twice, streaming: first for attachments (a featured image may come
after its post), then for the posts.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
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
)
from masthead.importers.xmlstream import Repairs, local, stream, text
from masthead.publishing.store import PostData

EXPECT = "a WordPress export (WXR: <rss> with a <channel> of items)"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
EXCERPT_NS = ("http://wordpress.org/export/1.2/excerpt/", "http://wordpress.org/export/1.1/excerpt/",
              "http://wordpress.org/export/1.0/excerpt/")
WP_NS = ("http://wordpress.org/export/1.2/", "http://wordpress.org/export/1.1/",
         "http://wordpress.org/export/1.0/")
DC = "http://purl.org/dc/elements/1.1/"
# What WXR 1.2 declares; a hand-edited or plugin-made export may use them undeclared.
PREFIXES = {"wp": WP_NS[0], "excerpt": EXCERPT_NS[0], "content": CONTENT, "dc": DC,
            "wfw": "http://wellformedweb.org/CommentAPI/"}
# WordPress's own machinery, exported with the content: nothing a reader sees.
INTERNAL_TYPES = {"attachment", "nav_menu_item", "revision", "wp_block", "wp_template",
                  "wp_template_part", "wp_navigation", "wp_global_styles", "custom_css",
                  "customize_changeset", "oembed_cache", "user_request", "wp_font_family",
                  "wp_font_face", "jp_pay_order", "jp_pay_product", "feedback"}


def _wp(elem: Element, name: str) -> str:
    for ns in WP_NS:
        found = elem.find(f"{{{ns}}}{name}")
        if found is not None:
            return (found.text or "").strip()
    return ""


def _wp_all(elem: Element, name: str) -> list[Element]:
    out: list[Element] = []
    for ns in WP_NS:
        out.extend(elem.findall(f"{{{ns}}}{name}"))
    return out


def _meta(item: Element) -> dict[str, str]:
    return {_wp(m, "meta_key"): _wp(m, "meta_value") for m in _wp_all(item, "postmeta")}


def _excerpt(item: Element) -> str:
    for ns in EXCERPT_NS:
        found = item.find(f"{{{ns}}}encoded")
        if found is not None:
            return found.text or ""
    return ""


def _when_gmt(value: str) -> dt.datetime | None:
    """``2013-06-07 03:00:44`` (UTC in ``*_gmt`` fields); WordPress writes zeros for none."""
    if not value or value.startswith("0000"):
        return None
    return parse_when(value.replace(" ", "T") + "+00:00")


class _Attachments:
    """id -> (url, alt, caption) of every attachment, from the first reading."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[str, str, str]] = {}
        self.site = ""
        self.authors: dict[str, AuthorData] = {}


def _first_pass(path: Path, repairs: Repairs) -> _Attachments:
    found = _Attachments()
    for root, item in stream(path, {"item", "author"}, expect=EXPECT, root_names={"rss"},
                             repairs=repairs, prefixes=PREFIXES):
        if local(item.tag) == "author":
            login = _wp(item, "author_login")
            name = _wp(item, "author_display_name") or " ".join(
                p for p in (_wp(item, "author_first_name"), _wp(item, "author_last_name")) if p
            ) or login
            if login:
                found.authors[login] = AuthorData(name, email=_wp(item, "author_email"))
            continue
        if not found.site:
            channel = root.find("channel")
            found.site = text(channel, "link") if channel is not None else ""
        if _wp(item, "post_type") != "attachment":
            continue
        meta = _meta(item)
        found.by_id[_wp(item, "post_id")] = (
            _wp(item, "attachment_url") or text(item, "guid"),
            meta.get("_wp_attachment_image_alt", ""),
            plain_words(_excerpt(item), None),
        )
    return found


def read(path: Path, notes: Notes, repairs: Repairs, progress=None
         ) -> Iterator[PlatformItem | CommentData]:
    first = _first_pass(path, Repairs())  # repairs are reported once, from the second
    site = first.site
    for n, (root, item) in enumerate(stream(path, {"item"}, expect=EXPECT, root_names={"rss"},
                                            repairs=repairs, progress=progress,
                                            prefixes=PREFIXES), 1):
        if not site:
            channel = root.find("channel")
            site = text(channel, "link") if channel is not None else ""
        kind = _wp(item, "post_type") or "post"
        title = text(item, "title")
        where = f"item {n} '{title or '(untitled)'}'"
        if kind in INTERNAL_TYPES:
            continue
        if kind not in ("post", "page"):
            notes.skip(where, f"the custom post type '{kind}' has no place here")
            continue
        status = _wp(item, "status")
        if status in ("trash", "auto-draft"):
            notes.skip(where, f"its status is '{status}'")
            continue
        post_id = _wp(item, "post_id")
        origin = f"wordpress:{_host(site)}#{post_id}"
        yield _post(item, n, where, kind, status, origin, first, notes)
        yield from _comments(item, origin, notes, where)


def _host(site: str) -> str:
    try:
        return urlsplit(site).netloc or site or "wordpress"
    except ValueError:  # "http://[x": the origin is only a name
        return site or "wordpress"


def _post(item: Element, n: int, where: str, kind: str, status: str, origin: str,
          first: _Attachments, notes: Notes) -> PlatformItem:
    title = text(item, "title")
    meta = _meta(item)
    content = item.find(f"{{{CONTENT}}}encoded")
    html = content.text or "" if content is not None else ""
    thumb = first.by_id.get(meta.get("_thumbnail_id", ""))
    if thumb and thumb[0] and thumb[0] not in html and htmllib.escape(thumb[0]) not in html:
        url, alt, caption = thumb
        figure = (f'<figure><img src="{htmllib.escape(url)}" alt="{htmllib.escape(alt)}">'
                  + (f"<figcaption>{htmllib.escape(caption)}</figcaption>" if caption else "")
                  + "</figure>")
        html = figure + "\n\n" + html
    elif meta.get("_thumbnail_id") and not thumb:
        notes.warn(f"{where}: its featured image (attachment {meta['_thumbnail_id']}) is not "
                   "in the export")
    tags, authors = [], []
    for cat in item.findall("category"):
        domain = cat.get("domain", "")
        name = (cat.text or "").strip()
        if domain in ("category", "post_tag") and name and name != "Uncategorized":
            tags.append(htmllib.unescape(name))
        elif domain == "author" and cat.get("nicename"):  # Co-Authors Plus
            authors.append(cat.get("nicename").removeprefix("cap-"))
    logins = [(c.text or "").strip() for c in item.findall(f"{{{DC}}}creator")]
    people = []
    # Co-Authors Plus lists every author in order; otherwise the post's creator.
    for login in dict.fromkeys(authors or logins):
        if not login:
            continue
        people.append(first.authors.get(login) or AuthorData(login))
    published = _when_gmt(_wp(item, "post_date_gmt")) or parse_when(
        _wp(item, "post_date").replace(" ", "T"))
    modified = _when_gmt(_wp(item, "post_modified_gmt"))
    link = text(item, "link")
    old = old_path(link) if link and "?p=" not in link and "?page_id=" not in link else ""
    name = _wp(item, "post_name")
    slug = make_slug(name.removesuffix(".html"), title, kind=kind)
    excerpt = plain_words(_excerpt(item), None)
    seo_title = meta.get("_yoast_wpseo_title", "")
    description = meta.get("_yoast_wpseo_metadesc", "")
    extra: dict = {"imported_from": origin}
    if seo_title:
        extra["seo_title"] = seo_title
    if description and excerpt and description != excerpt:
        extra["description"] = description
    excerpt = excerpt or description
    if status == "private":
        notes.warn(f"{where}: it was private on WordPress; it is a draft here")
    mapped = {"publish": Post.PUBLISHED, "future": Post.PUBLISHED}.get(status, Post.DRAFT)
    if status == "future" and published and published > dt.datetime.now(dt.UTC):
        mapped = Post.SCHEDULED
    if _wp(item, "post_password"):  # a static page cannot ask for a password
        notes.warn(f"{where}: it was password-protected on WordPress; it is a draft here")
        mapped = Post.DRAFT
    if not title:
        title = plain_words(html) or "Untitled"
    post = PostData(
        kind=Post.PAGE if kind == "page" else Post.POST, slug=slug, title=title, body="",
        where=where, status=mapped, excerpt=excerpt, published_at=published,
        updated_at=modified if modified and published and modified > published else None,
        tags=list(dict.fromkeys(tags)), authors=[p.name for p in people],
        old_urls=old_urls([old], where, notes) if old != "/" else [], extra=extra)
    return PlatformItem(post=post, origin=origin, authors=people, html=html, wordpress=True)


def _comments(item: Element, origin: str, notes: Notes, where: str) -> Iterator[CommentData]:
    for c in _wp_all(item, "comment"):
        ctype = _wp(c, "comment_type")
        approved = _wp(c, "comment_approved")
        if approved == "trash":
            continue
        if ctype in ("pingback", "trackback"):
            continue  # other sites linking here, not readers writing
        cid = _wp(c, "comment_id")
        parent = _wp(c, "comment_parent")
        yield CommentData(
            origin=f"{origin}/comment-{cid}", post_origin=origin,
            body="", html=_comment_html(_wp(c, "comment_content")),
            author_name=htmllib.unescape(_wp(c, "comment_author")),
            author_url=_wp(c, "comment_author_url"),
            author_email=_wp(c, "comment_author_email"),
            published_at=_when_gmt(_wp(c, "comment_date_gmt")),
            status={"1": "approved", "spam": "spam"}.get(approved, "pending"),
            parent_origin=f"{origin}/comment-{parent}" if parent not in ("", "0") else "")


def _comment_html(text_: str) -> str:
    """Comments are stored as the reader typed them: line breaks, not paragraphs."""
    from masthead.importers.html_wordpress import autop

    return autop(text_ or "")
