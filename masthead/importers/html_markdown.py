"""HTML from other platforms to the Markdown Masthead stores, keeping what long-form
writing needs.

markdownify (on BeautifulSoup) does the general conversion; before it, the HTML is
tidied into what our Markdown can say:

- footnotes, whichever way the platform marks them (WordPress's footnotes block and
  plugins, Substack's, Ghost's and Pandoc's ``section.footnotes``, hand-made
  ``<sup><a href="#fn1">``), become ``[^1]`` references and definitions at the end;
- a quotation's attribution (``<cite>`` or ``<footer>`` inside a blockquote, the
  pullquote block's caption) becomes the last line ``— Name``, as Masthead writes them;
- an image with a caption (``<figure>``, Blogger's caption table, WordPress's
  ``[caption]``) stays a ``<figure>`` with its ``<figcaption>`` (sanitised when
  rendered), other images become ``![alt](src)``;
- embeds (iframes, WordPress embed blocks, Substack and Ghost cards) become a paragraph
  with a link to what was embedded, since a static site should not load other sites'
  scripts;
- WordPress's block comments go, its classic-editor line breaks become paragraphs, and
  its shortcodes are read or reported.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import ATX, BACKSLASH, MarkdownConverter

from masthead.importers.html_bounds import MAX_DEPTH, flatten, table_spans


@dataclass
class Conversion:
    markdown: str
    warnings: list[str] = field(default_factory=list)


_ESCAPED = ("\\", "`", "*", "<", "[", "]")  # the backslash first
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_AT_KEY = re.compile(r"(?<![\w\\])@(?=\w)")
# A line that would start a heading, a list item or a quotation.
_LINE_START = re.compile(r"(^|\n)([ ]{0,3})(#{1,6}(?=\s|$)|[-+](?=\s)|>)")
_LINE_NUMBER = re.compile(r"(^|\n)([ ]{0,3}\d{1,9})([.)])(?=\s|$)")
_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


class _Converter(MarkdownConverter):
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
        return f"![{alt}]({_url(src)}{title_part})"


def _url(src: str) -> str:
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    return src.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# --- before markdownify -------------------------------------------------------------

_NOTE_REF_TEXT = re.compile(r"^\s*[\[(]?\s*(\d{1,3}|[*†‡§]|[ivxlc]{1,6})\s*[\])]?\s*$", re.I)
_BACKLINK_TEXT = re.compile(r"^\s*(↩|↩︎|\^|↑|⤴|back|return)\s*$", re.I)


def _note_target(targets: dict[str, Tag], ref: Tag) -> Tag | None:
    """The element a footnote reference points at, if it looks like a note."""
    href = ref.get("href") or ""
    if not href.startswith("#") or len(href) < 2:
        return None
    if not _NOTE_REF_TEXT.match(ref.get_text()):
        return None
    target = targets.get(href[1:])
    if target is None or target is ref or ref in target.parents:
        return None
    return target


def _note_body(target: Tag) -> Tag:
    """The element that holds a note's words: the list item or paragraph around a bare
    anchor, else the target itself."""
    if target.name == "a" and not target.get_text(strip=True).strip("[]()0123456789 "):
        # Substack: <div class="footnote"><a id="footnote-1">1</a><div>words</div></div>
        for depth, parent in enumerate(target.parents):
            classes = " ".join(parent.get("class") or [])
            if depth < 3 and "footnote" in classes and "footnotes" not in classes:
                return parent
        # <a name="fn1">[1]</a> text...: the paragraph (or list item) it starts.
        for parent in target.parents:
            if parent.name in ("li", "p", "div"):
                return parent
    return target


def _footnotes(soup: BeautifulSoup) -> list[tuple[str, Tag]]:
    """Replace note references with markers; return (marker, note element) in order."""
    notes: list[tuple[str, Tag]] = []
    seen: dict[int, str] = {}
    targets: dict[str, Tag] = {}
    for el in soup.find_all(attrs={"name": True}):
        if el.name == "a":
            targets.setdefault(el["name"], el)
    for el in soup.find_all(id=True):
        targets[el["id"]] = el
    for ref in list(soup.find_all("a", href=True)):
        if ref.parent is None:
            continue
        target = _note_target(targets, ref)
        if target is None:
            continue
        body = _note_body(target)
        if id(body) in seen:
            marker = seen[id(body)]
        else:
            marker = f"MASTHEADNOTE{len(notes) + 1}X"
            seen[id(body)] = marker
            notes.append((marker, body))
        anchor = ref.parent if ref.parent.name == "sup" and \
            ref.parent.get_text(strip=True) == ref.get_text(strip=True) else ref
        anchor.replace_with(NavigableString(marker))
    for _, body in notes:
        # Back-links (↩, or links to a reference id) and the note's own number go.
        for a in list(body.find_all("a", href=True)):
            if _BACKLINK_TEXT.match(a.get_text()) or "backref" in " ".join(a.get("class", [])) \
                    or "footnote-number" in " ".join(a.get("class", [])):
                a.decompose()
        for a in list(body.find_all("a")):
            if not a.get("href") and _NOTE_REF_TEXT.match(a.get_text() or "x"):
                a.decompose()
    return notes


def _remove_note_containers(notes: list[tuple[str, Tag]]) -> None:
    for _, body in notes:
        parent = body.parent
        body.extract()
        # An emptied list, section or div that only held notes goes too (with its heading).
        while parent is not None and parent.name in ("ol", "ul", "section", "div", "aside",
                                                      "footer") and not parent.get_text(
                strip=True).replace("Notes", "").replace("Footnotes", ""):
            nxt = parent.parent
            parent.decompose()
            parent = nxt


def _attributions(soup: BeautifulSoup) -> None:
    for quote in soup.find_all("blockquote"):
        cite = None
        for candidate in quote.find_all(["cite", "footer", "figcaption"]):
            # The attribution is the quote's last element; a <cite> inside a sentence is
            # a title.
            rest = "".join(str(s) for s in candidate.next_siblings).strip()
            if not rest:
                cite = candidate
        if cite is None and quote.parent is not None and quote.parent.name == "figure":
            cite = quote.parent.find("figcaption")
        if cite is None:
            continue
        who = " ".join(cite.get_text(" ").split()).lstrip("—–- ").strip()
        cite.decompose()
        if who:
            line = soup.new_tag("p")
            line.string = f"— {who}"
            quote.append(line)


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


def _embeds(soup: BeautifulSoup) -> None:
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


def _captioned_images(soup: BeautifulSoup) -> None:
    """Blogger's caption tables become figures; figures keep only an image and caption."""
    for table in soup.select("table.tr-caption-container"):
        img = table.find("img")
        caption = table.select_one(".tr-caption")
        if img is None:
            continue
        _make_figure(soup, table, img, caption.get_text(" ", strip=True) if caption else "",
                     link=img.parent.get("href") if img.parent.name == "a" else "")
    for fig in soup.find_all("figure"):
        if fig.find("blockquote"):
            continue
        img = fig.find("img")
        caption = fig.find("figcaption")
        if img is None or caption is None or not caption.get_text(strip=True):
            continue
        _make_figure(soup, fig, img, caption.get_text(" ", strip=True))


