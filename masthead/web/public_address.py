"""Forms and cookies when the site is reached through a proxy that terminates HTTPS.

The usual deployment: readers and writers reach https://essays.example.org, and nginx
or Caddy talks plain HTTP to `masthead serve`. Django judges a form's origin by what the
server sees (http://...), so it would refuse every form sent from the real site, and it
would send cookies without ``Secure``. Here the site's own public address (its ``url``
setting, which the owner can change in the studio) counts as well: a form from that
origin is accepted, and when it is https, cookies set for requests to that address only
ever travel over HTTPS. No header from the proxy is trusted for this (the Host header
can only make cookies stricter), so nothing a client sends can widen it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from masthead.content.addresses import origin_of
from masthead.content.models import Site


def public_origin() -> str:
    """The origin of the site's address, as a browser sends it (see urls.origin_of)."""
    return origin_of(Site.objects.values_list("url", flat=True).first() or "")


class SiteCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF protection, also trusting forms sent from the site's public
    address (behind an HTTPS proxy the browser's Origin differs from the server's)."""

    def _origin_verified(self, request: HttpRequest) -> bool:
        if super()._origin_verified(request):
            return True
        origin = request.META.get("HTTP_ORIGIN")
        return bool(origin) and origin == public_origin()


def secure_cookies(get_response: Callable[[HttpRequest], HttpResponse],
                   ) -> Callable[[HttpRequest], HttpResponse]:
    """Mark every cookie ``Secure`` when the site's address is https and the request
    came by that address (its Host is the site's, port included), as through the proxy.
    Reached directly (http://127.0.0.1:8000, say, over an SSH tunnel) the studio still works."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.cookies:
            public = urlsplit(public_origin())
            if public.scheme == "https" and request.get_host().lower() == public.netloc:
                for morsel in response.cookies.values():
                    morsel["secure"] = True
        return response

    return middleware
