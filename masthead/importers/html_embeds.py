"""Embeds (iframes, WordPress embed blocks, Substack and Ghost cards) become a paragraph
with a link to what was embedded, since a static site should not load other sites'
scripts."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag

_EMBED_HOSTS = {
    "www.youtube.com": "Video", "youtube.com": "Video", "www.youtube-nocookie.com": "Video",
    "player.vimeo.com": "Video", "open.spotify.com": "Audio", "w.soundcloud.com": "Audio",
    "embed.podcasts.apple.com": "Podcast", "www.google.com": "Map",
}


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:  # "http://[x": not an address at all
        return ""


def _embed_link(src: str) -> str:
    try:
        parts = urlsplit(src if not src.startswith("//") else "https:" + src)
    except ValueError:
        return src
    path = parts.path
    if "youtube" in parts.netloc and path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={path.split('/')[2]}"
    if parts.netloc == "player.vimeo.com" and path.startswith("/video/"):
        return f"https://vimeo.com/{path.split('/')[2]}"
    if parts.netloc == "w.soundcloud.com":
        url = parse_qs(parts.query).get("url")
        if url:
            return url[0]
    return parts.geturl()


def embeds(soup: BeautifulSoup) -> None:
    """Every embed of the soup replaced by a link to what it shows."""
    for frame in soup.find_all(["iframe", "embed", "object"]):
        src = frame.get("src") or frame.get("data") or frame.get("data-src") or ""
        if not src:
            frame.decompose()
            continue
        url = _embed_link(src)
        kind = _EMBED_HOSTS.get(_netloc(url), "Embedded")
        title = frame.get("title") or url
        _replace_with_link(soup, frame, url, f"{kind}: {title}" if title != url else url)
    # WordPress embed blocks: <figure class="wp-block-embed"><div class="...wrapper">URL</div>
    for fig in soup.select("figure.wp-block-embed, div.wp-block-embed"):
        wrapper = fig.select_one(".wp-block-embed__wrapper")
        url = (wrapper.get_text(strip=True) if wrapper else "").strip()
        if url.startswith(("http://", "https://")):
            caption = fig.find("figcaption")
            _replace_with_link(soup, fig, url, caption.get_text(" ", strip=True)
                               if caption else url)
    # Substack's and Ghost's embed cards keep the address in an attribute or a link.
    for card in soup.select("div.youtube-wrap, div.tweet, div.embedded-post-wrap, "
                            "figure.kg-embed-card, div.kg-embed-card"):
        link = card.find("a", href=True)
        url = link["href"] if link else ""
        if not url:
            data = card.get("data-attrs") or ""
            m = re.search(r'"(?:url|videoId)"\s*:\s*"([^"]+)"', data)
            if m:
                url = m.group(1)
                if "://" not in url:
                    url = f"https://www.youtube.com/watch?v={url}"
        if url:
            _replace_with_link(soup, card, url, url)
        elif card.get_text(strip=True) == "":
            card.decompose()


def _replace_with_link(soup: BeautifulSoup, node: Tag, url: str, words: str) -> None:
    p = soup.new_tag("p")
    a = soup.new_tag("a", href=url)
    a.string = words
    p.append(a)
    node.replace_with(p)
