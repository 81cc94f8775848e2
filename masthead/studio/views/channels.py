"""Channels (owners): where publications are announced, whether each channel works, the
last deliveries, and a "send a test" button. Channels are added with `masthead channel
add` (their secrets live in masthead.toml or the environment, not in a form)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from masthead.accounts import permissions
from masthead.channels.models import Channel, Delivery
from masthead.channels.testing import send_test
from masthead.content.models import get_site
from masthead.errors import MastheadError
from masthead.studio.views.access import studio_login_required


@studio_login_required
def channels_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("owners manage the channels")
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    done = error = ""
    if request.method == "POST":
        try:
            done = send_test(request.POST.get("channel", ""))
        except MastheadError as exc:
            error = str(exc)
    channels = list(Channel.objects.order_by("name"))
    recent = (Delivery.objects.select_related("post", "channel")
              .order_by("-queued_at", "-id")[:20])
    return render(request, "studio/channels.html", {
        "channels": channels, "recent": recent, "done": done, "error": error,
        "zone": get_site().timezone})
