"""Writing: the list of posts, the editor and its actions, revisions, images."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from masthead.accounts import permissions
from masthead.accounts.models import Role
from masthead.content.models import Post, PostAuthor, Revision, Source, get_site
from masthead.errors import ContentError
from masthead.mail import server as mail_server
from masthead.publishing import actions as publishing
from masthead.studio.dates import site_time
from masthead.studio.views.access import studio_login_required
from masthead.studio.views.sources import source_label

PER_PAGE = 50
# The list's columns a writer sorts by (a link in each heading): what each orders by,
# and the way it is read first (newest dates first, titles and names from A).
SORTS = {"title": ("title", "asc"), "status": ("status", "asc"), "date": ("shown", "desc"),
         "author": ("byline", "asc")}
# The editor's fields as the writer reads them, for messages ("Publish at: ...").
FIELD_LABELS = {"title": "Title", "body": "Text", "slug": "Slug", "tags": "Tags",
                "excerpt": "Excerpt", "canonical_url": "Canonical address",
                "publish_at": "Publish at", "published_at": "Publish at",
                "replacement": "Send readers to"}


def visible(user) -> Q:
    """The posts a writer sees: all for editors and owners, else their own."""
    if permissions.sees_all_posts(user):
        return Q()
    return Q(pk__in=PostAuthor.objects.filter(author__user=user).values("post_id"))


def _sorting(request: HttpRequest) -> tuple[str, str]:
    """The column and direction asked for (?sort=title, ?sort=-date), else newest first."""
    wanted = request.GET.get("sort", "")
    column = wanted.lstrip("-")
    if column not in SORTS:
        return "date", "desc"
    if wanted.startswith("-"):
        return column, "desc"
    return column, "asc" if wanted else SORTS[column][1]


@studio_login_required
def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.filter(visible(request.user)).exclude(status=Post.TRASHED)
    q = request.GET.get("q", "").strip()
    if q:
        posts = posts.filter(Q(title__icontains=q) | Q(body__icontains=q))
    status = request.GET.get("status", "")
    if status in dict(Post.STATUSES) and status != Post.TRASHED:
        posts = posts.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in dict(Post.KINDS):
        posts = posts.filter(kind=kind)
    site = get_site()
    column, direction = _sorting(request)
    field = SORTS[column][0]
    order = F(field).desc(nulls_last=True) if direction == "desc" else F(field).asc(
        nulls_last=True)
    # The date shown is the publishing date, or for a post never dated its last change.
    first_author = PostAuthor.objects.filter(post=OuterRef("pk")).order_by("position")
    posts = posts.annotate(
        shown=Coalesce("published_at", "modified_at"),
        byline=Coalesce(Subquery(first_author.values("author__name")[:1]), Value(site.author)),
    ).order_by(order, "-id" if direction == "desc" else "id").only(
        "id", "title", "status", "kind", "published_at", "modified_at", "slug", "render_key",
        "render_problem")
    page = Paginator(posts, PER_PAGE).get_page(request.GET.get("page"))
    bylines = _bylines([p.pk for p in page.object_list], site.author)
    rows = [(p, bylines.get(p.pk, site.author), may_trash(request.user, p))
            for p in page.object_list]
    query = {"q": q, "status": status, "kind": kind}
    return render(request, "studio/posts.html", {
        "page": page, "rows": rows, "q": q, "status": status, "kind": kind,
        "statuses": [s for s in Post.STATUSES if s[0] != Post.TRASHED], "kinds": Post.KINDS,
        "may_create_pages": permissions.sees_all_posts(request.user),
        "columns": _columns(query, column, direction), "zone": site.timezone,
        "paging": urlencode({**query, "sort": request.GET.get("sort", "")}),
        "trashed": _just_trashed(request),
        "in_trash": Post.objects.filter(visible(request.user), status=Post.TRASHED).count(),
    })


def _columns(query: dict, column: str, direction: str) -> list[dict]:
    """Each sortable heading: its link (which turns the order round when it is the
    current one) and its aria-sort."""
    out = []
    for name, label in (("title", "Title"), ("status", "Status"), ("date", "Date"),
                        ("author", "Author")):
        current = name == column
        first = SORTS[name][1]
        then = ("asc" if direction == "desc" else "desc") if current else first
        out.append({"label": label, "current": current,
                    "aria_sort": ("ascending" if direction == "asc" else "descending")
                    if current else "",
                    "href": "?" + urlencode({**query, "sort": name if then == "asc"
                                             else f"-{name}"})})
    return out


def _bylines(ids: list[int], site_author: str) -> dict[int, str]:
    """Each post's authors, as the list shows them (the site's author for none)."""
    names: dict[int, list[str]] = {}
    for post_id, name in PostAuthor.objects.filter(post_id__in=ids).order_by(
            "position").values_list("post_id", "author__name"):
        names.setdefault(post_id, []).append(name)
    return {pid: ", ".join(n) for pid, n in names.items()}


def may_trash(user, post: Post) -> bool:
    """A published post leaves the site when trashed: only those who may publish it."""
    if post.status == Post.PUBLISHED or post.trashed_from == Post.PUBLISHED:
        return permissions.can_publish(user, post)
    return permissions.can_edit(user, post)


def _just_trashed(request: HttpRequest) -> Post | None:
    """The post the writer just moved to the Trash, for the list's "Undo"."""
    raw = request.GET.get("trashed", "")
    if not raw.isdigit():
        return None
    post = Post.objects.filter(pk=int(raw), status=Post.TRASHED).first()
    return post if post is not None and permissions.can_edit(request.user, post) else None


