"""The studio in Debian's Chromium: write with a live preview, autosave, publish, roles,
accessibility (axe-core), a phone-sized screen, and no request leaving the server."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import node_module
from tests.studio.conftest import log_in

pytestmark = pytest.mark.browser

BODY = ("Milton argued against licensing [@milton1644, p. 4].[^1]\n\n"
        "[^1]: Areopagitica was printed without a licence.\n")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_write_preview_autosave_and_publish(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.get_by_role("link", name="New post").first.click()
    page.get_by_label("Title").fill("On Licensing")
    page.get_by_label("Text (Markdown").fill(BODY)
    preview = page.frame_locator("#preview").locator("body")
    preview.locator("section.footnotes").wait_for()
    assert "Milton 1644, 4" in preview.inner_text()
    assert "Areopagitica was printed without a licence." in preview.inner_text()
    assert preview.locator("#bibliography .csl-entry").count() == 1
    # The first autosave creates the draft and moves the editor to its address.
    page.wait_for_url("**/studio/posts/*/", timeout=15_000)
    page.get_by_text("Autosaved at").wait_for(timeout=15_000)
    page.get_by_label("Text (Markdown").fill(BODY + "\nA last sentence, autosaved.\n")
    # Within seconds the server has it (asked with the browser's own session)...
    for _ in range(100):
        if "last sentence, autosaved" in context.request.get(page.url).text():
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the edit was not autosaved")
    # ...so closing the tab loses nothing.
    page.close()
    page = context.new_page()
    page.goto(studio.url + "/studio/")
    page.get_by_role("link", name="On Licensing").click()
    assert "A last sentence, autosaved." in page.get_by_label("Text (Markdown").input_value()
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**done=publish")
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    studio.wait_for(f"/{year_month}/on-licensing/", "A last sentence")
    page.goto(f"{studio.url}/{year_month}/on-licensing/")
    assert "Areopagitica was printed without a licence." in page.locator(
        "section.footnotes").inner_text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_contributor_writes_drafts_but_cannot_publish(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "contributor")
    page.goto(studio.url + "/studio/posts/new/")
    assert page.get_by_role("button", name="Publish now").count() == 0
    assert page.get_by_role("button", name="Schedule").count() == 0
    assert "an editor publishes them" in page.inner_text("main")
    page.get_by_label("Title").fill("A contributor's draft")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**saved=1")
    assert page.get_by_role("button", name="Publish now").count() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_preview_marks_an_unknown_key_where_it_stands_and_renders_the_rest(context,
                                                                               studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.goto(studio.url + "/studio/posts/new/")
    page.get_by_label("Title").fill("Half ready")
    page.get_by_label("Text (Markdown").fill(
        "Milton argued against licensing [@milton1644, p. 4].\n\n"
        "A claim from somewhere [@nosuchkey].\n\n**The rest still renders.**\n")
    preview = page.frame_locator("#preview").locator("body")
    problem = preview.locator("mark.citation-problem")
    problem.wait_for()
    assert "[@nosuchkey]" in problem.inner_text()
    assert "line 3: no source with the key 'nosuchkey'" in problem.inner_text()
    assert "Milton 1644, 4" in preview.inner_text()
    assert preview.locator("strong").inner_text() == "The rest still renders."
    assert preview.locator("#bibliography .csl-entry").count() == 1
    note = page.locator("#preview-problems")
    assert "Not ready to publish" in note.inner_text()
    assert note.get_by_role("link", name="Sources").get_attribute("href") == "/studio/sources/"
    # Corrected, the mark and the note go.
    page.get_by_label("Text (Markdown").fill("Now fine [@milton1644].\n")
    preview.locator("#bibliography .csl-entry").wait_for()
    problem.wait_for(state="detached")
    assert note.count() == 0


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_module("axe-core", "axe.min.js").read_text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_studio_pages_pass_axe_and_fit_a_phone(browser, studio, axe_source, scheme):
    owner = studio.session("owner")
    post_id = owner.new_post("An essay", BODY, tags="one, two")
    # axe is injected as an inline script, which the studio's CSP would (rightly) block.
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 375, "height": 740},
                              bypass_csp=True)
    page = ctx.new_page()
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(studio.url) and not r.url.startswith("data:") else None)
    problems = {}
    for path in ["/studio/login/", None, "/studio/", "/studio/posts/new/",
                 f"/studio/posts/{post_id}/", f"/studio/posts/{post_id}/revisions/",
                 "/studio/settings/", "/studio/sources/", "/studio/media/",
                 "/studio/password/reset/", "/studio/newsletter/"]:
        if path is None:
            log_in(page, studio.url, "owner")
            continue
        page.goto(studio.url + path)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("""async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']}})""")
        found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if found:
            problems[path] = found
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
    ctx.close()
    assert problems == {}
    assert outside == []
