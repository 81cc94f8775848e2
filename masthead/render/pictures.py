"""A post's stored images as ``<picture>``: AVIF and WebP where the reader's browser
takes them, every size in ``srcset``, the size on the tag so the page does not jump.

A writer's Markdown names one file, ``![a description](/media/2026/12/sea-1a2b3c4d-1600.jpg)``;
the sizes and formats are found at render time from what is stored (a
:class:`~masthead.content.image_variants.MediaLibrary`, or anything with its ``lookup``
and ``fingerprint``), so the text stays plain and a new format needs no edit of any
post. Given the same stored files the output is the same, and the render key folds in
the library's fingerprint (see :func:`masthead.render.engine.render_key`).

The first image of a body is what a reader sees first: it loads at once, with high
priority; every later one is lazy. An image that is not a stored upload (another
site's, a file not on disk), or that the writer gave a ``srcset`` in HTML, is left
exactly as it was.

An email is not a browser: :func:`for_email` gives plain ``<img>`` tags of one JPEG or
PNG of a width mail clients show well.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Protocol

from masthead.content.image_variants import Variants

SIZES = "(max-width: 45rem) 100vw, 45rem"  # the theme's measure; narrower screens: all
EMAIL_WIDTH = 600  # the column of the newsletter's template
_IMG_RE = re.compile(r"""<img\b((?:[^>"']|"[^"]*"|'[^']*')*?)\s*/?>""", re.I)
_ATTR_RE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+)))?')
_PICTURE_RE = re.compile(r"<picture\b[^>]*>(.*?)</picture>", re.I | re.S)
_BROWSER_ONLY = ("srcset", "sizes", "loading", "decoding", "fetchpriority")
_KEPT = ("alt", "title", "id", "class", "lang", "dir")  # what a writer's tag may keep


class Library(Protocol):
    fingerprint: str

    def lookup(self, address: str) -> Variants | None: ...


def _attributes(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR_RE.finditer(text):
        value = next((v for v in m.groups()[1:] if v is not None), "")
        out.setdefault(m.group(1).lower(), htmllib.unescape(value))
    return out


def _tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = "".join(f" {k}" if v is None else f' {k}="{htmllib.escape(v)}"'
                    for k, v in attrs)
    return f"<{name}{parts}>"


def _srcset(files: tuple[tuple[int, str], ...]) -> str:
    return ", ".join(f"/media/{rel} {w}w" for w, rel in files)


def _inside_picture(html: str, at: int) -> bool:
    return html.rfind("<picture", 0, at) > html.rfind("</picture>", 0, at)


def apply(html: str, library: Library | None) -> str:
    """Every ``<img>`` of a stored image as a ``<picture>`` of its sizes and formats;
    the first image of the body eager, the others lazy."""
    if library is None or "<img" not in html:
        return html
    seen = [0]

    def one(m: re.Match[str]) -> str:
        first = seen[0] == 0
        seen[0] += 1
        attrs = _attributes(m.group(1))
        if "srcset" in attrs or _inside_picture(html, m.start()):
            return m.group(0)  # the writer's own choice of sizes, kept
        found = library.lookup(attrs.get("src", ""))
        if found is None:
            return m.group(0)
        return picture(found, attrs, first)

    return _IMG_RE.sub(one, html)


def picture(v: Variants, attrs: dict[str, str], first: bool) -> str:
    """One image's ``<picture>``: a ``<source>`` a modern format, then the ``<img>`` of
    the original's format (a width near the measure as ``src``, for browsers without
    ``srcset``)."""
    sources = "".join(_tag("source", [("type", kind), ("srcset", _srcset(files)),
                                      ("sizes", SIZES)])
                      for kind, files in v.modern)
    default = next((f for f in v.fallback if f[0] >= 960), v.fallback[-1])
    img = [(k, attrs[k]) for k in _KEPT if k in attrs and k != "alt"]
    img = [("src", f"/media/{default[1]}"), ("srcset", _srcset(v.fallback)),
           ("sizes", SIZES), ("width", str(v.width)), ("height", str(v.height)),
           ("alt", attrs.get("alt", "")), *img]
    img += [("fetchpriority", "high")] if first else [("loading", "lazy")]
    img.append(("decoding", "async"))
    return f"<picture>{sources}{_tag('img', img)}</picture>"


def plain(html: str) -> str:
    """Each ``<picture>`` as its ``<img>`` alone, with its ``src`` (a size near the
    measure) and no choices: for feed readers and mail clients, which make none."""

    def one(m: re.Match[str]) -> str:
        img = _IMG_RE.search(m.group(1))
        if img is None:
            return ""
        attrs = _attributes(img.group(1))
        return _tag("img", [(k, v) for k, v in attrs.items() if k not in _BROWSER_ONLY])

    return _PICTURE_RE.sub(one, html)


def for_email(html: str, library: Library | None, width: int = EMAIL_WIDTH) -> str:
    """Plain ``<img>`` tags, as mail clients show them: ``<picture>`` and its sources
    gone, each stored image one file of the original's format, the narrowest at least
    twice ``width`` (sharp on a phone), sized to ``width`` or less."""
    html = plain(html)
    if library is None or "<img" not in html:
        return html

    def one(m: re.Match[str]) -> str:
        attrs = _attributes(m.group(1))
        v = library.lookup(attrs.get("src", ""))
        if v is None:
            return m.group(0)
        chosen = next((f for f in v.fallback if f[0] >= 2 * width), v.fallback[-1])
        shown = min(width, v.width)
        kept = [(k, attrs[k]) for k in _KEPT if k in attrs and k != "alt"]
        return _tag("img", [("src", f"/media/{chosen[1]}"), ("width", str(shown)),
                            ("height", str(max(1, round(v.height * shown / v.width)))),
                            ("alt", attrs.get("alt", "")), *kept])

    return _IMG_RE.sub(one, html)
