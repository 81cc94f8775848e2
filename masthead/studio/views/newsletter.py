"""The newsletter at a glance: subscribers by status, every send's counts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render

from masthead.accounts import permissions
from masthead.studio.views.access import studio_login_required


@studio_login_required
def newsletter_view(request: HttpRequest) -> HttpResponse:
    """Subscribers by status and every send's counts (editors and owners)."""
    from django.db.models import Count

    from masthead.newsletter.models import Send, Subscriber
    from masthead.newsletter.sending import counts

    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners see the newsletter")
    by_status = dict(Subscriber.objects.values_list("status").annotate(n=Count("id"))
                     .values_list("status", "n"))
    subscribers = [(label, by_status.get(value, 0)) for value, label in Subscriber.STATUSES]
    sends = [(s, counts(s.pk)) for s in
             Send.objects.select_related("post").order_by("-created_at")[:50]]
    q = request.GET.get("q", "").strip()
    found = list(Subscriber.objects.filter(email__icontains=q).order_by("email")[:100]) \
        if q else []
    return render(request, "studio/newsletter.html", {
        "subscribers": subscribers, "sends": sends, "q": q, "found": found,
        "configured": settings.MASTHEAD_SMTP is not None,
    })
