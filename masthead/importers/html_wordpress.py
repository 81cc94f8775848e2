"""WordPress's own markup: block comments, the classic editor's paragraphs (blank
lines, not ``<p>``) and shortcodes, which are read or reported."""

from __future__ import annotations

import html as htmllib
import re

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_BLOCK_TAGS = re.compile(r"<(p|div|h[1-6]|ul|ol|blockquote|pre|table|figure|hr|section)\b",
                         re.I)
_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z_][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?", re.S)
_ATTR = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')


def autop(text: str) -> str:
    """WordPress's classic editor stores paragraphs as blank lines, not <p> (wpautop)."""
    if _BLOCK_TAGS.search(text) and "\n\n" not in text:
        return text
    out = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_TAGS.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def shortcodes(text: str, warnings: list[str]) -> str:
    """Read the shortcodes a writer's text can hold; report the ones we cannot."""

    def attrs(raw: str) -> dict[str, str]:
        return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
                for m in _ATTR.finditer(raw or "")}

    def one(m: re.Match) -> str:
        name, a, inner = m.group("name").lower(), attrs(m.group("attrs")), m.group("inner")
        if name in ("caption", "wp_caption"):
            body = inner or ""
            img = re.search(r"<img\b[^>]*>", body)
            caption = htmllib.unescape(re.sub(r"<[^>]+>", "", body[img.end():] if img else body)
                                       ).strip() or a.get("caption", "")
            if img is None:
                return body
            return (f'<figure class="figure-image">{img.group(0)}<figcaption>'
                    f"{htmllib.escape(caption)}</figcaption></figure>")
        if name in ("embed", "youtube", "vimeo", "video", "audio", "soundcloud"):
            url = (inner or "").strip() or a.get("src") or a.get("url") or a.get("mp4") or \
                a.get("mp3") or next((v for k, v in a.items() if v.startswith("http")), "")
            if not url and m.group("attrs", ).strip().startswith(("http", "=")):
                url = m.group("attrs").strip().lstrip("=")
            if url:
                return f'<p><a href="{htmllib.escape(url)}">{htmllib.escape(url)}</a></p>'
            return ""
        if name == "gallery":
            warnings.append("a [gallery] shortcode was left out (its images are attachments)")
            return ""
        if name in ("more", "nextpage"):
            return ""
        if not re.fullmatch(r"[a-z_][a-z0-9_-]*", name) or name.isdigit():
            return m.group(0)
        warnings.append(f"the shortcode [{name}] is not understood; its text was kept")
        return inner or ""

    if "[" not in text:
        return text
    return _SHORTCODE.sub(one, text)


def prepare(html: str, warnings: list[str]) -> str:
    """A WordPress body as plain HTML: block comments gone, shortcodes read, classic-editor
    paragraphs made ``<p>``."""
    html = _BLOCK_COMMENT.sub("", html)
    html = shortcodes(html, warnings)
    return autop(html)