def _make_figure(soup: BeautifulSoup, node: Tag, img: Tag, caption: str, link: str = "") -> None:
    src = img.get("src") or img.get("data-src") or ""
    # Blogger links a thumbnail to the full size: keep the larger one.
    if link and re.search(r"\.(jpe?g|png|gif|webp)$", link, re.I):
        src = link
    fig = soup.new_tag("figure", attrs={"class": "figure-image"})
    new_img = soup.new_tag("img", src=_url(src), alt=" ".join((img.get("alt") or "").split()))
    fig.append(new_img)
    if caption:
        cap = soup.new_tag("figcaption")
        cap.string = caption
        fig.append(cap)
    node.replace_with(fig)


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre",
           "table", "figure", "hr", "section", "article", "aside", "header", "footer", "dl"}


def _paragraphs_from_breaks(soup: BeautifulSoup) -> None:
    """Blogger (and hand-written HTML) separate paragraphs with <br><br> and leave text
    loose beside blocks: make real paragraphs of every run of inline content."""
    containers = [soup, *soup.find_all(["div", "td", "blockquote", "section", "article",
                                        "li"])]
    for box in containers:
        kids = list(box.children)
        has_block = any(isinstance(k, Tag) and k.name in _BLOCKS for k in kids)
        brs = sum(1 for k in kids if isinstance(k, Tag) and k.name == "br")
        if not has_block and brs < 2 and box is not soup:
            continue
        if box.name == "li" and not has_block and brs < 2:
            continue
        runs: list[list] = [[]]
        pending_breaks = 0
        for k in kids:
            if isinstance(k, Tag) and k.name == "br":
                pending_breaks += 1
                runs[-1].append(k)
                continue
            if isinstance(k, Tag) and k.name in _BLOCKS:
                runs.append([k])
                runs.append([])
                pending_breaks = 0
                continue
            if pending_breaks >= 2 or (pending_breaks and not _has_words(runs[-1][:-1])):
                # Drop the breaks that ended the run; start a new paragraph.
                while runs[-1] and isinstance(runs[-1][-1], Tag) and runs[-1][-1].name == "br":
                    runs[-1].pop().extract()
                runs.append([])
            elif isinstance(k, NavigableString) and not k.strip() and not runs[-1]:
                continue
            pending_breaks = 0
            runs[-1].append(k)
        if len([r for r in runs if r]) <= 1 and box is not soup and not has_block:
            continue
        for run in runs:
            while run and isinstance(run[-1], Tag) and run[-1].name == "br":
                run.pop().extract()
            while run and isinstance(run[0], Tag) and run[0].name == "br":
                run.pop(0).extract()
            if not run or (len(run) == 1 and isinstance(run[0], Tag) and run[0].name in _BLOCKS):
                continue
            if not _has_words(run):
                continue
            p = soup.new_tag("p")
            run[0].insert_before(p)
            for k in run:
                p.append(k.extract())


