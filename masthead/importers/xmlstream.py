"""Reading other platforms' XML exports: safely, in bounded memory, forgiving what can be
forgiven.

defusedxml refuses entity expansion, DTDs with entities and external references (an
export is hostile until checked). Elements are handed over one ``<item>`` or ``<entry>``
at a time and cleared afterwards, so a 50,000-post export costs what one post costs.

Real exports are not always well-formed: WordPress has written bare ``&`` in URLs and
HTML entities such as ``&nbsp;`` outside CDATA, and Blogger exports use ``app:``,
``thr:``, ``gd:`` and others without declaring them. Those are repaired on the way in
(a bare ``&`` becomes ``&amp;``, an HTML entity its character, a known prefix is
declared on the root element) and each repair is reported with its line; anything else
that is not XML stops the import with the file, the line and what was expected.
"""

from __future__ import annotations

import html.entities
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from masthead.errors import MastheadError

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# An ampersand and what follows it, up to the end of a possible entity reference.
_AMP_RE = re.compile(rb"&(#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]{0,31};?)?")
_CDATA_OPEN, _CDATA_CLOSE = b"<![CDATA[", b"]]>"


class ExportFileError(MastheadError):
    """A file that cannot be read as the export it should be."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass
class Repairs:
    """What was repaired in a file, for the import's summary."""

    lines: list[int] = field(default_factory=list)
    what: list[str] = field(default_factory=list)

    def add(self, line: int, what: str) -> None:
        self.lines.append(line)
        self.what.append(what)

    def __len__(self) -> int:
        return len(self.lines)

    def summary(self, path: Path, limit: int = 5) -> list[str]:
        shown = [f"{path}, line {n}: {w}" for n, w in zip(self.lines[:limit], self.what,
                                                          strict=False)]
        if len(self.lines) > limit:
            shown.append(f"{path}: {len(self.lines) - limit} more like these")
        return shown


class _Repairing(io.RawIOBase):
    """A binary stream that mends bare ``&`` and HTML entities outside CDATA sections,
    and declares on the root element the usual prefixes a file uses undeclared."""

    def __init__(self, raw: io.BufferedReader, repairs: Repairs, chunk: int = 1 << 16,
                 progress: Callable[[int], None] | None = None,
                 prefixes: dict[str, str] | None = None):
        self.raw, self.repairs, self.chunk, self.progress = raw, repairs, chunk, progress
        self.pending = b""  # read, not yet mended (may end inside a construct)
        self.out = b""
        self.line = 1
        self.in_cdata = False
        self.eof = False
        self.prefixes = prefixes or {}
        self.head = bool(self.prefixes)  # still to find the root's start tag
        self.undeclared: dict[bytes, str] = {}  # declared here; reported where first used

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self.out and not (self.eof and not self.pending):
            self._fill()
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        self.out = self.out[n:]
        return n

    def _fill(self) -> None:
        data = self.raw.read(self.chunk)
        if not data:
            self.eof = True
        elif self.progress is not None:
            self.progress(len(data))
        text = self.pending + data
        if self.head:
            end = _root_tag_end(text)
            if end is None and not self.eof and len(text) < _HEAD_LIMIT:
                self.pending = text  # the root's start tag is not all here yet
                return
            self.head = False
            if end is not None:
                text = self._declare(text, end)
        cut = len(text) if self.eof else _safe_cut(text)
        line = self.line
        self.out += self._mend(text[:cut])
        if self.undeclared:
            self._report_prefixes(text[:cut], line)
        self.pending = text[cut:]

    def _declare(self, text: bytes, end: int) -> bytes:
        """Declare, on the root element ending at ``end``, the known prefixes it lacks."""
        tag = text[:end]
        start = max(tag.rfind(b"<"), 0)
        declared = set(re.findall(rb"xmlns:([\w.-]+)\s*=", tag[start:]))
        extra = b""
        for prefix, uri in self.prefixes.items():
            name = prefix.encode()
            if name not in declared:
                extra += b' xmlns:' + name + b'="' + uri.encode() + b'"'
                self.undeclared[name] = uri
        if tag.endswith(b"/"):
            end -= 1
        return text[:end] + extra + text[end:]

    def _report_prefixes(self, text: bytes, line: int) -> None:
        found = []
        for name, uri in list(self.undeclared.items()):
            m = re.search(rb"[<\s/]" + re.escape(name) + rb":[\w-]", text)
            if m is not None:
                del self.undeclared[name]
                found.append((line + text.count(b"\n", 0, m.start()), name.decode(), uri))
        for at, name, uri in sorted(found):
            self.repairs.add(at, f"the prefix {name}: was not declared; read as {uri}")

    def _mend(self, text: bytes) -> bytes:
        parts = []
        pos = 0
        while pos < len(text):
            if self.in_cdata:
                end = text.find(_CDATA_CLOSE, pos)
                if end < 0:  # the section goes on past this piece
                    parts.append(text[pos:])
                    self.line += text.count(b"\n", pos)
                    return b"".join(parts)
                end += len(_CDATA_CLOSE)
                parts.append(text[pos:end])
                self.line += text.count(b"\n", pos, end)
                self.in_cdata = False
                pos = end
                continue
            start = text.find(_CDATA_OPEN, pos)
            stop = len(text) if start < 0 else start
            parts.append(self._mend_text(text[pos:stop]))
            if start < 0:
                break
            self.in_cdata = True
            pos = start
        return b"".join(parts)

    def _mend_text(self, text: bytes) -> bytes:
        if b"&" not in text:
            self.line += text.count(b"\n")
            return text
        out = []
        last = 0
        for m in _AMP_RE.finditer(text):
            ref = m.group(1) or b""
            if ref.startswith(b"#") or (ref.endswith(b";") and ref[:-1].decode() in _XML_ENTITIES):
                continue
            line = self.line + text.count(b"\n", 0, m.start())
            out.append(text[last:m.start()])
            name = ref[:-1].decode() if ref.endswith(b";") else ""
            if name in html.entities.name2codepoint:
                out.append(f"&#{html.entities.name2codepoint[name]};".encode())
                self.repairs.add(line, f"the HTML entity &{name}; was read as its character")
                last = m.end()
            else:
                out.append(b"&amp;")
                self.repairs.add(line, "a bare '&' was read as text")
                last = m.start() + 1
        out.append(text[last:])
        self.line += text.count(b"\n")
        return b"".join(out)


