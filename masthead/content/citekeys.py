"""Which sources a text cites, by key: what a post stores beside its body.

A post keeps the keys it cites (``Post.cited_keys``) so the build knows which posts a
changed source touches without reading every body. Recognising a key is part of what a
post *is*; formatting the citation is the render layer's work
(:mod:`masthead.render.citations` builds on the pattern here).
"""

from __future__ import annotations

import re

# Pandoc: a key starts with a letter, digit or _, and may contain alphanumerics, _ and
# internal punctuation (:.#$%&-+?<>~/); or it is any text in braces.
KEY = r"(?:\{[^{}\n]+\}|\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*)"
KEY_RE = re.compile(r"(?<![\w@\\])-?@(" + KEY + r")")


def clean_key(raw: str) -> str:
    """A key as written (``{Key with spaces}`` or ``key``) without its braces."""
    return raw[1:-1] if raw.startswith("{") else raw


def cited_keys(markdown: str) -> set[str]:
    """Every key that looks cited; cheap, for cache keys and validation."""
    return {clean_key(m.group(1)) for m in KEY_RE.finditer(markdown)}