def _trailing_breaks(soup: BeautifulSoup) -> None:
    """A <br> that ends a paragraph or a quotation only adds a stray line break."""
    for br in soup.find_all("br"):
        nxt = br.next_sibling
        while isinstance(nxt, NavigableString) and not nxt.strip():
            nxt = nxt.next_sibling
        if nxt is None and br.parent is not None and br.parent.name in _BLOCKS | {"li", "td"}:
            br.decompose()


def _has_words(run: list) -> bool:
    return any((isinstance(k, NavigableString) and k.strip()) or
               (isinstance(k, Tag) and k.name != "br") for k in run)


_JUNK_RE = re.compile(r"<(script|style|noscript|form|button|input)\b", re.I)
_EMBED_RE = re.compile(r"<(iframe|embed|object)\b|wp-block-embed|youtube-wrap|"
                       r"class=\"tweet|embedded-post-wrap|kg-embed-card", re.I)
_LOOSE_TEXT_RE = re.compile(r"\s*[^<\s]")  # text before any element: Blogger's bare bodies


# --- WordPress specifics --------------------------------------------------------------

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


# --- the conversion ----------------------------------------------------------------------

def to_markdown(html: str, *, wordpress: bool = False) -> Conversion:
    """Markdown for an HTML body; ``wordpress`` also reads block comments, classic-editor
    paragraphs and shortcodes."""
    warnings: list[str] = []
    if wordpress:
        html = _BLOCK_COMMENT.sub("", html)
        html = shortcodes(html, warnings)
        html = autop(html)
    soup = BeautifulSoup(html, "html.parser")
    if flatten(soup):
        warnings.append(f"its HTML was nested more than {MAX_DEPTH} elements deep; what was "
                        "deeper is kept as plain text")
    if "span" in html:
        table_spans(soup)
    # Each step looks at the source first: most bodies have none of what it mends, and
    # a tree search costs more than a substring test (a 50,000-post import does many).
    if "<!--" in html:
        for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
            c.extract()
    if _JUNK_RE.search(html):
        for junk in soup.find_all(["script", "style", "noscript", "form", "button", "input"]):
            junk.decompose()
    if "-wrap" in html or "share-dialog" in html or "kg-signup-card" in html:
        # Platforms' calls to action (Substack's subscribe/share/comment buttons and widgets).
        for junk in soup.select("p.button-wrapper, div.subscription-widget-wrap, "
                                "div.subscription-widget-wrap-editor, "
                                "div.captioned-button-wrap, div.share-dialog, "
                                "div.kg-signup-card"):
            junk.decompose()
    if _EMBED_RE.search(html):
        _embeds(soup)
    if "<br" in html or _LOOSE_TEXT_RE.match(html):
        _paragraphs_from_breaks(soup)
    notes = _footnotes(soup) if 'href="#' in html or "href='#" in html else []
    _remove_note_containers(notes)
    if "<blockquote" in html:
        _attributions(soup)
    if "<figure" in html or "tr-caption" in html:
        _captioned_images(soup)
    if "<br" in html:
        _trailing_breaks(soup)
    converter = _Converter()
    body = _convert(converter, soup)
    definitions = []
    for n, (marker, note) in enumerate(notes, start=1):
        text = _convert(converter, note).strip()
        text = re.sub(r"^\s*[\[(]?\d{1,3}[\])]?[.:]?\s+", "", text)  # a typed-in number
        lines = text.splitlines() or [""]
        definitions.append(f"[^{n}]: " + "\n".join(
            [lines[0]] + [("    " + line if line else "") for line in lines[1:]]))
        body = body.replace(marker, f"[^{n}]")
    markdown = body.strip() + ("\n\n" + "\n\n".join(definitions) if definitions else "")
    return Conversion(markdown=_tidy(markdown) + "\n", warnings=warnings)


def _convert(converter: _Converter, node: Tag) -> str:
    if isinstance(node, BeautifulSoup):
        return converter.convert_soup(node)
    node.name = "div"  # a note's list item or paragraph: only its contents
    return converter.process_tag(node, parent_tags=set())


def _tidy(markdown: str) -> str:
    text = markdown.replace("\xa0", " ")
    text = re.sub(r"\n>\n> ([—―])", r"\n> \1", text)  # "> words\n> — Who", as Masthead writes
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
