"""Which member a request comes from: the ``masthead_member`` cookie, apart from the
studio's session (its own name, for the whole site's path, so that a post's address can
be answered in full; HttpOnly, SameSite=Lax, Secure over HTTPS)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from masthead.members import tokens
from masthead.members.actions import SESSION_LIFETIME
from masthead.members.models import Member, MemberSession

COOKIE = "masthead_member"


def member_for(request: HttpRequest) -> Member | None:
    token = request.COOKIES.get(COOKIE, "")
    if not token or len(token) > 100:
        return None
    session = (MemberSession.objects.select_related("member__subscriber", "member__tier")
               .filter(token_hash=tokens.digest(token), expires_at__gt=timezone.now()).first())
    return session.member if session else None


def set_cookie(request: HttpRequest, response: HttpResponse, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                        path="/", httponly=True, samesite="Lax", secure=request.is_secure())


def clear_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Lax")