def _safe_cut(text: bytes) -> int:
    """Where a piece may end without splitting "&entity;", "<![CDATA[" or "]]>": before
    any of their first characters among the last few bytes."""
    cut = len(text)
    for mark, reach in ((b"&", 34), (b"<", len(_CDATA_OPEN)), (b"]", len(_CDATA_CLOSE))):
        found = text.rfind(mark, max(0, len(text) - reach))
        if found >= 0:
            cut = min(cut, found)
    return cut


_HEAD_LIMIT = 1 << 20  # bytes before the root element: a prolog is never longer


def _root_tag_end(text: bytes) -> int | None:
    """Where the root element's start tag closes (the index of its ``>``), past the XML
    declaration, comments, processing instructions and a doctype; None if not here."""
    pos = 0
    while True:
        pos = text.find(b"<", pos)
        if pos < 0 or pos + 1 >= len(text):
            return None
        if text.startswith(b"<?", pos):
            close, step = text.find(b"?>", pos), 2
        elif text.startswith(b"<!--", pos):
            close, step = text.find(b"-->", pos), 3
        elif text.startswith(b"<!", pos):
            close, step = text.find(b">", pos), 1
        else:
            quote = None
            for i in range(pos + 1, len(text)):
                c = text[i:i + 1]
                if quote:
                    if c == quote:
                        quote = None
                elif c in (b'"', b"'"):
                    quote = c
                elif c == b">":
                    return i
            return None
        if close < 0:
            return None
        pos = close + step


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def stream(path: Path, items: set[str], *, expect: str, root_names: set[str],
           repairs: Repairs, progress: Callable[[int], None] | None = None,
           prefixes: dict[str, str] | None = None) -> Iterator[tuple[Element, Element]]:
    """Yield (root, element) for every element named in ``items`` (by local name) that
    is a child of the root or of its first level (``<rss><channel><item>``,
    ``<feed><entry>``). The element is cleared once the caller moves on. ``expect``
    names the export in errors ("a WordPress export (WXR)"); ``progress`` hears how
    many bytes were read; ``prefixes`` (prefix -> namespace) are declared on the root
    element when the file uses them without declaring them."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ExportFileError(path, f"cannot read it ({exc.strerror})") from None
    source = io.BufferedReader(_Repairing(raw, repairs, progress=progress, prefixes=prefixes))
    depth = 0
    root: Element | None = None
    parents: list[Element] = []
    try:
        with raw:
            for event, elem in iterparse(source, events=("start", "end"), forbid_dtd=False,
                                         forbid_entities=True, forbid_external=True):
                if event == "start":
                    depth += 1
                    if root is None:
                        root = elem
                        if local(elem.tag) not in root_names:
                            raise ExportFileError(
                                path, f"expected {expect}, but the file starts with "
                                f"<{local(elem.tag)}>", 1)
                    parents.append(elem)
                    continue
                depth -= 1
                parents.pop()
                if depth <= 2 and local(elem.tag) in items:
                    yield root, elem  # type: ignore[misc]
                    if parents:
                        parents[-1].remove(elem)
                    elem.clear()
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":")[0]
        if message == "no element found" or "unclosed token" in message:
            raise ExportFileError(path, f"the file ends too soon: expected {expect} to go on "
                                  "(is it truncated?)", line) from None
        raise ExportFileError(path, f"not well-formed XML at column {column + 1} "
                              f"({message}); expected {expect}", line) from None
    except DefusedXmlException as exc:
        raise ExportFileError(path, f"refused: the file declares entities or external "
                              f"references, which an export never needs ({exc})") from None
    if root is None:
        raise ExportFileError(path, f"the file is empty; expected {expect}")


def text(elem: Element | None, name: str = "", ns: str = "") -> str:
    """The text of a child (by namespace and local name), or of the element itself."""
    if elem is None:
        return ""
    if name:
        elem = elem.find(f"{{{ns}}}{name}" if ns else name)
        if elem is None:
            return ""
    return (elem.text or "").strip()
