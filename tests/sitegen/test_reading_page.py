"""The reading page in Chromium: notes, reading time, the text face, the archive, search
dates, the favicon, and a console with no errors."""

from __future__ import annotations

import urllib.request

import pytest

from tests.conftest import run_masthead, serving

pytestmark = pytest.mark.browser

NOTES = "/2025/12/footnotes-are-a-courtesy/"


def watch(page, server: str) -> list[str]:
    """Console errors, failed requests and answers of 400 or more a page meets."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"script: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}")
            if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"outside: {r.url}")
            if not r.url.startswith((server, "data:")) else None)
    return problems


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_without_javascript_a_mark_jumps_to_its_note_which_stands_out(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(demo_server + NOTES)
    assert page.locator(".fn-note").count() == 0
    plain = page.eval_on_selector("#fn-2", "el => getComputedStyle(el).backgroundColor")
    page.click("#fnref-2")
    assert page.url.endswith("#fn-2")
    assert page.eval_on_selector("#fn-2", "el => el.matches(':target')")
    target = page.eval_on_selector("#fn-2", "el => getComputedStyle(el).backgroundColor")
    assert target != plain
    # ...and the way back lands on the mark, which stands out too.
    page.click("#fn-2 .footnote-back")
    assert page.url.endswith("#fnref-2")
    mark = page.eval_on_selector("#fnref-2", "el => getComputedStyle(el).backgroundColor")
    other = page.eval_on_selector("#fnref-1", "el => getComputedStyle(el).backgroundColor")
    assert mark != other
    context.close()


def test_on_a_wide_screen_each_note_stands_beside_its_mark_without_overlapping(browser,
                                                                              demo_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(demo_server + NOTES)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    column = box(page, ".post-body")
    sidenotes = page.locator(".fn-note")
    assert sidenotes.count() == 3
    assert sidenotes.nth(1).inner_text().startswith("2")
    assert "Medieval scribes" in sidenotes.nth(1).inner_text()
    boxes = [sidenotes.nth(i).bounding_box() for i in range(3)]
    below = None
    for i, note in enumerate(boxes):
        mark = box(page, f"#fnref-{i + 1}")
        assert note["x"] >= column["x"] + column["width"], "in the margin, not the column"
        assert note["x"] + note["width"] <= 1400
        # Level with its mark, or, if the note before reaches lower, just under that one.
        level = abs(note["y"] - mark["y"]) < 30
        under = below is not None and below <= note["y"] < below + 20 and note["y"] > mark["y"]
        assert level or under, (i, note, mark)
        if below is not None:
            assert note["y"] >= below, "sidenotes overlap"
        below = note["y"] + note["height"]
    # The notes take no room in the text column: it is where it is without them.
    width = page.evaluate("document.querySelector('.post-body').getBoundingClientRect().width")
    page.evaluate("document.querySelectorAll('.fn-note').forEach(n => n.remove())")
    assert box(page, ".post-body")["x"] == column["x"]
    assert page.evaluate(
        "document.querySelector('.post-body').getBoundingClientRect().width") == width
    context.close()


def test_on_a_phone_a_tap_on_the_mark_opens_the_note_in_place(browser, demo_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(demo_server + NOTES)
    mark = page.locator("#fnref-2")
    note = page.locator("#fnref-2 + .fn-note")
    assert mark.get_attribute("role") == "button"
    assert mark.get_attribute("aria-expanded") == "false"
    assert not note.is_visible()
    mark.tap()
    assert mark.get_attribute("aria-expanded") == "true"
    assert note.is_visible() and "Medieval scribes" in note.inner_text()
    assert page.url.endswith(NOTES), "the page did not jump"
    assert box(page, "#fnref-2 + .fn-note")["y"] > box(page, "#fnref-2")["y"]
    assert box(page, "#fnref-2 + .fn-note")["y"] < box(page, "#fnref-3")["y"], "in place"
    # Escape closes it and leaves the focus on the mark.
    mark.focus()
    page.keyboard.press("Escape")
    assert not note.is_visible()
    assert mark.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "fnref-2"
    # The keyboard opens it too (Space, as on any button).
    page.keyboard.press(" ")
    assert note.is_visible()
    context.close()


def test_a_post_says_how_long_it_takes_to_read(browser, demo_server):
    context = browser.new_context(java_script_enabled=False)  # the text as written
    page = context.new_page()
    page.goto(demo_server + NOTES)
    words = page.evaluate("document.querySelector('.post-body').textContent"
                          ".match(/[\\p{L}\\p{N}_]+/gu).length")
    assert words > 230
    shown = page.inner_text(".post-header .reading-time")
    assert shown == f"{-(-words // 230)} min read"  # 230 words a minute, rounded up
    context.close()


def test_text_is_set_in_the_sites_own_face(browser, demo_server):
    page = browser.new_page()
    fonts: list[str] = []
    page.on("response", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") else None)
    page.goto(demo_server + NOTES)
    page.wait_for_load_state("load")
    faces = page.evaluate("""async () => {
        await document.fonts.ready;
        return [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Masthead Serif')
            .map(f => [f.style, f.weight, f.status]);
    }""")
    assert ["normal", "400", "loaded"] in faces
    assert page.evaluate("document.fonts.check('1em \"Masthead Serif\"')")
    assert page.evaluate("getComputedStyle(document.querySelector('.post-body p')).fontFamily"
                         ).startswith('"Masthead Serif"')
    assert fonts and all(url.startswith(demo_server + "/static/fonts/") for url in fonts)
    preload = page.get_attribute('link[rel="preload"][as="font"]', "href")
    assert demo_server + preload in fonts, "the preloaded face is the one used"
    page.close()


def test_the_archive_lists_every_posts_title_under_its_month(browser, demo_server):
    page = browser.new_page()
    page.goto(demo_server + "/archive/")
    titles = page.locator(".archive-titles a").all_inner_texts()
    assert "Footnotes Are a Courtesy" in titles
    assert len(titles) == 12
    page.locator(".archive-titles a", has_text="Footnotes Are a Courtesy").click()
    page.wait_for_url("**" + NOTES)
    page.close()


def test_search_results_show_the_date_as_the_post_page_does(browser, demo_server):
    page = browser.new_page()
    problems = watch(page, demo_server)
    page.goto(demo_server + "/search/?q=footnotes+courtesy")
    page.wait_for_selector("#search-results li")
    first = page.locator("#search-results li").first
    assert first.locator("h2 a").inner_text() == "Footnotes Are a Courtesy"
    date = first.locator(".meta").inner_text()
    page.goto(demo_server + NOTES)
    assert date == page.inner_text(".post-header time.dt-published")
    assert problems == []
    page.close()


@pytest.mark.parametrize("path", ["/", NOTES, "/search/?q=reading"])
def test_pages_load_with_no_console_error_and_no_failed_request(browser, demo_server, path):
    page = browser.new_page()
    problems = watch(page, demo_server)
    page.goto(demo_server + path)
    page.wait_for_load_state("networkidle")
    if "search" in path:
        page.wait_for_selector("#search-results li")
    assert problems == []
    icons = page.evaluate("[...document.querySelectorAll('link[rel=icon]')].map(l => l.href)")
    assert icons == [demo_server + "/favicon.ico", demo_server + "/favicon.svg"]
    page.close()


def test_the_favicon_is_the_sites_initials_in_the_themes_colours(demo_server):
    with urllib.request.urlopen(demo_server + "/favicon.svg") as answer:
        svg = answer.read().decode()
        assert answer.headers["content-type"] == "image/svg+xml"
    assert ">LM</text>" in svg and "#1b4f8a" in svg
    with urllib.request.urlopen(demo_server + "/favicon.ico") as answer:
        assert answer.read(4) == b"\0\0\1\0"  # an icon file


def test_a_sites_own_favicon_replaces_the_initials(browser, tmp_path):
    from tests.conftest import make_site

    site = make_site(tmp_path, title="The Long Margin")
    (site / "static").mkdir()
    own = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle r="4"/></svg>'
    (site / "static" / "favicon.svg").write_bytes(own)
    run_masthead("build", site=site)
    with serving(site, worker=False) as url:
        with urllib.request.urlopen(url + "/favicon.svg") as answer:
            assert answer.read() == own
        with urllib.request.urlopen(url + "/favicon.ico") as answer:
            assert answer.status == 200 and answer.read(4) == b"\0\0\1\0"
        page = browser.new_page()
        page.goto(url + "/")
        shown = page.evaluate("""async href => {
            const r = await fetch(href); return r.ok && await r.text();
        }""", page.get_attribute('link[type="image/svg+xml"]', "href"))
        assert shown.encode() == own
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1400])
def test_open_notes_and_sidenotes_pass_axe(browser, demo_server, width, scheme):
    from tests.conftest import node_module

    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(demo_server + NOTES)
    page.click("#fnref-2")  # opens the note on a phone, marks its sidenote on a desktop
    assert page.locator("#fnref-2 + .fn-note").is_visible()
    page.add_script_tag(content=node_module("axe-core", "axe.min.js").read_text())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
    })""")
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
