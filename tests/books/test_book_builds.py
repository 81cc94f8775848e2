"""A book build makes again only what changed, and fails without losing the last good
files: one chapter edited renders that chapter only (the others are taken as they were),
a change to the book's citations renders again the chapters whose citations read
differently (Doe 2001a becomes Doe 2001 when the other Doe 2001 is no longer cited), a
format whose inputs did not change is left as it is, and a chapter that cannot be
rendered is named, the last EPUB kept byte for byte. Raw HTML an e-book cannot hold is
fixed up, the build says where, and the EPUB is still valid; notes can be numbered
through the book."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from tests.books.test_epub import epubcheck
from tests.conftest import make_site, run_masthead
from tests.content.test_citations_match_pandoc import SOURCES

CHAPTERS = {
    "one": "Doe argues it first [@doe2001, 3].[^1]\n\n[^1]: A note of chapter one.\n",
    "two": "Nothing cited, two notes.[^a] And more.[^b]\n\n[^a]: Note a.\n\n[^b]: Note b.\n",
    "three": "Doe again, the other book [@doe2001b, 12].[^1]\n\n[^1]: Chapter three's note.\n",
}


def write_posts(folder: Path, chapters: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for n, (slug, text) in enumerate(chapters.items(), 1):
        (folder / f"{slug}.md").write_text(
            f"---\ntitle: Chapter {slug.title()}\ndate: 2026-01-0{n}T09:00:00Z\n---\n\n{text}")


def make_book(tmp_path: Path, chapters: dict[str, str] = CHAPTERS) -> Path:
    site = make_site(tmp_path)
    csl = tmp_path / "sources.json"
    csl.write_text(json.dumps([dict(v, id=k) for k, v in SOURCES.items()]))
    run_masthead("import", "csl-json", csl, site=site)
    write_posts(tmp_path / "posts", chapters)
    run_masthead("import", "markdown", tmp_path / "posts", site=site)
    run_masthead("book", "new", "b", "--title", "The Book", site=site)
    for slug in chapters:
        run_masthead("book", "add", "b", slug, site=site)
    return site


def edit(tmp_path: Path, site: Path, slug: str, text: str) -> None:
    chapters = dict(CHAPTERS, **{slug: text})
    write_posts(tmp_path / "posts", chapters)
    run_masthead("import", "markdown", tmp_path / "posts", site=site)


def chapters_of(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode() for n in z.namelist() if re.match(r"EPUB/chapter-", n)}


def kept(site: Path) -> set[str]:
    return {p.name for p in (site / ".masthead/books/b/chapters").glob("*.json")}


def test_editing_one_chapter_renders_that_chapter_only(tmp_path):
    site = make_book(tmp_path)
    epub = site / "books/b/b.epub"
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    before, parts = chapters_of(epub), kept(site)
    assert len(parts) == 3
    edit(tmp_path, site, "two", CHAPTERS["two"].replace("Nothing cited", "Still nothing cited"))
    said = run_masthead("book", "build", "b", "--format", "epub", site=site).stdout
    assert "Wrote books/b/b.epub" in said
    after = chapters_of(epub)
    assert [n for n in before if before[n] != after[n]] == ["EPUB/chapter-2.xhtml"]
    assert "Still nothing cited" in after["EPUB/chapter-2.xhtml"]
    assert len(kept(site) & parts) == 2 and len(kept(site)) == 3  # one rendered again
    # What the cache gave is what a build from nothing gives.
    made = epub.read_bytes()
    for path in (site / ".masthead/books/b").rglob("*.json"):
        path.unlink()
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    assert epub.read_bytes() == made


def test_a_change_to_the_books_citations_renders_the_chapters_it_changes(tmp_path):
    site = make_book(tmp_path)
    epub = site / "books/b/b.epub"
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    assert "Doe 2001b" in chapters_of(epub)["EPUB/chapter-3.xhtml"]
    edit(tmp_path, site, "one", "Doe is not cited here any more.[^1]\n\n[^1]: A note.\n")
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    third = chapters_of(epub)["EPUB/chapter-3.xhtml"]
    assert "Doe 2001b" not in third and "Doe 2001, 12" in third, third
    with zipfile.ZipFile(epub) as z:
        bibliography = z.read("EPUB/bibliography.xhtml").decode()
    assert "Second Book" in bibliography and "First Book" not in bibliography


def test_a_file_whose_inputs_did_not_change_is_left_as_it_is(tmp_path):
    site = make_book(tmp_path)
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    epub = site / "books/b/b.epub"
    stamp = epub.stat().st_mtime_ns
    said = run_masthead("book", "build", "b", "--format", "epub", site=site).stdout
    assert "The EPUB is up to date (books/b/b.epub)." in said and "Wrote" not in said
    assert epub.stat().st_mtime_ns == stamp
    epub.write_bytes(b"damaged")  # a file changed by hand is made again
    assert "Wrote books/b/b.epub" in run_masthead(
        "book", "build", "b", "--format", "epub", site=site).stdout
    assert zipfile.is_zipfile(epub)


def test_a_chapter_that_cannot_be_rendered_is_named_and_the_last_epub_is_kept(tmp_path):
    site = make_book(tmp_path)
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    epub = site / "books/b/b.epub"
    good = epub.read_bytes()
    # A chapter of the book's own text (the site refuses to publish such a post), read
    # back from an export's books/b.toml, cites a source the site does not have.
    (tmp_path / "posts/books").mkdir()
    (tmp_path / "posts/books/b.toml").write_text(
        'slug = "b"\ntitle = "The Book"\n'
        + "".join(f'[[entries]]\npost = "{slug}"\n' for slug in CHAPTERS)
        + '[[entries]]\ntitle = "An Afterword"\nmarkdown = "As [@nobody2020] said."\n')
    run_masthead("import", "markdown", tmp_path / "posts", site=site)
    done = run_masthead("book", "build", "b", "--format", "epub", site=site, check=False)
    assert done.code == 1 and "Traceback" not in done.stderr
    assert "chapter 4 ('An Afterword')" in done.stderr and "nobody2020" in done.stderr, \
        done.stderr
    assert epub.read_bytes() == good


def test_raw_html_an_ebook_cannot_hold_is_fixed_up_and_the_build_says_where(tmp_path):
    site = make_book(tmp_path, dict(CHAPTERS, two=(
        "A film:\n\n<iframe src=\"https://video.example.org/embed/42\" width=\"560\">"
        "</iframe>\n\nA counter:\n\n<script>document.write('hi')</script>\n\n"
        "<form action=\"/subscribe\"><input type=\"email\" name=\"e\"/>"
        "<button>Go</button></form>\n\nThe end.\n")))
    said = run_masthead("book", "build", "b", "--format", "epub", site=site).stdout
    where = "Chapter 2 ('Chapter Two'): "
    assert f"{where}an embedded frame became a link to https://video.example.org/embed/42" \
        in said, said
    assert f"{where}a script was left out" in said and f"{where}a form was left out" in said
    epub = site / "books/b/b.epub"
    report = epubcheck(epub)
    assert "0 fatals / 0 errors / 0 warnings" in report, report
    two = chapters_of(epub)["EPUB/chapter-2.xhtml"]
    assert '<a href="https://video.example.org/embed/42">' in two
    for gone in ("<iframe", "<script", "document.write", "<form", "<button", "<input"):
        assert gone not in two
    assert "The end." in two


def notes_of(xhtml: str) -> tuple[list[str], list[str]]:
    marks = re.findall(r'epub:type="noteref"[^>]*><sup>(\d+)</sup>', xhtml)
    notes = re.findall(r'<span class="footnote-number">(\d+)\. </span>', xhtml)
    return marks, notes


def test_notes_are_numbered_per_chapter_or_through_the_book(tmp_path):
    site = make_book(tmp_path)
    epub = site / "books/b/b.epub"
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    per_chapter = chapters_of(epub)
    assert notes_of(per_chapter["EPUB/chapter-2.xhtml"]) == (["1", "2"], ["1", "2"])
    run_masthead("book", "set", "b", "--footnotes", "book", site=site)
    run_masthead("book", "build", "b", "--format", "epub", site=site)
    through = chapters_of(epub)
    assert notes_of(through["EPUB/chapter-1.xhtml"]) == (["1"], ["1"])
    assert notes_of(through["EPUB/chapter-2.xhtml"]) == (["2", "3"], ["2", "3"])
    assert notes_of(through["EPUB/chapter-3.xhtml"]) == (["4"], ["4"])
    assert "0 fatals / 0 errors / 0 warnings" in epubcheck(epub)


def test_the_pdf_numbers_notes_through_the_book_too(tmp_path):
    from pypdf import PdfReader

    site = make_book(tmp_path)
    run_masthead("book", "set", "b", "--footnotes", "book", site=site)
    run_masthead("book", "build", "b", "--format", "screen-pdf", site=site)
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(site / "books/b/b-screen.pdf").pages)
    for number, note in ((1, "A note of chapter one."), (2, "Note a."), (3, "Note b."),
                         (4, "Chapter three’s note.")):
        assert f"{number}. {note}" in text, (number, text)
