"""The web book, over HTTP: a book's page at /books/SLUG/ with its contents (parts,
chapters linking to their pages, chapters to come without a link), its progress, its
version and its downloads; a book navigation on each chapter's page; the book's Atom
feed; the files `masthead book build` wrote, carried into public/ by the site's build.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import make_site, run_masthead, serving

POST = "---\ntitle: {title}\ndate: 2026-0{n}-01T09:00:00Z\n{extra}---\n\n{body}\n"
# slug, title, front matter; the fourth is a draft: a chapter "coming soon".
CHAPTERS = [("margins", "Margins", ""), ("notes", "Notes", ""),
            ("archives", "Archives", ""), ("endings", "Endings", "draft: true\n")]
OTHER_BOOK = '''slug = "notebook"
title = "A Notebook"
authors = ["Mara Ellison"]

[[entries]]
section = "chapter"
post = "notes"

[[versions]]
number = 1
released = 2026-05-02T10:00:00Z
changelog = "First edition."
'''


def make_book_site(tmp_path: Path, *, files: bool = True) -> Path:
    """A site with the book "The Long Margin": Part One (Margins, Notes), Part Two
    (Archives, and Endings to come); and "A Notebook", whose one chapter is Notes, with a
    version. With ``files``, `masthead book build` writes the EPUB and both PDFs."""
    from PIL import Image

    site = make_site(tmp_path)
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    for n, (slug, title, extra) in enumerate(CHAPTERS, 1):
        (posts / f"{slug}.md").write_text(POST.format(
            title=title, n=n, extra=extra,
            body=f"The chapter {title.lower()} begins.[^1]\n\n[^1]: A note of {slug}."))
    (tmp_path / "content" / "books").mkdir()
    (tmp_path / "content" / "books" / "notebook.toml").write_text(OTHER_BOOK)
    run_masthead("import", "markdown", tmp_path / "content", site=site)
    Image.new("RGB", (60, 90), "#336699").save(site / "media" / "cover.png")
    book = ("book", "new", "margin", "--title", "The Long Margin", "--subtitle", "Essays",
            "--author", "Mara Ellison")
    run_masthead(*book, site=site)
    run_masthead("book", "set", "margin", "--cover", "/media/cover.png",
                 "--description", "Essays written *in public*.", site=site)
    for slug, part in (("margins", "Part One"), ("notes", "Part One"),
                       ("archives", "Part Two"), ("endings", "Part Two")):
        run_masthead("book", "add", "margin", slug, "--part", part, site=site)
    if files:
        run_masthead("book", "build", "margin", site=site)  # the files, then the site
    else:
        run_masthead("build", site=site)
    return site


@pytest.fixture(scope="module")
def book_site(tmp_path_factory) -> Path:
    return make_book_site(tmp_path_factory.mktemp("webbook"))


@pytest.fixture(scope="module")
def server(book_site):
    with serving(book_site, worker=False) as url:
        yield url


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url) as r:
        return r.status, r.headers["content-type"], r.read()


def page(server: str, path: str) -> HTMLParser:
    status, kind, body = get(server + path)
    assert status == 200 and kind.startswith("text/html")
    return HTMLParser(body.decode())


def contents(doc: HTMLParser) -> list[tuple[str, str, str | None]]:
    """(part, text of the entry, its link) of each entry of a book page's contents."""
    out, part = [], ""
    for node in doc.css(".book-contents h3, .book-contents li"):
        if node.tag == "h3":
            part = node.text()
            continue
        link = node.css_first("a")
        out.append((part, " ".join(node.text().split()),
                    link.attributes["href"] if link else None))
    return out


