"""Secrets kept in the database (the SMTP password, the DKIM private key), encrypted.

Fernet (AES-128-CBC with an HMAC) with a key derived by HKDF from the site's secret key
(``.masthead/secret_key``, which is never exported or published): a copy of the database
alone, or a Markdown export, reveals nothing.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from masthead.errors import SiteError


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"masthead.mail",
               info=b"secrets in the database").derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def unseal(token: str, what: str) -> str:
    """The plain text, or a SiteError saying what to do when the site's secret key has
    changed since (the token can no longer be read)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SiteError(f"the stored {what} cannot be read (the site's secret key has changed "
                        "since it was saved): enter it again on the studio's Email page"
                        ) from None
