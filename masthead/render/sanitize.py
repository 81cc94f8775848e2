"""Raw HTML in posts and imports is hostile until cleaned (nh3, i.e. ammonia)."""

from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "picture", "pre", "q", "s", "samp", "section", "small", "source", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var", "wbr",
}
ATTRIBUTES = {
    "*": {"id", "class", "role", "lang", "dir", "title", "aria-label"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "decoding",
            "fetchpriority"},
    "source": {"type", "srcset", "sizes", "media", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "span": {"data-cites"},
    "input": {"type", "checked", "disabled"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}


URL_SCHEMES = {"http", "https", "mailto"}
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these inside a URL
_SOURCE_WITHOUT_SRCSET_RE = re.compile(r"<source\b(?![^>]*\bsrcset=)[^>]*>")


def srcset_allowed(value: str) -> bool:
    """Whether every address of a ``srcset`` passes the policy of ``src`` (relative, or
    one of :data:`URL_SCHEMES`): nh3 checks ``src`` but not ``srcset``. Each word with a
    colon is taken for an address, so one that hides in a descriptor is refused too."""
    for word in re.split(r"[\s,]+", value):
        m = _SCHEME_RE.match(_CONTROL_RE.sub("", word))
        if m and m.group(1).lower() not in URL_SCHEMES:
            return False
    return True


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "srcset" and not srcset_allowed(value):
        return None
    return value


def needs_cleaning(markdown: str) -> bool:
    """Whether rendered Markdown must go through :func:`clean` (most essays need not).

    What can smuggle markup or script into pulldown-cmark's output: raw HTML (and
    autolinks), character references (decoded inside link destinations), and URL schemes
    that run code. Markdown with none of these renders to HTML made only of our own tags.
    (Substring tests: a case-insensitive regex here cost more than the cleaning.)
    """
    if "<" in markdown or "&" in markdown:
        return True
    lowered = markdown.lower()
    return "script:" in lowered or "data:" in lowered


def clean(html: str) -> str:
    """Keep what writing needs (tables, figures, pictures, notes, citations); drop
    scripts, styles, event handlers, forms, frames and javascript: URLs (in ``srcset``
    too)."""
    with_srcset = "srcset" in html
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter if with_srcset else None,  # a callback an attribute
        url_schemes=URL_SCHEMES,
        link_rel=None,
        filter_style_properties={"text-align"},
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
    )
    # A <source> whose srcset was refused would be an empty choice: gone with it.
    return _SOURCE_WITHOUT_SRCSET_RE.sub("", cleaned) if "<source" in cleaned else cleaned