def _draft_from(request: HttpRequest) -> publishing.Draft:
    data = request.POST
    return publishing.Draft(
        title=data.get("title", ""), body=data.get("body", ""), slug=data.get("slug", ""),
        excerpt=data.get("excerpt", ""), canonical_url=data.get("canonical_url", ""),
        tags=[t for t in data.get("tags", "").split(",") if t.strip()])


def _site_zone() -> zoneinfo.ZoneInfo:


    return zoneinfo.ZoneInfo(get_site().timezone)


def _when(value: str) -> dt.datetime:
    """A datetime-local field, read in the site's time zone."""
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ContentError("give a date and time", field="publish_at") from None
    return naive.replace(tzinfo=naive.tzinfo or _site_zone())


def _editor(request: HttpRequest, post: Post | None, draft: publishing.Draft | None = None,
            error: str = "", error_field: str = "", status: int = 200,
            missing_source: bool = False) -> HttpResponse:
    user = request.user
    restored = None
    if draft is None and post is not None:
        draft = publishing.Draft(title=post.title, body=post.body, slug=post.slug,
                                 excerpt=post.excerpt, canonical_url=post.canonical_url,
                                 tags=publishing.tag_names(post))
        # Text autosaved since the last save (a closed tab, a crash) comes back.
        last = post.revisions.order_by("-created_at", "-id").first()
        if last and last.kind == Revision.AUTOSAVE and (
                last.title, last.body, last.excerpt, list(last.tags)) != (
                draft.title, draft.body, draft.excerpt, draft.tags):
            draft = publishing.Draft(title=last.title, body=last.body, slug=post.slug,
                                     excerpt=last.excerpt, canonical_url=post.canonical_url,
                                     tags=list(last.tags))
            restored = last.created_at
    local = None
    if post is not None and post.published_at:
        local = post.published_at.astimezone(_site_zone()).strftime("%Y-%m-%dT%H:%M")
    may_publish = (post is not None and permissions.can_publish(user, post)) or (
        post is None and _may_publish_new(user))
    zone = get_site().timezone
    return render(request, "studio/editor.html", {
        "post": post, "draft": draft or publishing.Draft(title=""), "error": error,
        "error_field": error_field, "error_label": FIELD_LABELS.get(error_field, ""),
        "missing_source": missing_source, "state_time": _state_time(post, zone),
        "may_trash": post is not None and may_trash(user, post),
        "replacements": _replacements(post),
        "may_publish": may_publish, "publish_at": local,
        "left_out": post is not None and post.status == Post.PUBLISHED and bool(
            post.render_problem),
        "tags_text": ", ".join(draft.tags if draft else []),
        "kind": post.kind if post else request.GET.get("kind", Post.POST),
        "restored_autosave": restored,
        "zone": zone,
        "newsletter": mail_server.configured() and (post is None or (
            post.kind == Post.POST and not post.sends.exists())),
        "sources": _cite_choices(),
    }, status=status)


def _state_time(post: Post | None, zone: str) -> tuple[str, dt.datetime, str] | None:
    """What the editor's status line says of the post's time: "for 3 December 2026,
    09:00" (scheduled), "since ..." (published, or in the Trash); None for a draft."""
    if post is None:
        return None
    when = post.trashed_at if post.status == Post.TRASHED else post.published_at
    if when is None or post.status not in (Post.SCHEDULED, Post.PUBLISHED, Post.TRASHED):
        return None
    return ("for" if post.status == Post.SCHEDULED else "since", when, site_time(when, zone))


def _replacements(post: Post | None) -> list[tuple[int, str]]:
    """What a published post's readers may be sent to when it goes to the Trash: the
    other published posts and pages, newest first."""
    if post is None or post.status != Post.PUBLISHED:
        return []
    return list(Post.objects.filter(status=Post.PUBLISHED).exclude(pk=post.pk)
                .order_by(F("published_at").desc(nulls_last=True), "-id")
                .values_list("id", "title")[:500])


