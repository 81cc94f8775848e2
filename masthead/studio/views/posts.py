"""Writing: the list of posts, the editor and its actions, revisions, images."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
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
from masthead.content.models import Post, Revision, Source, get_site
from masthead.errors import ContentError
from masthead.mail import server as mail_server
from masthead.publishing import actions as publishing
from masthead.studio.views.access import studio_login_required
from masthead.studio.views.sources import source_label

PER_PAGE = 50


def _visible(user) -> Q:
    if permissions.sees_all_posts(user):
        return Q()
    return Q(authors__user=user)


@studio_login_required
def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.filter(_visible(request.user)).distinct()
    q = request.GET.get("q", "").strip()
    if q:
        posts = posts.filter(Q(title__icontains=q) | Q(body__icontains=q))
    status = request.GET.get("status", "")
    if status in dict(Post.STATUSES):
        posts = posts.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in dict(Post.KINDS):
        posts = posts.filter(kind=kind)
    posts = posts.order_by("-modified_at", "-id").only(
        "id", "title", "status", "kind", "published_at", "modified_at", "slug", "render_key",
        "render_problem")
    page = Paginator(posts, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "studio/posts.html", {
        "page": page, "q": q, "status": status, "kind": kind,
        "statuses": Post.STATUSES, "kinds": Post.KINDS,
        "may_create_pages": permissions.sees_all_posts(request.user),
    })


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
    return render(request, "studio/editor.html", {
        "post": post, "draft": draft or publishing.Draft(title=""), "error": error,
        "error_field": error_field, "missing_source": missing_source,
        "may_publish": may_publish, "publish_at": local,
        "left_out": post is not None and post.status == Post.PUBLISHED and bool(
            post.render_problem),
        "tags_text": ", ".join(draft.tags if draft else []),
        "kind": post.kind if post else request.GET.get("kind", Post.POST),
        "restored_autosave": restored,
        "newsletter": mail_server.configured() and (post is None or (
            post.kind == Post.POST and not post.sends.exists())),
        "sources": _cite_choices(),
    }, status=status)


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
    return render(request, "studio/revisions.html", {"post": post, "revisions": revs})


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
