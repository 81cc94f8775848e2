"""The newsletter: subscribers by status, every send's counts; adding a reader (who
still confirms, as on the site's form) and unsubscribing one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from masthead.accounts import permissions
from masthead.errors import ContentError
from masthead.newsletter import actions
from masthead.newsletter.models import Send, Subscriber
from masthead.newsletter.sending import counts
from masthead.studio.views.access import studio_login_required

DONE = {
    "added": "A confirmation email is on its way: the reader is subscribed once they "
             "confirm (an address already subscribed is left as it is).",
    "unsubscribed": "Unsubscribed: nothing more is sent to that address.",
    "edited": "Saved. A changed address gets a confirmation email and is pending until "
              "its owner confirms.",
}


@studio_login_required
def newsletter_view(request: HttpRequest) -> HttpResponse:
    """Subscribers by status and every send's counts (editors and owners)."""


    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners see the newsletter")
    configured = settings.MASTHEAD_SMTP is not None
    error, problem, email, name, status = "", "", "", "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            email, name = request.POST.get("email", ""), request.POST.get("name", "")
            if not configured:
                # The form is not shown then, but a stale page may still send it.
                error = ("No mail server is set up, so the confirmation cannot be sent: "
                         "add an [smtp] section to masthead.toml (docs/newsletter.md).")
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
        "configured": configured, "error": error, "email": email, "name": name,
        "done": DONE.get(request.GET.get("done", ""), ""),
        "problem": problem,
        "active": (Subscriber.PENDING, Subscriber.CONFIRMED),
    }, status=status)
