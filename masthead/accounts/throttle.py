"""Login throttling (django-axes): which account a login attempt is for.

Axes reads the name from the credentials in one place and from the form in another;
one function answering for both, and folding case, keeps ``Me@x.org`` and ``me@x.org``
from counting as different accounts.
"""

from __future__ import annotations


def attempted_email(request, credentials: dict | None = None) -> str:
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        value = getattr(request, "POST", {}).get("email", "")
    return str(value).strip().casefold()
