"""Secrets handed to readers (sign-in links, session cookies): random, and stored only
as their SHA-256, so that reading the database opens no account."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """(the token to hand out, the hash to keep)."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
