"""Webhooks signed by the Standard Webhooks scheme (standardwebhooks.com), so receivers
can check them with the official libraries: ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, keyed with the
bytes of the ``whsec_`` secret."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time

from masthead.channels import outbound
from masthead.errors import MastheadError

PREFIX = "whsec_"


class BadSecret(MastheadError):
    pass


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def key_of(secret: str) -> bytes:
    """The HMAC key a ``whsec_`` secret stands for; a clear error when it is not one."""
    raw = secret.strip().removeprefix(PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < 16:
        raise BadSecret("a webhook secret is whsec_ followed by at least 16 bytes in base64, "
                        f"e.g. {new_secret()}")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key_of(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def send(url: str, secret: str, msg_id: str, event: str, data: dict, *,
         allow_loopback: bool) -> outbound.Answer:
    """POST one event; the caller decides what the answer means."""
    now = int(time.time())
    body = json.dumps({"type": event, "timestamp": time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)), "data": data},
        ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"content-type": "application/json", "webhook-id": msg_id,
               "webhook-timestamp": str(now),
               "webhook-signature": sign(secret, msg_id, now, body)}
    return outbound.post(url, content=body, headers=headers, allow_loopback=allow_loopback)
