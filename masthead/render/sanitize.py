"""Raw HTML in posts and imports is hostile until cleaned (nh3, i.e. ammonia)."""

from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var", "wbr",
}
ATTRIBUTES = {
    "*": {"id", "class", "role", "lang", "dir", "title", "aria-label"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "span": {"data-cites"},
    "input": {"type", "checked", "disabled"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}


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
    """Keep what writing needs (tables, figures, notes, citations); drop scripts, styles,
    event handlers, forms, frames and javascript: URLs."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        filter_style_properties={"text-align"},
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
    )
