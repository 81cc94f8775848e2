"""The editor's preview: the text as the site will show it, in the site's own theme.

The preview is a document of its own, shown in a sandboxed frame (no script runs in
it): the theme's stylesheets and fonts, and the ``<article>`` of the theme's post page
made with the draft, so what the writer sees is what the published page will show,
heading anchors hidden as the theme hides them. Its images are fetched through the
studio (:func:`masthead.studio.views.media.media_file`), since a just-uploaded image
reaches public/ only when the build that the upload started has run.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.static import serve as serve_file
from markupsafe import Markup

from masthead.accounts import permissions
from masthead.content.models import Post, PostAuthor, get_site
from masthead.errors import MastheadError
from masthead.render.engine import render_preview, writers_words
from masthead.sitegen.bodies import context_for
from masthead.sitegen.snapshot import PostView, SiteView, site_view
from masthead.sitegen.theme import Theme
from masthead.studio.views.access import studio_login_required

MEDIA_FILES = "/studio/media/files/"  # where the studio serves the site's media/ folder
THEME_FILES = "/studio/preview/theme/"
_HEAD_LINK_RE = re.compile(r'<link\b[^>]*\brel="(?:stylesheet|preload)"[^>]*>')
_URL_ATTR_RE = re.compile(r'\b(src|srcset)="([^"]*)"')


@studio_login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The body as the site will show it: the same Markdown, citations and sanitising; a
    citation of a key no source has is shown as a problem where it stands, and listed.
    ``document`` is the whole preview page, for the editor's frame."""
    body = request.POST.get("body", "")
    if len(body) > 2_000_000:
        return JsonResponse({"error": "this text is too long to preview"}, status=413)
    row = get_site()
    try:
        html, problems = render_preview(body, context_for(row, settings.MASTHEAD_ROOT))
    except MastheadError as exc:
        return JsonResponse({"error": writers_words(exc)})
    site = site_view(row)
    html = studio_media(html, site)
    document = preview_document(site, request.POST.get("title", ""), html,
                                _authors(request), _root())
    return JsonResponse({"html": html, "problems": problems, "document": document,
                         **({"sources": reverse("sources")} if problems else {})})


def _root() -> Path | None:
    return Path(settings.MASTHEAD_ROOT) if settings.MASTHEAD_ROOT else None


def _authors(request: HttpRequest) -> tuple[str, ...]:
    """The byline the page will show: the post's authors, or the writer's own name for a
    post not saved yet."""
    post_id = request.POST.get("post", "")
    if post_id.isdigit():
        post = Post.objects.filter(pk=int(post_id)).first()
        if post is not None and permissions.can_edit(request.user, post):
            return tuple(PostAuthor.objects.filter(post=post).order_by("position", "id")
                         .values_list("author__name", flat=True))
    return (request.user.display_name,)


def studio_media(html: str, site: SiteView) -> str:
    """Point the site's media addresses (``/media/...``, or under the site's sub-path) at
    the studio's copy of media/, which has an upload the moment it is stored."""
    prefixes = {"/media/", site.href("/media/")}

    def one(url: str) -> str:
        for prefix in prefixes:
            if url.startswith(prefix):
                return MEDIA_FILES + url[len(prefix):]
        return url

    def repl(m: re.Match[str]) -> str:
        value = htmllib.unescape(m.group(2))
        if m.group(1) == "src":
            new = one(value)
        else:
            new = ", ".join(" ".join([one(part.strip().split(" ")[0]),
                                      *part.strip().split(" ")[1:]])
                            for part in value.split(",") if part.strip())
        return f'{m.group(1)}="{htmllib.escape(new)}"'

    return _URL_ATTR_RE.sub(repl, html)


def preview_document(site: SiteView, title: str, body_html: str, authors: tuple[str, ...],
                     root: Path | None) -> str:
    """The theme's post page for this draft, cut down to its article: the page's own
    stylesheets (served from the theme by :func:`theme_file`) and markup."""
    theme = _theme(root)
    now = dt.datetime.now(zoneinfo.ZoneInfo(site.timezone))
    post = PostView(
        id=0, kind=Post.POST, slug="preview", title=title.strip() or "Untitled",
        path="/preview/", published=now, updated=None, excerpt="", render_key="",
        tags=(), authors=authors, series="", canonical_url="", old_paths=(),
        card_key="", page_key="", search_key="")

    def asset(name: str) -> str:
        return f"{THEME_FILES}{name}?v={theme.static_version(name)}"

    page = theme.render("post.html", site=site, path=post.path, asset=asset, nav_pages=(),
                        card=lambda item: "", body_html=Markup(body_html), post=post,
                        older=None, newer=None, series_parts=()).decode()
    head_end = page.find("</head>")
    links = "\n".join(_HEAD_LINK_RE.findall(page[:head_end]))
    start, end = page.find("<article"), page.rfind("</article>")
    article = page[start:end + len("</article>")] if 0 <= start < end else body_html
    return (f'<!doctype html>\n<html lang="{htmllib.escape(site.language)}" '
            f'dir="{site.direction}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Preview</title>\n{links}\n</head>\n<body>\n"
            f'<main id="main" class="wrap">\n{article}\n</main>\n</body>\n</html>\n')


def _theme(root: Path | None) -> Theme:
    return Theme(root / "templates", root / "static") if root else Theme()


@studio_login_required
def theme_file(request: HttpRequest, path: str) -> HttpResponse:
    """The theme's static files (the site's own overriding them), for the preview."""
    source = _theme(_root()).static_files.get(path)
    if source is None:
        raise Http404
    response = serve_file(request, source.name, document_root=str(source.parent))
    response["Cache-Control"] = "no-cache"
    return response
