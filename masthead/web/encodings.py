"""Which compressed form a client takes, from its Accept-Encoding header.

Browsers send a plain list ("gzip, deflate, br, zstd"); a client may also weigh the
forms, and a weight of 0 refuses one: ``br;q=0, gzip`` is "gzip, never Brotli".
Nothing is kept per header value (a client can send any number of them).
"""

from __future__ import annotations


def accepted_encoding(accept: bytes) -> bytes | None:
    """Brotli, else gzip, when the Accept-Encoding header takes it: named (or ``*``)
    with a q above 0, since ``br;q=0`` means "not Brotli"."""
    if b";" not in accept and b"*" not in accept:  # the usual "gzip, deflate, br, zstd"
        names = accept.lower().replace(b" ", b"").split(b",")
        return b"br" if b"br" in names else b"gzip" if b"gzip" in names else None
    weights: dict[bytes, float] = {}
    for item in accept.lower().split(b","):
        name, _, params = item.partition(b";")
        weight = 1.0
        for param in params.split(b";") if params else ():
            key, _, value = param.partition(b"=")
            if key.strip() == b"q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip()] = weight
    default = weights.get(b"*", 0.0)
    for encoding in (b"br", b"gzip"):
        if weights.get(encoding, default) > 0:
            return encoding
    return None
