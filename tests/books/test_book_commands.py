"""Books made of posts, from a terminal: start one, put posts in it, reorder them, see
its contents and progress; books go out with a Markdown export and come back whole.

(Building the EPUB, the PDF and the web book is the next step of issue 16.)
"""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import make_site, run_masthead

POST = "---\ntitle: {title}\ndate: 2026-0{n}-01T09:00:00Z\n{extra}---\n\n{body}\n"


@pytest.fixture
def site(tmp_path, database_url):
    site = make_site(tmp_path, database_url)
    posts = tmp_path / "posts"
    posts.mkdir()
    for n, (slug, title, extra) in enumerate([
            ("margins", "Margins", ""), ("notes", "Notes", ""),
            ("archives", "Archives", ""), ("endings", "Endings", "draft: true\n")], 1):
        (posts / f"{slug}.md").write_text(POST.format(
            title=title, n=n, extra=extra, body=" ".join(["word"] * (100 * n))))
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("settings", "author", "Mara Ellison", site=site)
    return site


def book(site, *args: str, check: bool = True):
    return run_masthead("book", *args, site=site, check=check)


def shown(site, slug: str = "margins-book") -> list[str]:
    """What `book show` says of the book and its places (its versions come after)."""
    lines = book(site, "show", slug).stdout.splitlines()
    ends = [n for n, line in enumerate(lines)
            if line.startswith(("Versions:", "No versions released"))]
    return lines[:ends[0]] if ends else lines


def test_a_book_lists_its_chapters_in_order_with_parts_states_and_words(site):
    said = book(site, "new", "margins-book", "--title", "The Long Margin",
                "--subtitle", "Essays in public").stdout
    assert "Started 'The Long Margin' (margins-book)" in said
    book(site, "add", "margins-book", "margins", "--part", "Part One")
    book(site, "add", "margins-book", "notes", "--part", "Part One")
    assert "coming soon" in book(site, "add", "margins-book", "endings",
                                 "--part", "Part Two").stdout
    book(site, "add", "margins-book", "archives", "--at", "3", "--part", "Part Two")
    lines = shown(site)
    assert lines[:3] == ["The Long Margin: Essays in public", "by Mara Ellison",
                         "3 of 4 chapters published (75 %), 600 words"]
    assert [line.split()[:3] for line in lines[3:]] == [
        ["Part", "One"], ["1", "1.", "Margins"], ["2", "2.", "Notes"],
        ["Part", "Two"], ["3", "3.", "Archives"], ["4", "4.", "Endings"]]
    assert lines[-1].endswith("(endings, 400 words) [coming soon]")
    assert book(site, "list").stdout.split() == [
        "margins-book", "The", "Long", "Margin:", "3", "of", "4", "chapters", "published",
        "(75", "%),", "600", "words"]


def test_moving_and_removing_close_up_the_order_and_leave_the_post_on_the_site(site):
    book(site, "new", "b", "--title", "B")
    for slug in ("margins", "notes", "archives"):
        book(site, "add", "b", slug)
    book(site, "move", "b", "archives", "--to", "1")
    assert [line.split()[2] for line in shown(site, "b")[3:]] == [
        "Archives", "Margins", "Notes"]
    book(site, "remove", "b", "margins")
    assert [line.split()[:3] for line in shown(site, "b")[3:]] == [
        ["1", "1.", "Archives"], ["2", "2.", "Notes"]]
    assert "margins" in run_masthead("post", "list", site=site).stdout


@pytest.mark.parametrize(("args", "says"), [
    (("add", "nobook", "margins"), "there is no book 'nobook' (the books: b)"),
    (("add", "b", "no-such-post"), "no post or page has the slug 'no-such-post'"),
    (("add", "b", "margins"), "'Margins' is already in 'B'"),
    (("add", "b", "notes", "--at", "5"), "--at 5: the book has 1 entries, so give a place "
                                         "from 1 to 2"),
    (("move", "b", "notes", "--to", "1"), "'notes' is not in 'B'"),
    (("new", "b", "--title", "Again"), "there is already a book 'b'"),
    (("new", "c", "--title", "  "), "a book needs a title"),
])
def test_a_refusal_is_one_line_in_words_and_changes_nothing(site, args, says):
    book(site, "new", "b", "--title", "B")
    book(site, "add", "b", "margins")
    before = shown(site, "b")
    done = book(site, *args, check=False)
    assert done.code == 1 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert shown(site, "b") == before


def test_a_book_goes_out_with_the_export_and_comes_back_byte_for_byte(site, tmp_path):
    book(site, "new", "b", "--title", "The Long Margin", "--author", "Mara Ellison",
         "--author", "Jon Reyes", "--language", "fr")
    book(site, "add", "b", "margins", "--front")
    book(site, "add", "b", "notes", "--part", "One", "--sample")
    book(site, "add", "b", "endings", "--appendix")
    run_masthead("export", "markdown", tmp_path / "a", site=site)
    text = (tmp_path / "a/books/b.toml").read_text()
    assert 'title = "The Long Margin"' in text and 'post = "notes"' in text
    # A version made by hand (the book's v1) travels too.
    (tmp_path / "a/books/b.toml").write_text(
        text + '\n[[versions]]\nnumber = 1\nreleased = 2026-12-01T10:00:00Z\n'
               'changelog = "First edition."\n')
    other = make_site(tmp_path / "two")
    run_masthead("import", "markdown", tmp_path / "a", site=other)
    assert shown(other, "b") == shown(site, "b")
    assert "v1   2026-12-01  First edition." in book(other, "show", "b").stdout
    run_masthead("export", "markdown", tmp_path / "b", site=other)
    exported = (tmp_path / "b/books/b.toml").read_text()
    assert tomllib.loads(exported) == tomllib.loads((tmp_path / "a/books/b.toml").read_text())
    # Importing that export again gives the same book, not a second copy of each place,
    # and exporting it once more gives the same file byte for byte.
    run_masthead("import", "markdown", tmp_path / "b", site=other)
    assert shown(other, "b") == shown(site, "b")
    assert "v1   2026-12-01  First edition." in book(other, "show", "b").stdout
    run_masthead("export", "markdown", tmp_path / "b", site=other)
    assert (tmp_path / "b/books/b.toml").read_text() == exported


@pytest.mark.parametrize(("toml", "says"), [
    ('slug = "x"\n', "books/x.toml: field 'title': a book needs a title"),
    ('title = "X"\n[[entries]]\nsection = "preface"\npost = "notes"\n',
     "books/x.toml: entry 1: 'section' is front, chapter or appendix"),
    ('title = "X"\n[[entries]]\nsection = "chapter"\n',
     "books/x.toml: entry 1: names no post"),
    ('title = "X\n', "books/x.toml: is not valid TOML"),
])
def test_a_bad_book_file_is_named_and_nothing_is_imported(site, tmp_path, toml, says):
    folder = tmp_path / "incoming"
    (folder / "books").mkdir(parents=True)
    (folder / "posts").mkdir()
    (folder / "posts/new-one.md").write_text(POST.format(title="New One", n=5, extra="",
                                                         body="Text."))
    (folder / "books/x.toml").write_text(toml)
    done = run_masthead("import", "markdown", folder, site=site, check=False)
    assert done.code == 1 and says in done.stderr, done.stderr
    assert "new-one" not in run_masthead("post", "list", site=site).stdout
    assert "No books" in book(site, "list").stdout
