"""The studio's Books page, against a real `masthead serve` whose jobs a real
`masthead worker --burst` runs when the test says so (so the page is seen waiting for
the worker, then following the build to its end): a book made, its chapters added,
reordered by dragging and by buttons, its details changed, its EPUB built and
downloaded; a build that fails says which chapter and why; roles and forms checked."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator

import pytest

from tests.conftest import DEMO_CONTENT, make_site, run_masthead, serving
from tests.studio.conftest import Studio, add_accounts, log_in

MACHINE_WORDS = ("Error", "Traceback", "`", "masthead book", "--to", "--at")
EPUB_MIME = "application/epub+zip"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def bookshop(tmp_path, database_url) -> Iterator[Studio]:
    """A site with accounts and the demo's sources (on each database), served with no
    worker of its own: queued jobs wait until the test runs one."""
    site = make_site(tmp_path, database_url, url="http://127.0.0.1/")
    add_accounts(site)
    run_masthead("import", "bibtex", DEMO_CONTENT / "bibliography.bib", site=site)
    with serving(site, worker=False) as url:
        yield Studio(url, site)


def run_worker(studio: Studio) -> str:
    """Every job that is due, as `masthead worker` runs them; its log."""
    return run_masthead("worker", "--burst", site=studio.site, timeout=300).stderr


def chapter_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(
        "#chapter-list li .chapter-title a").all_inner_texts()]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.browser
def test_a_book_is_made_ordered_described_built_and_downloaded_in_the_studio(
        browser, bookshop):
    owner = bookshop.session("owner")
    for title in ("Windows", "Margins", "Ledgers"):
        owner.new_post(title, f"The essay on {title.lower()} [@milton1644, p. 2].[^1]\n\n"
                              f"[^1]: A note on {title.lower()}.\n", action="publish")
    owner.new_post("Unfinished", "Still being written.")  # a draft
    context = browser.new_context()
    page = context.new_page()
    log_in(page, bookshop.url, "owner")
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Books").click()
    page.get_by_label("Title", exact=True).fill("The Long Margin")
    page.get_by_label("Subtitle (optional)").fill("Essays written in public")
    page.get_by_label("Authors").fill("Ann Writer\nBo Second")
    page.get_by_role("button", name="Start the book").click()
    page.wait_for_url("**/studio/books/the-long-margin/?done=new")
    assert "No chapters yet" in page.inner_text("main")

    # Three posts and a draft, each chosen from the list of the site's posts.
    for label in ("Windows", "Margins", "Ledgers", "Unfinished (draft)"):
        page.get_by_label("Post", exact=True).select_option(label=label)
        page.get_by_role("button", name="Add to the book").click()
        page.wait_for_url("**done=added#chapters")
    assert chapter_titles(page) == ["Windows", "Margins", "Ledgers", "Unfinished"]
    rows = page.locator("#chapter-list li")
    assert rows.nth(3).locator(".status").inner_text() == "Coming soon"
    assert rows.nth(0).locator(".status").inner_text() == "Published"
    assert "3 of 4 chapters published (75 %)" in page.inner_text("main")

    # Dragged: "Ledgers" onto the top of the first row becomes the first chapter.
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 20, "y": 3})
    page.wait_for_url("**done=moved#chapters")
    assert chapter_titles(page) == ["Ledgers", "Windows", "Margins", "Unfinished"]
    # From the keyboard: the Move buttons, one form each, work without a mouse.
    page.get_by_role("button", name="Move Ledgers down").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert chapter_titles(page) == ["Windows", "Ledgers", "Margins", "Unfinished"]
    with page.expect_navigation():
        page.get_by_role("button", name="Move Unfinished up").click()
    assert chapter_titles(page) == ["Windows", "Ledgers", "Unfinished", "Margins"]
    shown = run_masthead("book", "show", "the-long-margin", site=bookshop.site).stdout
    assert re.findall(r"\((windows|ledgers|unfinished|margins),", shown) == [
        "windows", "ledgers", "unfinished", "margins"]

    # The details, saved and shown again.
    page.get_by_label("Description").fill("Three essays and one to come.")
    page.get_by_label("Licence").fill("CC BY-SA 4.0")
    page.get_by_label("Dedication").fill("For the readers who wrote back.")
    page.get_by_label("Footnotes are numbered").select_option(label="Through the book")
    page.locator("#d-authors").fill("Ann Writer")
    page.get_by_role("button", name="Save the details").click()
    page.wait_for_url("**done=details#details")
    assert page.get_by_label("Licence").input_value() == "CC BY-SA 4.0"
    assert page.get_by_label("Footnotes are numbered").input_value() == "book"
    shown = run_masthead("book", "show", "the-long-margin", site=bookshop.site).stdout
    assert "by Ann Writer\n" in shown

    # Built by the worker: the page waits for it, then follows it to the download.
    page.get_by_role("button", name="Build EPUB").click()
    page.wait_for_url("**done=build#build")
    state = page.locator("#build-state")
    assert "EPUB: waiting for the worker to start the build" in state.inner_text()
    log = run_worker(bookshop)
    assert "built the book the-long-margin: the-long-margin.epub" in log
    link = page.get_by_role("link", name="Download the EPUB")
    link.wait_for(timeout=20_000)
    assert "EPUB: built " in page.locator("#build-state").inner_text()
    facts = page.locator("#downloads li").first.inner_text()
    assert re.search(r"the-long-margin\.epub, \d+ KB, built \d+ \w+ \d{4}, \d\d:\d\d", facts)
    download = context.request.get(bookshop.url + link.get_attribute("href"))
    assert download.status == 200
    assert download.headers["content-type"] == EPUB_MIME
    assert 'filename="the-long-margin.epub"' in download.headers["content-disposition"]
    epub = download.body()
    assert epub[:2] == b"PK" and epub[30:38] == b"mimetype" and EPUB_MIME.encode() in epub[:80]
    assert epub == (bookshop.site / "books" / "the-long-margin" /
                    "the-long-margin.epub").read_bytes()
    context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.browser
def test_a_failed_build_names_the_chapter_and_keeps_the_last_files(browser, bookshop):
    owner = bookshop.session("owner")
    owner.new_post("Sound", "A sound essay.", action="publish")
    owner.new_post("Cites Milton", "Intro.\n\nMilton argued [@milton1644, p. 4].",
                   action="publish")
    owner.get("/studio/books/")
    owner.post("/studio/books/", {"title": "Broken Spine", "authors": "Ann Writer"})
    for slug in ("sound", "cites-milton"):
        owner.get("/studio/books/broken-spine/")
        assert owner.post("/studio/books/broken-spine/", {
            "action": "add", "post": slug}).status_code == 302
    owner.get("/studio/books/broken-spine/")
    assert owner.post("/studio/books/broken-spine/build/",
                      {"format": "epub"}).status_code == 302
    run_worker(bookshop)
    before = (bookshop.site / "books" / "broken-spine" / "broken-spine.epub").read_bytes()
    # The source goes: the second chapter now cites a key no source has.
    with sqlite3.connect(bookshop.site / "masthead.db") as db:
        db.execute("DELETE FROM content_source WHERE key = 'milton1644'")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, bookshop.url, "editor")
    page.goto(bookshop.url + "/studio/books/broken-spine/")
    page.get_by_role("button", name="Build all").click()
    page.wait_for_url("**done=build#build")
    run_worker(bookshop)
    state = page.locator("#build-state.error")
    state.wait_for(timeout=20_000)
    said = state.inner_text()
    assert "the build failed" in said and "chapter 2 ('Cites Milton')" in said, said
    assert "milton1644" in said and "last build that worked" in said
    assert not any(w in said for w in MACHINE_WORDS), said
    # The previous EPUB is kept, and still offered.
    assert page.get_by_role("link", name="Download the EPUB").count() == 1
    assert (bookshop.site / "books" / "broken-spine" / "broken-spine.epub"
            ).read_bytes() == before
    context.close()


def test_only_editors_and_owners_make_and_build_books(bookshop):
    owner = bookshop.session("owner")
    owner.new_post("Chapter one", "Text.", action="publish")
    owner.get("/studio/books/")
    assert owner.post("/studio/books/", {"title": "Kept Book"}).status_code == 302
    owner.get("/studio/books/kept-book/")
    owner.post("/studio/books/kept-book/", {"action": "add", "post": "chapter-one"})
    addresses = ["/studio/books/", "/studio/books/kept-book/",
                 "/studio/books/kept-book/status/"]
    for role in ("author", "contributor"):
        s = bookshop.session(role)
        assert "/studio/books/" not in s.get("/studio/").text  # not in the navigation
        for path in addresses:
            assert s.get(path).status_code == 403, (role, path)
        assert s.post("/studio/books/kept-book/build/", {"format": "epub"}
                      ).status_code == 403
        assert s.post("/studio/books/kept-book/", {"action": "remove", "post": "chapter-one"}
                      ).status_code == 403
    editor = bookshop.session("editor")
    assert "/studio/books/" in editor.get("/studio/").text
    for path in addresses:
        assert editor.get(path).status_code == 200, path
    # An editor's build waits in the queue, and the page's script is told so.
    editor.get("/studio/books/kept-book/")
    assert editor.post("/studio/books/kept-book/build/", {"format": "screen-pdf"}
                       ).status_code == 302
    status = editor.get("/studio/books/kept-book/status/",
                        headers={"accept": "application/json"}).json()
    assert status["state"] == "queued" and status["running"] is True
    assert status["words"].startswith("Screen PDF: waiting for the worker")
    # A form from elsewhere (no CSRF token) changes nothing.
    assert editor.post("/studio/books/kept-book/", {"action": "remove",
                                                    "post": "chapter-one"},
                       token=False).status_code == 403
    assert "Chapter one" in editor.get("/studio/books/kept-book/").text
    # A signed-out visitor is sent to the login page, and gets no file.
    with bookshop.client() as c:
        assert c.get("/studio/books/kept-book/").status_code == 302
        assert c.get("/studio/books/kept-book/files/kept-book.epub").status_code == 302
    assert editor.get("/studio/books/kept-book/files/kept-book.epub").status_code == 404
    assert editor.get("/studio/books/kept-book/files/..%2Fmasthead.toml").status_code == 404
    assert editor.get("/studio/books/no-such-book/").status_code == 404


def test_refusals_are_said_in_the_form_in_a_writers_words(bookshop):
    owner = bookshop.session("owner")
    owner.new_post("Only draft", "Not yet.")
    owner.get("/studio/books/")
    untitled = owner.post("/studio/books/", {"title": "  ", "subtitle": "x"})
    assert untitled.status_code == 400
    assert "Not started: a book needs a title" in text_of(untitled.text)
    owner.post("/studio/books/", {"title": "Empty Book"})
    owner.get("/studio/books/empty-book/")
    nothing = owner.post("/studio/books/empty-book/build/", {"format": "all"})
    assert nothing.status_code == 400
    said = text_of(nothing.text)
    assert "Not built: 'Empty Book' has no chapters yet, so there is nothing to build" in said
    far = owner.post("/studio/books/empty-book/", {"action": "add", "post": "only-draft",
                                                   "at": "7"})
    assert far.status_code == 400 and "Not added: give a place from 1 to 1" in text_of(far.text)
    owner.post("/studio/books/empty-book/", {"action": "add", "post": "only-draft"})
    twice = owner.post("/studio/books/empty-book/", {"action": "add", "post": "only-draft"})
    assert "Not added: 'Only draft' is already in 'Empty Book'" in text_of(twice.text)
    gone = owner.post("/studio/books/empty-book/", {"action": "move", "post": "elsewhere",
                                                    "to": "1"})
    assert gone.status_code == 400 and "no longer in the book" in text_of(gone.text)
    (bookshop.site / "media").mkdir(exist_ok=True)
    bad_cover = owner.c.post("/studio/books/empty-book/", data={
        "csrfmiddlewaretoken": owner.token, "action": "details", "title": "Empty Book",
        "footnotes": "chapter"}, files={"cover_file": ("cover.png", b"not a picture")})
    assert bad_cover.status_code == 400
    assert "Not saved: the cover cover.png: not an image" in text_of(bad_cover.text)
    chosen = owner.post("/studio/books/empty-book/", {
        "action": "details", "title": "Empty Book", "footnotes": "chapter",
        "cover": "/media/../masthead.toml"})
    assert chosen.status_code == 400 and "is not a file of the site's media" in text_of(
        chosen.text)
    for page in (untitled, nothing, far, twice, gone, bad_cover, chosen):
        visible = text_of(page.text)
        assert not any(w in visible for w in MACHINE_WORDS), visible


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_cover_is_uploaded_then_chosen_from_the_sites_images(bookshop):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (600, 900), (120, 30, 30)).save(picture, "PNG")
    owner = bookshop.session("owner")
    owner.get("/studio/books/")
    owner.post("/studio/books/", {"title": "Covered"})
    owner.get("/studio/books/covered/")
    details = {"csrfmiddlewaretoken": owner.token, "action": "details", "title": "Covered",
               "footnotes": "chapter", "cover": ""}
    saved = owner.c.post("/studio/books/covered/", data=details,
                         files={"cover_file": ("front.png", picture.getvalue())})
    assert saved.status_code == 302
    page = owner.get("/studio/books/covered/").text
    cover = re.search(r'<option value="(/media/\d{4}/\d\d/front-\w+-600\.png)" selected>',
                      page)
    assert cover, page
    assert 'alt="The cover of Covered"' in page
    assert owner.get("/studio/media/files/" + cover.group(1)[len("/media/"):]
                     ).status_code == 200
    # Chosen again from the list: no cover, then the same image.
    assert owner.post("/studio/books/covered/", {**details, "cover": ""}).status_code == 302
    assert 'alt="The cover of Covered"' not in owner.get("/studio/books/covered/").text
    assert owner.post("/studio/books/covered/", {**details, "cover": cover.group(1)}
                      ).status_code == 302
    assert f'value="{cover.group(1)}" selected' in owner.get("/studio/books/covered/").text