def test_the_book_page_shows_its_parts_chapters_and_the_chapter_to_come(server, book_site):
    doc = page(server, "/books/margin/")
    assert doc.css_first("h1").text() == "The Long Margin"
    assert doc.css_first(".book-subtitle").text() == "Essays"
    assert doc.css_first(".book-authors").text() == "by Mara Ellison"
    assert doc.css_first(".book-description em").text() == "in public"
    entries = contents(doc)
    assert [(part, text) for part, text, _ in entries] == [
        ("Part One", "Chapter 1 Margins"), ("Part One", "Chapter 2 Notes"),
        ("Part Two", "Chapter 3 Archives"), ("Part Two", "Chapter 4 Endings coming soon")]
    links = [href for _, _, href in entries]
    assert links[3] is None  # a draft has no page to link to
    for href, (slug, title, _) in zip(links[:3], CHAPTERS, strict=False):
        assert href.rstrip("/").endswith(slug)
        assert page(server, href).css_first("h1").text() == title
    # The cover, sized so the page does not move when it arrives.
    cover = doc.css_first("img.book-cover").attributes
    assert (cover["src"], cover["width"], cover["height"]) == ("/media/cover.png", "60", "90")
    assert cover["alt"] == "Cover of The Long Margin"


def test_the_badge_says_how_much_is_published_as_book_show_does(server, book_site):
    progress = page(server, "/books/margin/").css_first(".book-progress").text()
    assert progress.startswith("Book in progress")
    shown = run_masthead("book", "show", "margin", site=book_site).stdout.splitlines()[2]
    published, planned, percent = re.match(
        r"(\d+) of (\d+) chapters published \((\d+) %\)", shown).groups()
    assert (published, planned, percent) == ("3", "4", "75")
    assert f"{percent} % written: {published} of {planned} chapters published" in progress
    # A finished book wears no badge.
    assert page(server, "/books/notebook/").css_first(".book-progress") is None


def test_each_download_answers_with_its_file_and_type(server, book_site):
    doc = page(server, "/books/margin/")
    links = {a.text(): a.attributes["href"] for a in doc.css(".book-downloads a")}
    assert list(links) == ["EPUB, for e-readers", "PDF, for print", "PDF, for screens"]
    folder = book_site / "books" / "margin"
    for href, name, kind in zip(links.values(),
                                ["margin.epub", "margin.pdf", "margin-screen.pdf"],
                                ["application/epub+zip", "application/pdf", "application/pdf"],
                                strict=True):
        assert href == f"/books/margin/{name}"
        status, got, body = get(server + href)
        assert (status, got) == (200, kind)
        assert body == (folder / name).read_bytes()
    # A book never built offers nothing to download.
    assert page(server, "/books/notebook/").css_first(".book-downloads") is None


def test_a_version_is_named_with_its_date_and_links_to_the_versions(server):
    line = page(server, "/books/notebook/").css_first(".book-version")
    assert line.text().startswith("Version 1, 2 May 2026")
    assert line.css_first("a").attributes["href"] == "/books/notebook/versions/"
    assert page(server, "/books/margin/").css_first(".book-version") is None


