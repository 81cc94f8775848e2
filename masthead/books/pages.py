"""The XHTML pages of an EPUB besides the chapters' text: cover, title page, contents
(the navigation document), part pages, each chapter's frame and the bibliography."""

from __future__ import annotations

from html import escape

from masthead.books.manuscript import Chapter, Manuscript

COMING_SOON = "This chapter is coming soon."


def _page(m: Manuscript, title: str, body: str, *, kind: str = "") -> str:
    direction = ' dir="rtl"' if m.rtl else ""
    body_type = f' epub:type="{kind}"' if kind else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{escape(m.language)}" xml:lang="{escape(m.language)}"{direction}>\n'
            f'<head>\n<meta charset="UTF-8"/>\n<title>{escape(title)}</title>\n'
            '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
            f'<body{body_type}>\n{body}\n</body>\n</html>\n')


def cover(m: Manuscript, href: str) -> str:
    return _page(m, m.title, f'<section epub:type="cover" class="cover">'
                             f'<img src="{escape(href)}" alt="{escape(m.title)}"/></section>')


def title_page(m: Manuscript) -> str:
    parts = [f'<h1 class="book-title">{escape(m.title)}</h1>']
    if m.subtitle:
        parts.append(f'<p class="book-subtitle">{escape(m.subtitle)}</p>')
    if m.authors:
        parts.append(f'<p class="book-authors">{escape(", ".join(m.authors))}</p>')
    if m.dedication:
        parts.append(f'<p class="dedication">{escape(m.dedication)}</p>')
    if m.licence:
        parts.append(f'<p class="licence">{escape(m.licence)}</p>')
    return _page(m, m.title, '<section epub:type="titlepage" class="titlepage">'
                 + "\n".join(parts) + "</section>", kind="frontmatter")


def nav(m: Manuscript) -> str:
    parts = {p.title: p for p in m.part_pages()}
    items, current, open_part = [], "", False
    for chapter in m.chapters:
        if chapter.part != current:
            if open_part:
                items.append("</ol></li>")
                open_part = False
            if chapter.part:
                items.append(f'<li><a href="{parts[chapter.part].href}">'
                             f"{escape(chapter.part)}</a><ol>")
                open_part = True
            current = chapter.part
        items.append(f'<li><a href="{chapter.href}">{escape(chapter.title)}</a></li>')
    if open_part:
        items.append("</ol></li>")
    if m.bibliography:
        items.append('<li><a href="bibliography.xhtml">Bibliography</a></li>')
    first = next(c for c in m.chapters if c.section == "chapter")
    landmarks = [('toc', 'nav.xhtml#toc', 'Contents'),
                 ('bodymatter', first.href, 'Start of the text')]
    if m.bibliography:
        landmarks.append(("bibliography", "bibliography.xhtml", "Bibliography"))
    marks = "\n".join(f'<li><a epub:type="{t}" href="{h}">{escape(label)}</a></li>'
                      for t, h, label in landmarks)
    body = ('<nav epub:type="toc" id="toc" role="doc-toc"><h1>Contents</h1>\n<ol>\n'
            + "\n".join(items) + "\n</ol></nav>\n"
            f'<nav epub:type="landmarks" id="landmarks" hidden="hidden"><h2>Landmarks</h2>'
            f"<ol>\n{marks}\n</ol></nav>")
    return _page(m, "Contents", body)


def part_page(m: Manuscript, title: str) -> str:
    return _page(m, title, f'<section epub:type="part" role="doc-part" class="part">'
                           f"<h1>{escape(title)}</h1></section>", kind="bodymatter")


def chapter_page(m: Manuscript, chapter: Chapter) -> str:
    kind = {"front": ("frontmatter", "preface", "doc-preface"),
            "appendix": ("backmatter", "appendix", "doc-appendix")}.get(
        chapter.section, ("bodymatter", "chapter", "doc-chapter"))
    label = ""
    if chapter.section == "chapter":
        label = f'<p class="chapter-number">{chapter.number}</p>\n'
    text = f'<p class="coming-soon">{COMING_SOON}</p>' if chapter.coming_soon else chapter.body
    return _page(m, chapter.title,
                 f'<section epub:type="{kind[1]}" role="{kind[2]}" class="{kind[1]}">\n'
                 f"{label}<h1>{escape(chapter.title)}</h1>\n{text}\n</section>", kind=kind[0])


def bibliography_page(m: Manuscript) -> str:
    body = m.bibliography.replace('<section id="bibliography" class="bibliography">',
                                  '<section id="bibliography" class="bibliography" '
                                  'epub:type="bibliography" role="doc-bibliography">', 1)
    body = body.replace("<h2>", "<h1>", 1).replace("</h2>", "</h1>", 1)
    return _page(m, "Bibliography", body, kind="backmatter")
