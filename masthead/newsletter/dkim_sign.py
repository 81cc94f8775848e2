"""DKIM signatures (dkimpy), with the RSA step done by OpenSSL.

dkimpy canonicalises and hashes the message and builds the DKIM-Signature header; its
RSA is pure Python (about 140 signatures a second a core), and every newsletter copy
needs its own signature because its unsubscribe link is personal. RSASSA-PKCS1-v1_5 is
deterministic, so `cryptography`'s RSA gives exactly the bytes dkimpy's would, some
25 times faster: this module hands dkimpy that implementation (tests check both agree
and that dkimpy verifies the result).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from masthead.errors import SiteError

SIGNED_HEADERS = [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"MIME-Version",
                  b"Content-Type", b"List-Id", b"List-Unsubscribe", b"List-Unsubscribe-Post"]
_HASHES = {"sha256": hashes.SHA256(), "sha1": hashes.SHA1()}


class _OpenSSLKey:
    """What dkimpy's signing step receives instead of its parsed key dict."""

    def __init__(self, key: rsa.RSAPrivateKey):
        self.key = key


@lru_cache(maxsize=8)
def _load(pem: bytes) -> _OpenSSLKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise dkim.KeyFormatError("the DKIM key must be an RSA key")
    return _OpenSSLKey(key)


def _sign(h, pk):
    if isinstance(pk, _OpenSSLKey):
        algorithm = _HASHES[h.name.lower()]
        return pk.key.sign(h.digest(), padding.PKCS1v15(), Prehashed(algorithm))
    return _pure_sign(h, pk)


_pure_sign = dkim.RSASSA_PKCS1_v1_5_sign
_pure_parse = dkim.parse_pem_private_key
dkim.RSASSA_PKCS1_v1_5_sign = _sign
dkim.parse_pem_private_key = lambda data: _load(bytes(data))


def read_key(path: Path) -> bytes:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"{path}: cannot read the DKIM private key ({exc.strerror})") from None
    try:
        _load(pem)
    except (ValueError, TypeError, dkim.KeyFormatError) as exc:
        raise SiteError(f"{path}: not a PEM RSA private key ({exc})") from None
    return pem


def sign(message: bytes, *, domain: str, selector: str, key: bytes) -> bytes:
    """The message with its DKIM-Signature header first (relaxed/simple, rsa-sha256)."""
    header = dkim.sign(message, selector.encode(), domain.encode(), key,
                       include_headers=SIGNED_HEADERS, linesep=b"\r\n")
    return header + message
