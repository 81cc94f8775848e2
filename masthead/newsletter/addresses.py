"""Tagged addresses: one mailbox, many addresses that say what a message is about.

Every copy of a newsletter goes out with its own return path (VERP),
``essays+b<delivery>-<check>@example.org``, so a bounce names the copy that bounced
even when the report is vague about the address; and its mailto unsubscribe link is
``essays+u<subscriber>-<check>@example.org``, so a request sent from another address
(a forwarder, an alias) still names the reader. The check is an HMAC with the site's
secret key: nobody can make an address that unsubscribes someone else. The mail
server must deliver ``local+anything@domain`` to ``local@domain`` (sub-addressing;
Postfix, Dovecot, Gmail, Fastmail and most others do).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings

_TAG_RE = re.compile(r"\+([bu])(\d+)-([0-9a-f]{8})@", re.I)


def _check(kind: str, number: int) -> str:
    purpose = {"b": "bounce", "u": "unsubscribe"}[kind]
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{number}".encode(), hashlib.sha256).hexdigest()[:8]


def _tagged(from_address: str, kind: str, number: int) -> str:
    local, _, domain = parseaddr(from_address)[1].rpartition("@")
    return f"{local}+{kind}{number}-{_check(kind, number)}@{domain}"


def _read(address: str, kind: str) -> int | None:
    for m in _TAG_RE.finditer(address or ""):
        if m.group(1).lower() == kind and hmac.compare_digest(
                m.group(3).lower(), _check(kind, int(m.group(2)))):
            return int(m.group(2))
    return None


def return_path(from_address: str, delivery_id: int) -> str:
    """The envelope sender of one copy (bounces come back to it)."""
    return _tagged(from_address, "b", delivery_id)


def delivery_of(address: str) -> int | None:
    """The delivery a return path was made for, or None (untagged or forged)."""
    return _read(address, "b")


def unsubscribe_address(from_address: str, subscriber_id: int) -> str:
    """The address of a reader's mailto: List-Unsubscribe link."""
    return _tagged(from_address, "u", subscriber_id)


def subscriber_of(address: str) -> int | None:
    """The subscriber an unsubscribe address was made for, or None."""
    return _read(address, "u")
