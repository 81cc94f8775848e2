"""The client's address behind proxies (``[server] proxies`` in masthead.toml).

Sign-ups and logins are limited by client address. Behind nginx every request comes
from the proxy, so one reader's or one attacker's attempts would count against
everyone. Each proxy appends the address it was reached from to X-Forwarded-For: with
N proxies configured, the client is the Nth entry from the right, the one the outermost
proxy wrote. Entries further left came from the client and are ignored (anyone can
write them). A request with fewer entries did not come through the proxies (an SSH
tunnel straight to the server, say) and keeps the address it came from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(forwarded_for: str, proxies: int) -> str | None:
    """The address the outermost of ``proxies`` proxies saw, or None."""
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    if proxies < 1 or len(hops) < proxies:
        return None
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return None


def forwarded_client(get_response: Callable[[HttpRequest], HttpResponse],
                     ) -> Callable[[HttpRequest], HttpResponse]:
    proxies = getattr(settings, "MASTHEAD_PROXIES", 0)

    def middleware(request: HttpRequest) -> HttpResponse:
        if proxies:
            address = client_address(request.META.get("HTTP_X_FORWARDED_FOR", ""), proxies)
            if address is not None:
                request.META["REMOTE_ADDR"] = address
        return get_response(request)

    return middleware
