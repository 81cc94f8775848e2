"""CSRF protection for the members' pages. The studio's CSRF cookie lives under
/studio/ (no other page may read it), so these pages get Django's own protection with a
cookie of their own under /members/: the same token check, the same trust of the
site's public address behind a proxy."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import (
    CSRF_TOKEN_LENGTH,
    CsrfViewMiddleware,
    _check_token_format,
    _unmask_cipher_token,
)
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt

from masthead.content.addresses import origin_of
from masthead.content.models import Site

COOKIE = "masthead_members_csrf"
PATH = "/members/"


class MembersCsrfMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request) -> bool:
        if super()._origin_verified(request):
            return True
        origin = request.META.get("HTTP_ORIGIN")
        public = origin_of(Site.objects.values_list("url", flat=True).first() or "")
        return bool(origin) and origin == public

    def _get_secret(self, request):
        secret = request.COOKIES.get(COOKIE)
        if secret is None:
            return None
        _check_token_format(secret)
        return _unmask_cipher_token(secret) if len(secret) == CSRF_TOKEN_LENGTH else secret

    def _set_csrf_cookie(self, request, response):
        response.set_cookie(COOKIE, request.META["CSRF_COOKIE"],
                            max_age=settings.CSRF_COOKIE_AGE, path=PATH, httponly=True,
                            samesite="Lax", secure=request.is_secure())
        patch_vary_headers(response, ("Cookie",))


_protect = decorator_from_middleware(MembersCsrfMiddleware)


def protect(view):
    """The view checked by the members' CSRF cookie (the studio's middleware, which
    would look for its own cookie, is told to leave it alone)."""
    return csrf_exempt(_protect(view))
