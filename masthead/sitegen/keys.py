"""Content keys: short hashes that change exactly when what they summarise does.

Every output's key, every post's signatures and the search index's document signatures
are made here, the same way, so that comparing keys is all an incremental build does.
"""

from __future__ import annotations

import hashlib


def key(*parts: object) -> str:
    """A 128-bit hash of the parts' repr: strings, numbers, None and tuples of them."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
