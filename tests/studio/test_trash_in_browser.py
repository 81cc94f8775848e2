"""The Trash, the post list and the settings' links in Debian's Chromium: deleting and
restoring as a writer does it, a phone's filters, and axe-core on every page changed."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from tests.conftest import node_module, run_masthead
from tests.studio.conftest import log_in

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def year_month() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y/%m")


def answers(url: str, status: int, timeout: float = 30) -> httpx.Response:
    """The public address, once the worker's build gives it this status."""
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(url, follow_redirects=False)
        if r.status_code == status:
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} answers {r.status_code}, not {status}")
        time.sleep(0.2)


def test_a_published_post_trashed_from_the_list_is_gone_until_undo(context, studio):
    studio.session("owner").new_post("Second Thoughts", "I take it back.", action="publish")
    address = f"{studio.url}/{year_month()}/second-thoughts/"
    answers(address, 200)
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.get_by_role("button", name="Move to Trash “Second Thoughts”").click()
    page.wait_for_url("**/studio/?trashed=*")
    assert page.get_by_role("status").inner_text().startswith(
        "Moved “Second Thoughts” to the Trash.")
    assert page.get_by_role("link", name="Second Thoughts").count() == 0
    assert page.get_by_role("link", name="Trash (1)").count() == 1
    gone = answers(address, 410)
    assert "This post has been withdrawn" in gone.text
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url("**/studio/?restored=*")
    assert page.get_by_role("link", name="Second Thoughts").count() == 1
    assert "I take it back." in answers(address, 200).text


def test_the_editor_trashes_with_a_replacement_and_the_trash_page_restores(context, studio):
    owner = studio.session("owner")
    owner.new_post("The New Version", "Better.", action="publish")
    old = owner.new_post("The Old Version", "Worse.", action="publish")
    answers(f"{studio.url}/{year_month()}/the-old-version/", 200)
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{old}/")
    page.get_by_label("When it is deleted, send readers to").select_option(
        label="The New Version")
    page.get_by_role("button", name="Move to Trash").click()
    page.wait_for_url("**/studio/?trashed=*")
    moved = answers(f"{studio.url}/{year_month()}/the-old-version/", 301)
    assert moved.headers["location"] == f"/{year_month()}/the-new-version/"
    # The Trash, from the studio's menu: when it went, when it goes for good.
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Trash").click()
    row = page.locator("table.posts tbody tr")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "The Old Version" and cells[1] == "Published"
    went = dt.datetime.strptime(cells[2], "%d %B %Y, %H:%M")
    goes = dt.datetime.strptime(cells[3], "%d %B %Y, %H:%M")
    assert goes - went == dt.timedelta(days=30)
    page.get_by_role("button", name="Restore “The Old Version”").click()
    page.wait_for_url("**/studio/trash/?restored=*")
    assert "it is back on the site at its address" in page.get_by_role("status").inner_text()
    assert page.get_by_text("The Trash is empty.").count() == 1
    assert "Worse." in answers(f"{studio.url}/{year_month()}/the-old-version/", 200).text
    # A draft, trashed from its editor, then deleted for good from the Trash.
    draft = owner.new_post("Abandoned Idea")
    page.goto(f"{studio.url}/studio/posts/{draft}/")
    assert page.get_by_label("When it is deleted, send readers to").count() == 0
    page.get_by_role("button", name="Move to Trash").click()
    page.goto(f"{studio.url}/studio/trash/")
    page.get_by_role("button", name="Delete now “Abandoned Idea”").click()
    page.wait_for_url("**deleted=1")
    assert run_masthead("post", "list", "--status", "trashed", site=studio.site
                        ).stdout == "No trashed posts.\n"


def test_a_new_post_left_without_a_title_is_not_kept(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.goto(studio.url + "/studio/posts/new/")
    page.get_by_label("Text (Markdown").fill("A thought I did not finish")
    page.wait_for_timeout(4000)  # longer than the autosave's three seconds
    page.goto(studio.url + "/studio/")
    assert page.get_by_text("No posts match.").count() == 1
    assert run_masthead("post", "list", site=studio.site).stdout == "No posts.\n"


def test_support_links_are_rows_added_and_removed_in_the_settings(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/settings/")
    page.get_by_label("Label of link 1").fill("Patreon")
    page.get_by_label("Address of link 1").fill("https://patreon.example/me")
    page.get_by_role("button", name="Add a link").click()
    assert page.evaluate("document.activeElement.id") == "s-support_links-label-2"
    page.keyboard.type("Ko-fi")
    page.get_by_label("Address of link 2").fill("https://ko-fi.example/me")
    page.get_by_role("button", name="Add a link").click()
    page.get_by_label("Label of link 3").fill("Gone")
    page.get_by_role("button", name="Remove link 3").click()
    assert page.get_by_label("Label of link 3").count() == 0
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**saved=1")
    stored = run_masthead("settings", "support_links", site=studio.site).stdout
    assert stored.strip() == ('[{"label": "Patreon", "url": "https://patreon.example/me"}, '
                              '{"label": "Ko-fi", "url": "https://ko-fi.example/me"}]')
    # The first row removed: the other takes its place, and is saved alone.
    page.get_by_role("button", name="Remove link 1").click()
    assert page.get_by_label("Label of link 1").input_value() == "Ko-fi"
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**saved=1")
    stored = run_masthead("settings", "support_links", site=studio.site).stdout
    assert stored.strip() == '[{"label": "Ko-fi", "url": "https://ko-fi.example/me"}]'
    # A row with a label and no address is refused, its field named.
    page.get_by_role("button", name="Add a link").click()
    page.get_by_label("Label of link 2").fill("Half a link")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("alert").inner_text() == (
        "Support links: link 2: give its address (https://...)")


def test_on_a_phone_each_filter_label_stays_with_its_field(browser, studio):
    studio.session("owner").new_post("Anything")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    for name in ("Search", "Status", "Kind"):
        label = page.locator(".filters label", has_text=name).bounding_box()
        field = page.get_by_label(name, exact=True).bounding_box()
        # Right above its field, at its left edge: never at the end of the line before.
        assert 0 <= field["y"] - (label["y"] + label["height"]) <= 8, name
        assert abs(field["x"] - label["x"]) <= 1, name
    ctx.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_module("axe-core", "axe.min.js").read_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_changed_pass_axe_and_fit_a_phone(browser, studio, axe_source, scheme):
    owner = studio.session("owner")
    live = owner.new_post("A Published Essay", "Text.", action="publish")
    owner.new_post("Another Essay", "Text.", action="publish")
    owner.new_post("Scheduled Essay", "Text.", action="schedule",
                   publish_at="2030-12-24T09:00")
    trashed = owner.new_post("A Trashed Draft")
    owner.get("/studio/")
    owner.post(f"/studio/posts/{trashed}/trash/")
    run_masthead("settings", "support_links",
                 '[{"label": "Patreon", "url": "https://patreon.example/me"}]', site=studio.site)
    run_masthead("post", "trash", "another-essay", site=studio.site)
    withdrawn = f"/{year_month()}/another-essay/"
    answers(studio.url + withdrawn, 410)
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844},
                              bypass_csp=True)
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    problems = {}
    for path in ["/studio/", f"/studio/?trashed={trashed}", "/studio/?sort=title",
                 "/studio/trash/", f"/studio/posts/{live}/", f"/studio/posts/{trashed}/",
                 f"/studio/posts/{live}/revisions/", "/studio/settings/", withdrawn]:
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