def _cite_choices() -> list[tuple[str, str]]:

    return [(key, source_label(key, csl)) for key, csl in
            Source.objects.order_by("key").values_list("key", "csl")[:2000]]


@studio_login_required
def new_post(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind") or Post.POST
    if kind not in dict(Post.KINDS):
        raise Http404
    if kind == Post.PAGE and not permissions.sees_all_posts(request.user):
        raise PermissionDenied("only editors and owners make pages")
    if request.method == "GET":
        return _editor(request, None)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    action = request.POST.get("action", "save")
    wants_json = request.headers.get("accept", "").startswith("application/json")
    if not wants_json and action in _PUBLISHING and not _may_publish_new(request.user):
        # Refused before anything is stored: "create and publish" is one request.
        raise PermissionDenied("your role may write drafts; an editor publishes them")
    draft = _draft_from(request)
    try:
        post = publishing.create_post(request.user, draft, kind=kind)
    except ContentError as exc:
        return _error(request, None, draft, exc)
    if wants_json:
        return JsonResponse({"id": post.pk, "url": reverse("edit_post", args=[post.pk]),
                             "slug": post.slug})
    if action != "save":
        return _act(request, post, action)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?saved=1")


_PUBLISHING = ("publish", "schedule", "unpublish")


def _may_publish_new(user) -> bool:
    """Whether the writer may publish a post they are creating (they become its author:
    see permissions.can_publish)."""
    return user.role != Role.CONTRIBUTOR


def _error(request, post, draft, exc: ContentError) -> HttpResponse:
    missing = isinstance(exc, publishing.NotReadyError) and exc.missing_source
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse({"error": exc.reason, "field": exc.field,
                             "label": FIELD_LABELS.get(exc.field or "", ""),
                             **({"sources": reverse("sources")} if missing else {})},
                            status=400)
    return _editor(request, post, draft, error=exc.reason, error_field=exc.field or "",
                   status=400, missing_source=missing)


def _post_for(request: HttpRequest, post_id: int) -> Post:
    post = get_object_or_404(Post, pk=post_id)
    if not permissions.can_edit(request.user, post):
        raise PermissionDenied("this post is not yours to edit")
    return post


@studio_login_required
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    if request.method == "GET":
        return _editor(request, post)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _act(request, post, request.POST.get("action", "save"))


def _act(request: HttpRequest, post: Post, action: str) -> HttpResponse:
    user = request.user
    if action in _PUBLISHING and not permissions.can_publish(user, post):
        raise PermissionDenied("your role may write drafts; an editor publishes them")
    draft = _draft_from(request)
    email = mail_server.configured() and request.POST.get("email") == "1"
    try:
        if action == "save":
            post = publishing.save_post(user, post.pk, draft)
        elif action == "publish":
            post = publishing.publish_post(user, post.pk, draft, email=email)
        elif action == "schedule":
            post = publishing.schedule_post(user, post.pk,
                                            _when(request.POST.get("publish_at", "")), draft,
                                            email=email)
        elif action == "unpublish":
            post = publishing.unpublish_post(user, post.pk)
        else:
            raise ContentError(f"unknown action '{action}'", field="action")
    except publishing.NotReadyError as exc:
        # Refused, nothing changed; the text is kept as an autosave is (a draft's own
        # text, a live post's revision), so the writer loses nothing by leaving.
        with contextlib.suppress(ContentError):  # a field the save would refuse too
            publishing.autosave(user, post.pk, draft)
        post.refresh_from_db()
        return _error(request, post, draft, exc)
    except ContentError as exc:
        return _error(request, post, draft, exc)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + f"?done={action}")


@studio_login_required
@require_POST
def autosave_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    try:
        rev = publishing.autosave(request.user, post.pk, _draft_from(request))
    except ContentError as exc:
        return JsonResponse({"error": exc.reason, "field": exc.field}, status=400)
    return JsonResponse({"revision": rev.pk, "saved_at": rev.created_at.isoformat()})


@studio_login_required
def revisions(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    revs = post.revisions.order_by("-created_at", "-id").select_related("user")[:200]
    return render(request, "studio/revisions.html", {"post": post, "revisions": revs,
                                                     "zone": get_site().timezone})


@studio_login_required
@require_POST
def restore(request: HttpRequest, revision_id: int) -> HttpResponse:
    rev = get_object_or_404(Revision, pk=revision_id)
    post = _post_for(request, rev.post_id)
    if post.status == Post.PUBLISHED and not permissions.can_publish(request.user, post):
        raise PermissionDenied("restoring would change a published post")
    try:
        publishing.restore_revision(request.user, rev.pk)
    except ContentError as exc:
        draft = publishing.Draft(title=rev.title, body=rev.body, slug=post.slug,
                                 excerpt=rev.excerpt, canonical_url=post.canonical_url,
                                 tags=list(rev.tags))
        return _error(request, post, draft, exc)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?done=restore")
