"""The DKIM key newsletters are signed with: masthead.toml's [dkim] (a key file the
operator made) wins over the key made on the studio's Email page (kept in the database,
encrypted)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from masthead.mail.models import DkimKey
from masthead.mail.secret import unseal


@dataclass(frozen=True)
class Signing:
    domain: str
    selector: str
    key_file: Path | None = None  # from masthead.toml
    pem: bytes | None = None  # from the Email page
    from_file: bool = False


def current() -> Signing | None:
    dkim = getattr(settings, "MASTHEAD_DKIM", None)
    if dkim is not None:
        return Signing(domain=dkim.domain, selector=dkim.selector,
                       key_file=dkim.private_key_file, from_file=True)
    row = DkimKey.objects.filter(pk=1).first()
    if row is None:
        return None
    return Signing(domain=row.domain, selector=row.selector,
                   pem=unseal(row.private_key, "DKIM key").encode())


def new_key() -> tuple[str, str]:
    """(private PEM, public key as base64 DER): RSA 2048, what mail providers accept."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, public_of(pem.encode())


def public_of(pem: bytes) -> str:
    key = serialization.load_pem_private_key(pem, password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def public_key() -> str | None:
    """The public half of the key in use, for its DNS record (None: no key, or the
    file named by masthead.toml cannot be read)."""
    signing = current()
    if signing is None:
        return None
    if signing.key_file is not None:
        try:
            return public_of(signing.key_file.read_bytes())
        except (OSError, ValueError, TypeError):
            return None
    return DkimKey.objects.get(pk=1).public_key
