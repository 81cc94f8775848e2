"""The web book in Debian's Chromium: a reader goes from the contents to a chapter, on
through the book across a part's end, back to the contents, and downloads the book;
the book's page and a chapter's page are accessible (axe-core), light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.books.test_web_book import make_book_site
from tests.conftest import node_module, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = make_book_site(tmp_path_factory.mktemp("webbook-browser"))
    with serving(site, worker=False) as url:
        yield url


def chapter_title(page) -> str:
    return page.locator("main h1").inner_text()


def test_a_reader_goes_through_the_book_and_back_to_its_contents(browser, server):
    page = browser.new_page()
    page.goto(server + "/books/margin/")
    page.get_by_role("link", name="Margins", exact=True).click()
    assert chapter_title(page) == "Margins"
    book_nav = page.get_by_role("navigation", name="In the book The Long Margin")
    assert book_nav.locator(".previous").count() == 0
    book_nav.get_by_role("link", name="Notes", exact=True).click()
    assert chapter_title(page) == "Notes"
    # Notes ends Part One; the next chapter opens Part Two.
    page.get_by_role("navigation", name="In the book The Long Margin").get_by_role(
        "link", name="Archives", exact=True).click()
    assert chapter_title(page) == "Archives"
    book_nav = page.get_by_role("navigation", name="In the book The Long Margin")
    assert book_nav.locator(".next").count() == 0  # Endings is still to come
    book_nav.locator(".previous a").click()
    assert chapter_title(page) == "Notes"
    page.get_by_role("navigation", name="In the book The Long Margin").get_by_role(
        "link", name="The Long Margin", exact=True).click()
    assert page.url == server + "/books/margin/"
    assert page.get_by_role("heading", level=1).inner_text() == "The Long Margin"
    page.close()


def test_the_download_links_give_the_book_files(browser, server, tmp_path: Path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/books/margin/")
    expected = {"EPUB, for e-readers": ("margin.epub", "application/epub+zip", b"PK"),
                "PDF, for print": ("margin.pdf", "application/pdf", b"%PDF"),
                "PDF, for screens": ("margin-screen.pdf", "application/pdf", b"%PDF")}
    for label, (name, kind, magic) in expected.items():
        link = page.get_by_role("link", name=label)
        answer = context.request.get(server + link.get_attribute("href"))
        assert (answer.status, answer.headers["content-type"]) == (200, kind)
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / name
        download.value.save_as(saved)
        assert download.value.suggested_filename == name
        assert saved.read_bytes()[:len(magic)] == magic
        assert saved.read_bytes() == answer.body()
    context.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_module("axe-core", "axe.min.js").read_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/books/margin/", "notes", "/books/"])
def test_no_axe_violations(browser, server, axe_source, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    if not path.startswith("/"):  # a chapter: found from the contents
        page.goto(server + "/books/margin/")
        path = page.get_by_role("link", name=path.title(), exact=True).get_attribute("href")
    page.goto(server + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
    })""")
    context.close()
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]]
    assert problems == []
