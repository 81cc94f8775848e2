"""The newsletter: subscribers by status, every send's counts; adding a reader (who
still confirms, as on the site's form) and unsubscribing one."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from masthead.accounts import permissions
from masthead.content.models import Post
from masthead.errors import ContentError, SourceError
from masthead.mail import server as mail_server
from masthead.newsletter import actions, csvfiles
from masthead.newsletter.models import Send, Subscriber
from masthead.newsletter.sending import counts
from masthead.studio.views.access import studio_login_required

DONE = {
    "added": "A confirmation email is on its way: the reader is subscribed once they "
             "confirm (an address already subscribed is left as it is).",
    "unsubscribed": "Unsubscribed: nothing more is sent to that address.",
    "sending": "The post is on its way to the list: the counts below follow it.",
    "edited": "Saved. A changed address gets a confirmation email and is pending until "
              "its owner confirms.",
}


@studio_login_required
def newsletter_view(request: HttpRequest) -> HttpResponse:
    """Subscribers by status and every send's counts (editors and owners)."""


    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners see the newsletter")
    configured = mail_server.configured()
    error, problem, email, name, status = "", "", "", "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            email, name = request.POST.get("email", ""), request.POST.get("name", "")
            if not configured:
                # The form is not shown then, but a stale page may still send it.
                error = ("No mail server is set up, so the confirmation cannot be sent: "
                         "set one up on the Email page.")
                status = 400
            else:
                try:
                    # Double opt-in here too: an address typed in the studio gets a
                    # confirmation, never a newsletter it did not ask for.
                    actions.subscribe(email, name=name, source="studio")
                except ContentError as exc:
                    error, status = exc.reason, 400
                else:
                    return HttpResponseRedirect(reverse("newsletter") + "?done=added")
        elif action == "edit":
            try:
                subscriber_id = int(request.POST.get("subscriber", ""))
            except ValueError:
                return HttpResponse("which subscriber?", status=400)
            try:
                actions.edit(subscriber_id, email=request.POST.get("email", ""),
                             name=request.POST.get("name", ""), can_mail=configured)
            except ContentError as exc:
                problem, status = exc.reason, 400  # shown above the reader's row
            else:
                query = {"done": "edited", "q": request.POST.get("q", "")}
                return HttpResponseRedirect(f"{reverse('newsletter')}?{urlencode(query)}")
        elif action == "unsubscribe":
            try:
                subscriber_id = int(request.POST.get("subscriber", ""))
            except ValueError:
                return HttpResponse("which subscriber?", status=400)
            actions.unsubscribe(subscriber_id)
            query = {"done": "unsubscribed", "q": request.POST.get("q", "")}
            return HttpResponseRedirect(f"{reverse('newsletter')}?{urlencode(query)}")
        else:
            return HttpResponse("unknown action", status=400)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _page(request, status=status, configured=configured, error=error,
                 problem=problem, email=email, name=name)


def _page(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    configured = mail_server.configured()
    smtp = mail_server.current() if configured else None
    by_status = dict(Subscriber.objects.values_list("status").annotate(n=Count("id"))
                     .values_list("status", "n"))
    subscribers = [(label, by_status.get(value, 0)) for value, label in Subscriber.STATUSES]
    sends = [(s, counts(s.pk)) for s in
             Send.objects.select_related("post").order_by("-created_at")[:50]]
    q = (request.GET.get("q") or request.POST.get("q", "")).strip()
    found = list(Subscriber.objects.filter(email__icontains=q).order_by("email")[:100]) \
        if q else []
    return render(request, "studio/newsletter.html", {
        "subscribers": subscribers, "sends": sends, "q": q, "found": found,
        "configured": configured, "error": "", "email": "", "name": "",
        "done": DONE.get(request.GET.get("done", ""), ""), "problem": "",
        "active": (Subscriber.PENDING, Subscriber.CONFIRMED),
        "outbox": smtp is not None and smtp.folder is not None,
        "can_manage_site": permissions.can_manage_site(request.user), **extra,
    }, status=status)


MAX_UPLOAD = 50 * 1024 * 1024  # bytes: a million subscribers fit in far less


def _may_see(request: HttpRequest) -> None:
    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners see the newsletter")


@studio_login_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    """Subscribers from an uploaded CSV (Masthead's own, Substack's or Ghost's export);
    a summary of what was added, what was already there and which lines were refused."""
    _may_see(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, status=400, import_error="Choose a CSV file to upload.")
    if upload.size > MAX_UPLOAD:
        return _page(request, status=400, import_error=f"{upload.name} is over 50 MB: split "
                     "it into smaller files.")
    try:
        flavour, rows, refused = csvfiles.read_bytes(upload.read(), upload.name)
    except SourceError as exc:
        return _page(request, status=400, import_error=str(exc))
    confirmed = request.POST.get("confirmed") == "1"
    result = actions.import_subscribers(rows, where=upload.name, confirmed=confirmed,
                                        source=f"import:{flavour}")
    refused = sorted([*refused, *result.refused])
    return _page(request, imported={
        "name": upload.name,
        "flavour": {"ghost": "Ghost", "substack": "Substack"}.get(flavour, "Masthead"),
        "added": result.created, "there": result.updated + result.unchanged,
        "updated": result.updated, "refused": refused,
        "confirmations": result.confirmations})


@studio_login_required
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """Every subscriber as Masthead's CSV (which imports back unchanged). Built whole:
    a hundred thousand subscribers make about ten megabytes."""
    _may_see(request)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(csvfiles.OWN_COLUMNS)
    for s in Subscriber.objects.order_by("id").iterator(chunk_size=2000):
        out.writerow(csvfiles.row_of(s))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="subscribers-{timezone.now():%Y-%m-%d}.csv"')
    return response


@studio_login_required
@require_POST
def send_view(request: HttpRequest, post_id: int) -> HttpResponse:
    """Email a published post to the list (from the editor); its progress shows on the
    Newsletter page."""
    post = get_object_or_404(Post, pk=post_id)
    if not permissions.can_publish(request.user, post):
        raise PermissionDenied("your role may not send posts to the list")
    if not mail_server.configured():
        return _page(request, status=400, send_error="No mail server is set up: set one "
                     "up on the Email page first.") if permissions.sees_all_posts(
                         request.user) else HttpResponse("no mail server", status=400)
    try:
        actions.queue_newsletter(post.pk)
    except ContentError:
        return HttpResponse("Only a published post can be emailed: publish it first.",
                            status=400)
    if not permissions.sees_all_posts(request.user):
        return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?sent=1")
    return HttpResponseRedirect(reverse("newsletter") + "?done=sending#sends")


@studio_login_required
@require_GET
def progress_view(request: HttpRequest) -> JsonResponse:
    """Each recent send's counts, for the Newsletter page to follow a send as it goes."""
    _may_see(request)
    return JsonResponse({"sends": [
        {"id": s.pk, "status": s.get_status_display(), "done": s.status == Send.DONE,
         **counts(s.pk)}
        for s in Send.objects.order_by("-created_at")[:50]]})