def nav(server: str, path: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Each book's navigation on a page: book -> (label, previous href, next href)."""
    out = {}
    for n in page(server, path).css("nav.book-nav"):
        title = n.css_first(".book-nav-title a")
        prev, nxt = n.css_first(".previous a"), n.css_first(".next a")
        out[title.attributes["href"]] = (
            n.css_first(".book-nav-title").text(),
            prev.attributes["href"] if prev else None, nxt.attributes["href"] if nxt else None)
    return out


def test_chapter_pages_lead_through_the_book_in_its_order(server):
    hrefs = [h for _, _, h in contents(page(server, "/books/margin/")) if h]
    first, second, third = hrefs
    assert nav(server, first) == {"/books/margin/": ("The Long Margin · Chapter 1", None, second)}
    # From the end of Part One to the start of Part Two, and back.
    assert nav(server, second)["/books/margin/"] == ("The Long Margin · Chapter 2", first, third)
    # The last chapter on the site has no next one: the one to come is skipped.
    assert nav(server, third) == {"/books/margin/": ("The Long Margin · Chapter 3", second, None)}


def test_a_post_in_two_books_shows_the_way_through_both(server):
    second = [h for _, _, h in contents(page(server, "/books/margin/")) if h][1]
    both = nav(server, second)
    assert set(both) == {"/books/margin/", "/books/notebook/"}
    assert both["/books/notebook/"] == ("A Notebook · Chapter 1", None, None)
    labels = [n.attributes["aria-label"] for n in page(server, second).css("nav.book-nav")]
    assert labels == ["In the book The Long Margin", "In the book A Notebook"]


def test_the_book_feed_carries_its_published_chapters_newest_first(server):
    doc = page(server, "/books/margin/")
    link = [x.attributes for x in doc.css('head link[rel="alternate"]')
            if x.attributes.get("href") == "/books/margin/feed.xml"]
    assert link and link[0]["type"] == "application/atom+xml"
    status, kind, body = get(server + "/books/margin/feed.xml")
    assert (status, kind) == (200, "application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "The Long Margin"
    assert feed.feed.link == "https://essays.example.org/books/margin/"
    assert [e.title for e in feed.entries] == ["Archives", "Notes", "Margins"]
    assert "A note of archives" in feed.entries[0].content[0].value
    assert all(e.link.startswith("https://essays.example.org/") for e in feed.entries)


def test_the_list_of_books(server):
    doc = page(server, "/books/")
    assert [(a.text(), a.attributes["href"]) for a in doc.css(".card-title a")] == [
        ("The Long Margin", "/books/margin/"), ("A Notebook", "/books/notebook/")]
    assert "75 % written" in doc.css_first(".card .book-progress").text()


def test_unpublishing_a_chapter_takes_it_out_and_publishing_one_adds_it(tmp_path):
    site = make_book_site(tmp_path, files=False)
    public = site / "public"
    run_masthead("post", "unpublish", "notes", site=site)
    run_masthead("post", "publish", "endings", site=site)
    run_masthead("build", site=site)
    doc = HTMLParser((public / "books/margin/index.html").read_text())
    entries = contents(doc)
    # Unpublished, Notes is missing from the book (as `book show` says): not shown.
    assert [text for _, text, _ in entries] == [
        "Chapter 1 Margins", "Chapter 3 Archives", "Chapter 4 Endings"]
    assert all(href for _, _, href in entries)
    # It still counts as planned, as `book show` counts it.
    assert "3 of 4 chapters published (75 %)" in run_masthead(
        "book", "show", "margin", site=site).stdout
    assert "75 % written: 3 of 4 chapters published" in doc.css_first(".book-progress").text()
    # The way through the book closes up around it.
    margins = public / entries[0][2].strip("/") / "index.html"
    nxt = HTMLParser(margins.read_text()).css_first("nav.book-nav .next a")
    assert nxt.attributes["href"] == entries[1][2]
    feed = feedparser.parse((public / "books/margin/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Endings", "Archives", "Margins"]
    # The other book has no chapter left on the site.
    assert contents(HTMLParser((public / "books/notebook/index.html").read_text())) == []


def test_the_build_carries_the_book_folder_and_picks_up_changed_files(tmp_path):
    site = make_book_site(tmp_path, files=False)
    public = site / "public"
    assert not (public / "books/margin/margin.epub").exists()
    folder = site / "books" / "margin"
    (folder / "v1").mkdir(parents=True)
    (folder / "margin.epub").write_bytes(b"first")
    (folder / "v1" / "margin.pdf").write_bytes(b"%PDF first")
    (folder / ".margin.epub.123.tmp").write_bytes(b"half written")
    run_masthead("build", site=site)
    assert (public / "books/margin/margin.epub").read_bytes() == b"first"
    assert (public / "books/margin/v1/margin.pdf").read_bytes() == b"%PDF first"
    assert not (public / "books/margin/.margin.epub.123.tmp").exists()
    links = HTMLParser((public / "books/margin/index.html").read_text()).css(
        ".book-downloads a")
    assert [a.attributes["href"] for a in links] == ["/books/margin/margin.epub"]
    (folder / "margin.epub").write_bytes(b"second, longer")
    said = run_masthead("build", site=site).stdout
    assert said.startswith("Incremental build")
    assert (public / "books/margin/margin.epub").read_bytes() == b"second, longer"
    (folder / "v1" / "margin.pdf").unlink()
    run_masthead("build", site=site)
    assert not (public / "books/margin/v1/margin.pdf").exists()
