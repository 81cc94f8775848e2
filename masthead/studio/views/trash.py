"""The Trash: moving posts there (from the list and the editor), the Trash page, restoring
and deleting for good. Each view checks the writer's role, then calls one action of
:mod:`masthead.publishing.trash`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from masthead.content.models import Post, get_site
from masthead.errors import ContentError
from masthead.publishing import trash
from masthead.studio.views.access import studio_login_required
from masthead.studio.views.posts import may_trash, visible


def _trashable(request: HttpRequest, post_id: int) -> Post:
    post = get_object_or_404(Post, pk=post_id)
    if not may_trash(request.user, post):
        raise PermissionDenied("this post is not yours to move to the Trash")
    return post


@studio_login_required
@require_POST
def trash_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Move to the Trash (the editor may name a replacement for a published post)."""
    post = _trashable(request, post_id)
    raw = request.POST.get("replacement", "")
    try:
        trash.trash_post(request.user, post.pk,
                         replacement_id=int(raw) if raw.isdigit() else None)
    except ContentError as exc:
        return render(request, "studio/trash.html", _context(request, error=exc.reason),
                      status=400)
    return HttpResponseRedirect(reverse("posts") + f"?trashed={post.pk}")


@studio_login_required
@require_POST
def restore_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Take a post out of the Trash; back to the page the writer came from."""
    post = _trashable(request, post_id)
    try:
        trash.restore_post(request.user, post.pk)
    except ContentError as exc:
        return render(request, "studio/trash.html", _context(request, error=exc.reason),
                      status=400)
    back = request.POST.get("back", "")
    if back == "trash":
        return HttpResponseRedirect(reverse("trash") + f"?restored={post.pk}")
    if back == "list":
        return HttpResponseRedirect(reverse("posts") + f"?restored={post.pk}")
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?done=restore")


@studio_login_required
@require_POST
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Delete a post in the Trash for good, before the 30 days are up."""
    post = _trashable(request, post_id)
    try:
        trash.delete_post(request.user, post.pk)
    except ContentError as exc:
        return render(request, "studio/trash.html", _context(request, error=exc.reason),
                      status=400)
    return HttpResponseRedirect(reverse("trash") + "?deleted=1")


@studio_login_required
@require_GET
def trash_view(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/trash.html", _context(request))


def _context(request: HttpRequest, error: str = "") -> dict:
    posts = list(Post.objects.filter(visible(request.user), status=Post.TRASHED)
                 .order_by("-trashed_at", "-id")
                 .only("id", "title", "kind", "trashed_at", "trashed_from", "slug")[:500])
    restored = request.GET.get("restored", "")
    return {
        "rows": [(p, p.trashed_at + trash.KEPT_FOR if p.trashed_at else None,
                  may_trash(request.user, p)) for p in posts],
        "zone": get_site().timezone, "kept_days": trash.KEPT_FOR.days, "error": error,
        "restored": Post.objects.filter(visible(request.user), pk=int(restored)).exclude(
            status=Post.TRASHED).first() if restored.isdigit() else None,
        "deleted": request.GET.get("deleted") == "1",
    }
