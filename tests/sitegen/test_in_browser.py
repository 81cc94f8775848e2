"""The demo site in Debian's Chromium: accessible (axe-core) and searchable."""

from __future__ import annotations

import pytest

from tests.conftest import node_module

pytestmark = pytest.mark.browser

PAGES = ["/", "/2025/10/orwell-and-the-windowpane/", "/2025/12/footnotes-are-a-courtesy/",
         "/tags/free-press/", "/search/", "/archive/", "/2025/", "/about/", "/page/1/"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_module("axe-core", "axe.min.js").read_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser, demo_server, axe_source, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(demo_server) and not r.url.startswith("data:") else None)
    page.goto(demo_server + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
    })""")
    context.close()
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]]
    assert problems == []
    assert outside == []


def test_search_finds_posts_as_you_type(browser, demo_server):
    page = browser.new_page()
    page.goto(demo_server + "/search/")
    page.fill("#search-input", "windowp")
    page.wait_for_selector("#search-results li")
    titles = page.locator("#search-results h2 a").all_inner_texts()
    assert titles[0] == "The Free Press, Briefly (3): Orwell and the Windowpane"
    assert "result" in page.inner_text("#search-status")
    page.locator("#search-results h2 a").first.click()
    page.wait_for_url("**/2025/10/orwell-and-the-windowpane/")
    page.close()


def test_search_ranks_by_relevance_and_requires_every_word(browser, demo_server):
    page = browser.new_page()
    page.goto(demo_server + "/search/?q=milton+licenser")
    page.wait_for_selector("#search-results li")
    titles = page.locator("#search-results h2 a").all_inner_texts()
    assert titles[0].endswith("Milton's Unlicensed Printing")
    page.goto(demo_server + "/search/?q=zzzxqy")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('No results')")
    page.close()


def test_pages_work_on_a_phone_without_horizontal_scrolling(browser, demo_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in PAGES[:4]:
        page.goto(demo_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()
