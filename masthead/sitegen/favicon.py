"""The site's icon: /favicon.svg and /favicon.ico.

By default both show the site's initials ("The Long Margin": "LM") in the theme's
colours, read from its style.css (``--accent`` and ``--bg``), so a site that restyles
the theme gets an icon in its own colours. A site replaces either by putting its own
``favicon.svg`` or ``favicon.ico`` in its folder's ``static/`` (copied as it is); given
only an .ico, the SVG shows that picture too, so the two never disagree. Browsers ask
for /favicon.ico whatever the page says: it is always there, never a 404.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from masthead.sitegen.plan.core import Planner

ACCENT, BACKGROUND = "#1b4f8a", "#fdfcf8"  # the default theme's, if style.css has none
_LEADING_ARTICLES = {"the", "a", "an", "le", "la", "les", "der", "die", "das", "el", "il"}
_COLOUR_RE = r"--{name}\s*:\s*(#[0-9a-fA-F]{{3,8}})\b"


def initials(title: str) -> str:
    """One or two capitals from a title: the first letters of its first two words,
    leaving out a leading article ("The Long Margin": "LM"; "Masthead": "M")."""
    words = re.findall(r"\w+", title)
    if len(words) > 1 and words[0].lower() in _LEADING_ARTICLES:
        words = words[1:]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "·"


def colours(style_css: str) -> tuple[str, str]:
    """(accent, background) from a stylesheet's first --accent and --bg (light scheme)."""
    def find(name: str, default: str) -> str:
        m = re.search(_COLOUR_RE.format(name=name), style_css)
        return m.group(1) if m else default
    return find("accent", ACCENT), find("bg", BACKGROUND)


def initials_svg(title: str, accent: str, background: str) -> bytes:
    letters = initials(title)
    size = 34 if len(letters) > 1 else 42
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="{accent}"/>'
        f'<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="{background}" '
        f'font-family="Georgia, \'Times New Roman\', serif" font-weight="700" '
        f'font-size="{size}">{escape(letters)}</text></svg>\n'
    ).encode()


def initials_ico(title: str, accent: str, background: str) -> bytes:
    """The same picture as an .ico (16, 32 and 48 pixels), drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    letters, side = initials(title), 192
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=36, fill=accent)
    font = ImageFont.load_default(size=100 if len(letters) > 1 else 124)
    draw.text((side / 2, side / 2), letters, fill=background, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


def svg_showing(ico: bytes) -> bytes:
    """An SVG that shows a site's own .ico (its largest picture), for browsers that
    prefer the SVG icon."""
    from PIL import Image

    png = io.BytesIO()
    with Image.open(io.BytesIO(ico)) as picture:
        picture.save(png, format="PNG")
    data = base64.b64encode(png.getvalue()).decode()
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            f'<image width="64" height="64" href="data:image/png;base64,{data}"/></svg>\n'
            ).encode()


def favicons(planner: Planner) -> None:
    """Plan /favicon.svg and /favicon.ico: the site's own, or made from its initials."""
    static = planner.theme.static_files
    own_svg, own_ico = static.get("favicon.svg"), static.get("favicon.ico")
    style = static.get("style.css")
    title = planner.site.title

    def theme_colours() -> tuple[str, str]:
        return colours(style.read_text(encoding="utf-8")) if style else (ACCENT, BACKGROUND)

    def made(path: Path | None) -> str:
        return planner.theme.static_version(path.name) if path else "initials"

    def svg() -> bytes:
        if own_svg:
            return own_svg.read_bytes()
        if own_ico:
            return svg_showing(own_ico.read_bytes())
        return initials_svg(title, *theme_colours())

    def ico() -> bytes:
        return own_ico.read_bytes() if own_ico else initials_ico(title, *theme_colours())

    styled = planner.theme.static_version("style.css")
    planner.file("favicon.svg", ("favicon.svg", made(own_svg), made(own_ico), styled), svg)
    planner.file("favicon.ico", ("favicon.ico", made(own_ico), styled), ico)
