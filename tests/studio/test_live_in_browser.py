"""In Debian's Chromium, with `masthead serve` running: Publish, see "Publishing…" turn
into "Live", follow "View post" and read the new text; the line passes axe-core; with
JavaScript off the page after Publish says where the post stands and, once live, links
to it."""

from __future__ import annotations

import pytest

from tests.conftest import node_module
from tests.studio.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publish_see_live_and_follow_view_post_to_the_new_text(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.get_by_role("link", name="New post").first.click()
    page.get_by_label("Title").fill("On Windowpanes")
    page.get_by_label("Text (Markdown").fill("Good prose is like a windowpane.\n")
    page.wait_for_url("**/studio/posts/*/", timeout=15_000)  # the first autosave
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**done=publish")
    live = page.locator("#live-state")
    live.get_by_text("Live").wait_for(timeout=30_000)
    assert live.inner_text().startswith("Live")
    page.get_by_role("link", name="View post").click()
    page.wait_for_load_state()
    assert "/studio/" not in page.url
    assert "Good prose is like a windowpane." in page.locator("main").inner_text()
    # Update with a new text: "Live" again, and the link shows the new text.
    page.go_back()
    page.get_by_label("Text (Markdown").fill("Prose, said Orwell, is a windowpane.\n")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**done=save")
    page.locator("#live-state").get_by_role("link", name="View post").wait_for(timeout=30_000)
    page.get_by_role("link", name="View post").click()
    assert "Prose, said Orwell, is a windowpane." in page.locator("main").inner_text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_live_line_passes_axe_and_works_without_javascript(browser, studio):
    owner = studio.session("owner")
    post_id = owner.new_post("Plain", "Read without scripts.", action="publish")
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{post_id}/?done=publish")
    for _ in range(100):  # the writer reloads ("Check again") until it is live
        link = page.locator("#live-state").get_by_role("link", name="View post")
        if link.count():
            break
        page.wait_for_timeout(200)
        page.reload()
    link.click()
    assert "Read without scripts." in page.locator("main").inner_text()
    ctx.close()
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{post_id}/?done=publish")
    page.locator("#live-state").get_by_text("Live").wait_for(timeout=30_000)
    page.add_script_tag(content=node_module("axe-core", "axe.min.js").read_text())
    result = page.evaluate("""async () => await axe.run('#live-state', {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                        'best-practice']}})""")
    assert [v["id"] for v in result["violations"]] == []
    ctx.close()
