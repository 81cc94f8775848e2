"""People (owners): who may use the studio. Invite a writer by email, change a role,
deactivate an account or let it in again; and the page an invitation's link opens."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from masthead.accounts import actions, links, permissions
from masthead.accounts.models import Invitation, Role, User
from masthead.errors import AccountError
from masthead.mail import server as mail_server
from masthead.studio.views.access import studio_login_required

DONE = {
    "invited": "Invitation sent: the link in it works once, for a week.",
    "role": "Role changed.",
    "deactivated": "Deactivated: that account cannot log in any more. Its posts stay.",
    "reactivated": "That account can log in again.",
    "revoked": "Invitation withdrawn: its link no longer works.",
}


def _number(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


@studio_login_required
def people_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("owners manage who may use the studio")
    error, status, invite_email, invite_role = "", 200, "", Role.AUTHOR
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                invite_email = request.POST.get("email", "")
                invite_role = request.POST.get("role", "")
                actions.invite(request.user, invite_email, invite_role)
                done = "invited"
            elif action in ("role", "deactivate", "reactivate"):
                user_id = _number(request, "user")
                if user_id is None or not User.objects.filter(pk=user_id).exists():
                    return HttpResponse("which account?", status=400)
                if action == "role":
                    actions.change_role(request.user, user_id, request.POST.get("role", ""))
                else:
                    actions.set_active(request.user, user_id, action == "reactivate")
                done = {"role": "role", "deactivate": "deactivated",
                        "reactivate": "reactivated"}[action]
            elif action == "revoke":
                invitation_id = _number(request, "invitation")
                if invitation_id is None:
                    return HttpResponse("which invitation?", status=400)
                actions.revoke_invitation(invitation_id)
                done = "revoked"
            else:
                return HttpResponse("unknown action", status=400)
        except AccountError as exc:
            error, status = str(exc), 400
        else:
            return HttpResponseRedirect(f"{reverse('people')}?done={done}")
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    pending = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                        expires_at__gt=timezone.now()).order_by("-created_at")
    return render(request, "studio/people.html", {
        "people": User.objects.order_by("-is_active", "email"), "pending": pending,
        "roles": Role.choices, "error": error, "invite_email": invite_email,
        "invite_role": invite_role, "configured": mail_server.configured(),
        "done": DONE.get(request.GET.get("done", ""), ""),
    }, status=status)


def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Whoever holds the link chooses their name and password; then they are in."""
    found = links.read(token)
    inv = actions.open_invitation(*found) if found else None
    if inv is None:
        return render(request, "studio/error.html", {
            "title": "This invitation does not work",
            "message": "An invitation works once, for a week, and a newer one to the same "
                       "address replaces it. Ask whoever invited you for a new one.",
        }, status=400)
    error, name = "", ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        first, second = request.POST.get("password", ""), request.POST.get("password2", "")
        if first != second:
            error = "The two passwords differ."
        else:
            try:
                user = actions.accept_invitation(inv.pk, inv.nonce, name=name, password=first)
            except AccountError as exc:
                error = str(exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return HttpResponseRedirect(reverse("posts"))
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/invitation.html", {
        "invitation": inv, "error": error, "name": name}, status=400 if error else 200)
