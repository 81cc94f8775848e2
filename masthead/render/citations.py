"""Pandoc-style citations in Markdown: find the clusters and mark their places.

Pandoc's syntax: ``[@key]``, ``[see @a, p. 3; @b]``, ``@key says``, ``@key [p. 3]``,
``[-@key]``. Each cluster is replaced by a marker that survives Markdown rendering;
:mod:`masthead.render.citeproc` formats the clusters with Pandoc's citeproc and
:mod:`masthead.render.engine` puts the results back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from masthead.content.citekeys import KEY, KEY_RE, clean_key
from masthead.errors import CitationError

# A bracketed cluster holds no other brackets, and is not a link [text](url), a
# reference [text][ref] or a reference definition [ref]: url; nor an image or an
# escaped bracket (checked in code: a pattern starting with a literal is much faster).
BRACKET_RE = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(\[:])")
# An author-in-text citation starts a word (checked in code), and may carry a locator.
IN_TEXT_RE = re.compile(r"@(?P<key>" + KEY + r")(?P<loc> \[[^\[\]\n]*\](?![(\[:]))?")
_IN_TEXT_AFTER = set(" \t\n(\"'“‘*_")
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARK_RE = re.compile(MARK_OPEN + r"(\d+)" + MARK_CLOSE)



@dataclass
class Cluster:
    raw: str  # the Markdown source of the cluster, as Pandoc will read it
    keys: list[str]
    line: int  # 1-based line in the Markdown source, for error messages
    in_note: bool = False  # inside a footnote (matters to note styles)
    missing: str = ""  # a key no source has: the cluster is shown as an error (previews)


class UnknownKeyError(CitationError):
    """A bracketed citation names a key no source has; ``key`` says which, so the studio
    can say it in a writer's words and the command line can say which command adds it."""

    def __init__(self, key: str, line: int, path: str | None = None) -> None:
        super().__init__(
            f"unknown citation key '@{key}' (import it with `masthead import bibtex` "
            "or `masthead import csl-json`)", line=line, path=path)
        self.key = key

    @property
    def for_writers(self) -> str:
        """The problem as the studio and the build report say it: no class, no command."""
        return f"line {self.line}: no source with the key '{self.key}'"


@dataclass
class Extracted:
    """Markdown with each citation cluster replaced by a marker, and the clusters."""

    text: str
    clusters: list[Cluster] = field(default_factory=list)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def extract(markdown: str, known: Mapping[str, object] | set[str], *,
            lenient: bool = False) -> Extracted:
    """Replace citation clusters with markers.

    A bracketed cluster whose key is unknown is an error (the writer clearly meant a
    citation): :class:`UnknownKeyError`, or with ``lenient`` (the editor's preview) a
    cluster marked ``missing``, so the rest of the text still renders. A bare ``@name``
    that is not a known key is left as text, so a Mastodon handle in prose is not
    mistaken for a citation.
    """
    if "@" not in markdown:
        return Extracted(markdown)
    clusters: list[Cluster] = []

    def bracket(m: re.Match[str]) -> str:
        if m.start() and markdown[m.start() - 1] in "!\\]":
            return m.group(0)
        body = m.group("body")
        parts = body.split(";")
        keys = []
        for part in parts:
            found = KEY_RE.findall(part)
            if len(found) != 1:
                return m.group(0)  # not a citation cluster: "[write to me @ home]"
            keys.append(clean_key(found[0]))
        line = _line_of(markdown, m.start())
        missing = next((key for key in keys if key not in known), "")
        if missing and not lenient:
            raise UnknownKeyError(missing, line)
        clusters.append(Cluster(raw=m.group(0), keys=keys, line=line, missing=missing))
        return f"{MARK_OPEN}{len(clusters) - 1}{MARK_CLOSE}"

    text = BRACKET_RE.sub(bracket, markdown)

    def in_text(m: re.Match[str]) -> str:
        key = clean_key(m.group("key"))
        if key not in known or (m.start() and text[m.start() - 1] not in _IN_TEXT_AFTER):
            return m.group(0)
        clusters.append(Cluster(raw=m.group(0), keys=[key], line=_line_of(text, m.start())))
        return f"{MARK_OPEN}{len(clusters) - 1}{MARK_CLOSE}"

    text = IN_TEXT_RE.sub(in_text, text)
    return Extracted(text, clusters)
