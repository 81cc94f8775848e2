"""The Markdown converter: markdownify's, with the rules Masthead's Markdown needs.

Text stays text (nothing a platform's HTML holds may turn into Markdown, a citation or
a footnote when Masthead renders it), a captioned figure stays HTML, and images keep
their address in a form Markdown can hold.
"""

from __future__ import annotations

import re

from markdownify import ATX, BACKSLASH, MarkdownConverter

_ESCAPED = ("\\", "`", "*", "<", "[", "]")  # the backslash first
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_AT_KEY = re.compile(r"(?<![\w\\])@(?=\w)")
# A line that would start a heading, a list item or a quotation.
_LINE_START = re.compile(r"(^|\n)([ ]{0,3})(#{1,6}(?=\s|$)|[-+](?=\s)|>)")
_LINE_NUMBER = re.compile(r"(^|\n)([ ]{0,3}\d{1,9})([.)])(?=\s|$)")
_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


class Converter(MarkdownConverter):
    def __init__(self) -> None:
        super().__init__(heading_style=ATX, bullets="-", newline_style=BACKSLASH,
                         escape_underscores=False, escape_misc=False, autolinks=True,
                         strip=["span", "font", "u"], code_language="")

    def escape(self, text, parent_tags):
        """Text stays text: nothing in it may turn into Markdown, raw HTML, a citation
        (``@key``) or a footnote (``[^1]``) here."""
        if not text:
            return ""
        if "_noformat" in parent_tags:
            return text
        for ch in _ESCAPED:
            if ch in text:
                text = text.replace(ch, "\\" + ch)
        if "&" in text:
            text = _ENTITY_LIKE.sub(r"\\&", text)
        if "@" in text:
            text = _AT_KEY.sub(r"\\@", text)
        if "_" in text:
            text = _UNDERSCORE.sub(r"\\_", text)
        text = _LINE_START.sub(r"\1\2\\\3", text)
        return _LINE_NUMBER.sub(r"\1\2\\\3", text)

    def convert_figure(self, el, text, parent_tags):
        # A captioned image stays HTML: Markdown has no caption.
        if "figure-image" in (el.get("class") or []):
            return "\n\n" + str(el) + "\n\n"
        return text

    def convert_img(self, el, text, parent_tags):
        src = el.get("src") or el.get("data-src") or ""
        if not src or src.startswith("data:"):
            return ""
        alt = " ".join((el.get("alt") or "").split())
        title = el.get("title") or ""
        alt = alt.replace("[", "\\[").replace("]", "\\]")
        title_part = ' "{}"'.format(title.replace('"', '\\"')) if title else ""
        if "_inline" in parent_tags:
            return alt
        return f"![{alt}]({image_url(src)}{title_part})"


def image_url(src: str) -> str:
    """An image's address as Markdown holds it: no spaces or parentheses, a scheme."""
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    return src.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
