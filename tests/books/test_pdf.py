"""A book as a print PDF, read back with pypdf: the trim size, the contents' page numbers
are the pages the chapters start on (right-hand pages), a footnote is printed on the page
of its mark, the running heads are the book's title on left pages and the chapter's on
right ones, roman numbers in the front matter, bookmarks, metadata, embedded fonts; and a
screen PDF with no blank pages."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.conftest import make_site, run_masthead

WORDS = ["margin", "reader", "archive", "letter", "essay", "notebook", "printing", "library",
         "pamphlet", "correspondence", "attention"]


def chapter_text(n: int) -> str:
    """About 1,400 words in 14 paragraphs, a footnote every other paragraph; the word just
    before each mark ("markCxKz") and the note's own words ("noteCxKz") are unique."""
    paragraphs, notes = [], []
    for k in range(14):
        words = " ".join(WORDS[(k + i) % len(WORDS)] for i in range(100))
        if k % 2:
            paragraphs.append(f"{words} mark{n}x{k}z[^{k}]")
            notes.append(f"[^{k}]: note{n}x{k}z says where this comes from.")
        else:
            paragraphs.append(words)
    return "\n\n".join(paragraphs + notes) + "\n"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    site = make_site(tmp)
    posts = tmp / "posts"
    posts.mkdir()
    for n in (1, 2, 3):
        (posts / f"chapter-{n}.md").write_text(
            f"---\ntitle: Chapter Title {n}\ndate: 2026-0{n}-01T09:00:00Z\n---\n\n"
            + chapter_text(n))
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("book", "new", "long", "--title", "The Long Margin", "--author", "Mara Ellison",
                 site=site)
    run_masthead("book", "add", "long", "chapter-1", "--part", "Part One", site=site)
    run_masthead("book", "add", "long", "chapter-2", "--part", "Part One", site=site)
    run_masthead("book", "add", "long", "chapter-3", "--part", "Part Two", site=site)
    run_masthead("book", "build", "long", "--format", "pdf", "--format", "screen-pdf",
                 "--trim", "6x9", site=site)
    return (PdfReader(site / "books/long/long.pdf"),
            PdfReader(site / "books/long/long-screen.pdf"))


def pages(reader: PdfReader) -> list[str]:
    return [p.extract_text() for p in reader.pages]


def number_of(text: str) -> str:
    """The page's printed number: the last line of its text (the foot of the page)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def test_the_print_pdf_has_the_trim_size_and_its_contents_find_each_chapter(pdfs):
    reader, _ = pdfs
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (432, 648)  # 6 x 9 in
    text = pages(reader)
    contents = next(t for t in text if t.startswith("Contents"))
    listed = dict(re.findall(r"(Chapter Title \d)[ .]+(\d+)", contents))
    assert len(listed) == 3
    by_number = {number_of(t): i for i, t in enumerate(text)}
    for title, number in listed.items():
        page = by_number[number]
        assert re.match(rf"\d+\s+{title}", text[page]), (title, number)  # the chapter opens
        assert page % 2 == 0  # the first page is page 1, a right-hand page: so are these
    # The front matter is numbered i, ii, iii...; the text starts again at 1.
    assert [number_of(t) for t in text[:2]] == ["i", "ii"]
    assert "1" in by_number


def test_each_footnote_is_printed_on_the_page_of_its_mark(pdfs):
    reader, _ = pdfs
    text = pages(reader)
    checked = 0
    for n in (1, 2, 3):
        for k in range(1, 14, 2):
            mark = next(i for i, t in enumerate(text) if f"mark{n}x{k}z" in t)
            assert f"note{n}x{k}z says" in text[mark], (n, k)
            checked += 1
    assert checked == 21


def test_running_heads_are_the_book_on_left_pages_and_the_chapter_on_right_ones(pdfs):
    reader, _ = pdfs
    text = pages(reader)
    start = next(i for i, t in enumerate(text) if re.match(r"1\s+Chapter Title 1", t))
    end = next(i for i, t in enumerate(text) if re.match(r"2\s+Chapter Title 2", t))
    inside = range(start + 1, end)
    assert len(inside) >= 2
    for i in inside:
        if not text[i].strip():
            continue  # a blank page before the next chapter
        want = "Chapter Title 1" if i % 2 == 0 else "The Long Margin"
        assert want in text[i], (i, want)


def test_bookmarks_metadata_fonts_and_hyphenation(pdfs):
    reader, _ = pdfs
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert titles == ["Contents", "Part One", "Chapter Title 1", "Chapter Title 2", "Part Two",
                      "Chapter Title 3"]
    assert reader.metadata.title == "The Long Margin"
    assert reader.metadata.author == "Mara Ellison"
    fonts = reader.pages[5]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        descriptor = (font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()[
            "/FontDescriptor"]).get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("\u2010\n" in t or "-\n" in t for t in pages(reader))  # words broken at ends


def test_the_screen_pdf_leaves_no_page_blank(pdfs):
    _, screen = pdfs
    assert all(t.strip() for t in pages(screen))
    assert len(screen.pages) < len(pdfs[0].pages)
