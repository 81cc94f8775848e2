"""The editor for everyone: axe-core finds nothing with the toolbar, the image dialog or
focus mode; with JavaScript off the form still saves and publishes."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from tests.conftest import node_module
from tests.studio.conftest import log_in
from tests.studio.test_editor_images import GIVE_FILE, _png

pytestmark = pytest.mark.browser

AXE = """async () => await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("scheme", "size"), [("light", (1280, 800)), ("dark", (390, 844))])
def test_the_editor_passes_axe_with_its_toolbar_dialog_and_focus_mode(browser, studio,
                                                                      scheme, size):
    owner = studio.session("owner")
    post_id = owner.new_post("An essay", "Some text [@milton1644].\n\n## A part\n\nMore.\n")
    # axe is injected as an inline script, which the studio's CSP would (rightly) block.
    ctx = browser.new_context(color_scheme=scheme, bypass_csp=True,
                              viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    page.frame_locator("#preview").locator("article").wait_for()
    page.add_script_tag(content=node_module("axe-core", "axe.min.js").read_text())

    def problems() -> list:
        result = page.evaluate(AXE)
        return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]

    found = {"editor": problems()}
    page.get_by_role("button", name="Cite").click()
    found["cite"] = problems()
    transfer = page.evaluate_handle(GIVE_FILE, [_png(40, 30), "a.png"])
    page.evaluate("""(t) => document.getElementById('body').dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: t, bubbles: true, cancelable: true }))""",
                  transfer)
    page.get_by_role("dialog", name="Add an image").wait_for()
    page.wait_for_timeout(100)
    found["dialog"] = problems()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Focus").click()
    found["focus"] = problems()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the editor scrolls sideways: {width}"
    ctx.close()
    assert found == {"editor": [], "cite": [], "dialog": [], "focus": []}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_javascript_the_editor_still_saves_and_publishes(browser, studio):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/posts/new/")
    assert page.get_by_role("toolbar").count() == 0  # it needs the script, so it is hidden
    assert page.get_by_role("dialog").count() == 0
    assert "it needs JavaScript" in page.frame_locator("#preview").locator("body").inner_text()
    page.get_by_label("Title").fill("Written without scripts")
    page.get_by_label("Text (Markdown").fill("> Plain words.\n> -- Somebody\n")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**saved=1")
    assert page.get_by_label("Text (Markdown").input_value() == "> Plain words.\n> -- Somebody\n"
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**done=publish")
    path = f"/{dt.datetime.now(dt.UTC):%Y/%m}/written-without-scripts/"
    html = studio.wait_for(path, "Plain words").text
    assert "<figcaption>— Somebody</figcaption>" in html
    # The upload page still gives Markdown to copy.
    page.goto(studio.url + "/studio/media/")
    png = base64.b64decode(_png(30, 20))
    page.get_by_label("Image").set_input_files(
        {"name": "by-hand.png", "mimeType": "image/png", "buffer": png})
    page.get_by_label("Description (alt text)").fill("By hand")
    page.get_by_role("button", name="Upload").click()
    snippet = page.get_by_label("Copy this into your post").input_value()
    assert snippet.startswith("![By hand](/media/") and snippet.endswith("-30.png)")
    ctx.close()
