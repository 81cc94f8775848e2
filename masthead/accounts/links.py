"""Invitation links: the invitation's id and nonce, signed with the site's key. Nothing
secret is stored in the job queue: the mailing job makes the link from the row."""

from __future__ import annotations

from django.core import signing

from masthead.accounts.models import Invitation

SALT = "masthead.accounts.invitation"


def token(inv: Invitation) -> str:
    return signing.dumps({"i": inv.pk, "n": inv.nonce}, salt=SALT, compress=True)


def read(value: str) -> tuple[int, str] | None:
    """(invitation id, nonce), or None for a forged or mangled link."""
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or \
            not isinstance(data.get("n"), str):
        return None
    return data["i"], data["n"]


def invitation_url(origin: str, inv: Invitation) -> str:
    """From the site's own address, never a request's Host header."""
    return f"{origin}/studio/invitation/{token(inv)}/"
