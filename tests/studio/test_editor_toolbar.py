"""The editor's toolbar and shortcuts in Chromium: each writes Markdown, one Ctrl+Z takes
one action back; the word count, the monospace setting, focus mode, the sticky actions."""

from __future__ import annotations

import pytest

from tests.studio.conftest import log_in

pytestmark = pytest.mark.browser


def _select(page, start: int, end: int | None = None) -> None:
    page.evaluate("([s, e]) => { const b = document.getElementById('body'); b.focus();"
                  " b.setSelectionRange(s, e); }", [start, start if end is None else end])


def _text(page) -> str:
    return page.locator("#body").input_value()


def _selection(page) -> tuple[int, int]:
    return tuple(page.evaluate(
        "() => { const b = document.getElementById('body');"
        " return [b.selectionStart, b.selectionEnd]; }"))


@pytest.fixture
def editor(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.goto(studio.url + "/studio/posts/new/")
    page.get_by_role("toolbar", name="Formatting").wait_for()
    return page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bold_italic_and_link_wrap_the_selection_and_one_undo_takes_each_back(editor):
    page = editor
    page.get_by_label("Text (Markdown").fill("Plain words here.")
    _select(page, 6, 11)  # "words"
    page.get_by_role("button", name="Bold").click()
    assert _text(page) == "Plain **words** here."
    assert _selection(page) == (8, 13)  # still the word, for another action on it
    page.keyboard.press("Control+z")
    assert _text(page) == "Plain words here."
    _select(page, 6, 11)
    page.keyboard.press("Control+b")
    assert _text(page) == "Plain **words** here."
    page.keyboard.press("Control+b")  # again: unwrapped
    assert _text(page) == "Plain words here."
    _select(page, 6, 11)
    page.keyboard.press("Control+i")
    assert _text(page) == "Plain *words* here."
    page.keyboard.press("Control+z")
    assert _text(page) == "Plain words here."
    _select(page, 6, 11)
    page.keyboard.press("Control+k")
    assert _text(page) == "Plain [words](https://) here."
    page.keyboard.type("https://example.org/")  # the address placeholder was selected
    assert _text(page) == "Plain [words](https://example.org/) here."


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_heading_quotation_and_list_act_on_whole_lines(editor):
    page = editor
    page.get_by_label("Text (Markdown").fill("Intro.\n\nA section\n\nSaid by someone.\n\nOne\nTwo")
    _select(page, 10)  # inside "A section"
    page.get_by_role("button", name="Heading").click()
    assert _text(page).split("\n")[2] == "## A section"
    page.get_by_role("button", name="Heading").click()
    assert _text(page).split("\n")[2] == "### A section"
    page.get_by_role("button", name="Heading").click()
    assert _text(page).split("\n")[2] == "A section"
    page.keyboard.press("Control+z")
    assert _text(page).split("\n")[2] == "### A section"
    start = _text(page).index("Said")
    _select(page, start + 2)
    page.get_by_role("button", name="Quotation").click()
    assert "> Said by someone.\n>\n> — Name\n" in _text(page)
    page.keyboard.type("Jane Doe")  # "Name" was selected
    assert "> — Jane Doe\n" in _text(page)
    start = _text(page).index("One")
    _select(page, start, len(_text(page)))
    page.get_by_role("button", name="List").click()
    assert _text(page).endswith("- One\n- Two")
    # The quotation renders attributed in the preview.
    frame = page.frame_locator("#preview")
    assert frame.locator("figure.quotation figcaption").inner_text() == "— Jane Doe"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_footnote_is_numbered_next_and_its_note_waits_at_the_end(editor):
    page = editor
    body = "First claim.[^1]\n\nSecond claim.\n\nLast paragraph.\n\n[^1]: An old note.\n"
    page.get_by_label("Text (Markdown").fill(body)
    at = body.index("Second claim") + len("Second claim")
    _select(page, at)
    page.get_by_role("button", name="Footnote").click()
    expected = ("First claim.[^1]\n\nSecond claim[^2].\n\nLast paragraph.\n\n"
                "[^1]: An old note.\n\n[^2]: ")
    assert _text(page) == expected
    assert _selection(page) == (len(expected), len(expected))  # the cursor is in the note
    # One undo takes back the mark and the note together.
    page.keyboard.press("Control+z")
    assert _text(page) == body
    _select(page, at)
    page.get_by_role("button", name="Footnote").click()
    page.keyboard.type("A new note.")
    assert _text(page) == expected + "A new note."
    frame = page.frame_locator("#preview")
    frame.locator("section.footnotes li#fn-2").wait_for()
    assert "A new note." in frame.locator("section.footnotes li#fn-2").inner_text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_cite_inserts_from_the_picker_and_undo_takes_it_back(editor):
    page = editor
    page.get_by_label("Text (Markdown").fill("As argued ")
    _select(page, len("As argued "))
    cite = page.get_by_role("button", name="Cite")
    assert page.locator("#cite-tool").is_hidden()
    cite.click()
    assert cite.get_attribute("aria-expanded") == "true"
    page.get_by_label("Cite a source").select_option("milton1644")
    page.get_by_role("button", name="Insert citation").click()
    assert _text(page) == "As argued [@milton1644]"
    assert page.locator("#cite-tool").is_hidden()
    page.frame_locator("#preview").locator("#bibliography .csl-entry").wait_for()
    page.keyboard.press("Control+z")
    assert _text(page) == "As argued "


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_words_and_reading_time_are_counted_as_the_writer_types(editor):
    page = editor
    count = page.locator("#word-count")
    assert count.inner_text() == "0 words · nothing to read yet"
    page.get_by_label("Text (Markdown").fill(
        "## Heading here\n\nSee [the page](https://example.org/a/b) [@milton1644].[^1]\n\n"
        "[^1]: A note.\n")
    # Heading here / See the page / A note: 7 words, no address, key or mark.
    assert count.inner_text() == "7 words · about a minute to read"
    page.get_by_label("Text (Markdown").fill("word " * 1000)
    assert count.inner_text() == "1,000 words · about 5 minutes to read"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_monospace_setting_is_remembered_in_the_browser(editor):
    page = editor
    text_box = page.locator("#body")
    serif = text_box.evaluate("b => getComputedStyle(b).fontFamily")
    assert "serif" in serif and "mono" not in serif
    page.get_by_role("button", name="Monospace").click()
    assert page.get_by_role("button", name="Monospace").get_attribute("aria-pressed") == "true"
    assert "monospace" in text_box.evaluate("b => getComputedStyle(b).fontFamily")
    page.reload()
    page.get_by_role("toolbar", name="Formatting").wait_for()
    assert "monospace" in page.locator("#body").evaluate("b => getComputedStyle(b).fontFamily")
    page.get_by_role("button", name="Monospace").click()
    page.reload()
    page.get_by_role("toolbar", name="Formatting").wait_for()
    assert "mono" not in page.locator("#body").evaluate("b => getComputedStyle(b).fontFamily")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_focus_mode_shows_only_the_text_and_escape_leaves_it(editor):
    page = editor
    page.get_by_role("button", name="Focus").click()
    assert page.locator("header.bar").is_hidden()
    assert page.locator("#preview").is_hidden()
    assert page.locator("#body").is_visible()
    assert page.get_by_role("button", name="Save draft").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("header.bar").is_visible()
    assert page.locator("#preview").is_visible()
    assert page.get_by_role("button", name="Focus").get_attribute("aria-pressed") == "false"


LONG = "\n\n".join(f"Paragraph {i} of a long essay, " + "with words " * 40 for i in range(60))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_save_publish_and_schedule_stay_in_view_with_a_long_text(browser, studio, size):
    owner = studio.session("owner")
    post_id = owner.new_post("A long essay", LONG)
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    assert page.evaluate("document.documentElement.scrollHeight") > size[1]
    for where in ["top", "middle", "text"]:
        if where == "middle":
            page.mouse.wheel(0, 900)
            page.wait_for_timeout(200)
        elif where == "text":
            page.locator("#body").click()
        for name in ["Save draft", "Publish now", "Schedule"]:
            box = page.get_by_role("button", name=name).bounding_box()
            assert box is not None, name
            assert box["y"] >= 0 and box["y"] + box["height"] <= size[1], (where, name, box)
    bar = page.locator(".editor .actions").bounding_box()
    assert bar["height"] <= size[1] * 0.25, bar
    page.screenshot(path=f"/tmp/ed/long-{size[0]}.png")
    ctx.close()
