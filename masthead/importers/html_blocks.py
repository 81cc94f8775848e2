"""Blocks Masthead's Markdown writes its own way: a quotation's attribution, a captioned
image, paragraphs made of line breaks.

- a quotation's attribution (``<cite>`` or ``<footer>`` inside a blockquote, the
  pullquote block's caption) becomes the last line ``— Name``, as Masthead writes them;
- an image with a caption (``<figure>``, Blogger's caption table) stays a ``<figure>``
  with its ``<figcaption>`` (sanitised when rendered);
- runs of text separated by ``<br><br>`` (Blogger, hand-written HTML) become paragraphs.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from masthead.importers.html_converter import image_url


def attributions(soup: BeautifulSoup) -> None:
    """A quotation's attribution as its last line, ``— Name``."""
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


def captioned_images(soup: BeautifulSoup) -> None:
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
    new_img = soup.new_tag("img", src=image_url(src), alt=" ".join((img.get("alt") or "").split()))
    fig.append(new_img)
    if caption:
        cap = soup.new_tag("figcaption")
        cap.string = caption
        fig.append(cap)
    node.replace_with(fig)


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre",
           "table", "figure", "hr", "section", "article", "aside", "header", "footer", "dl"}


def paragraphs_from_breaks(soup: BeautifulSoup) -> None:
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


def trailing_breaks(soup: BeautifulSoup) -> None:
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
