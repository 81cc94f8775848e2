"""Signed links in emails: confirm, manage, unsubscribe. Nothing is stored; the
signature (with the site's secret key) is the permission."""

from __future__ import annotations

from django.core import signing

from masthead.sitegen.snapshot import current_site

SALT = "masthead.newsletter"
CONFIRM_FOR = 7 * 24 * 3600  # seconds a confirmation link works


def token(subscriber_id: int, purpose: str) -> str:
    return signing.dumps({"s": subscriber_id, "p": purpose}, salt=SALT, compress=True)


def read(value: str, purpose: str) -> int | None:
    """The subscriber id a token was made for, or None (forged, expired, other use)."""
    try:
        data = signing.loads(value, salt=SALT,
                             max_age=CONFIRM_FOR if purpose == "confirm" else None)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    sid = data.get("s")
    return sid if isinstance(sid, int) else None


def url(subscriber_id: int, purpose: str) -> str:
    """Absolute, from the site's own address (never a request's Host header). Dynamic
    pages live at the server's root, as the studio does, even for a site under /blog/."""

    site = current_site()
    return f"{site.origin}/newsletter/{purpose}/{token(subscriber_id, purpose)}/"


def unsubscribe_url(subscriber_id: int, origin: str) -> str:
    """The one-click address of List-Unsubscribe (it takes the manage token)."""
    return f"{origin}/newsletter/unsubscribe/{token(subscriber_id, 'manage')}/"
