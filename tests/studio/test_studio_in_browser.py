"""The studio in Debian's Chromium: write with a live preview, autosave, publish, roles,
accessibility (axe-core) on every studio page, a phone-sized screen, and no request
leaving the server."""

from __future__ import annotations

import ast
import datetime as dt
import email
import re
import time
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT, ROOT, make_site, node_module, run_masthead, serving
from tests.studio.conftest import Studio, add_accounts, log_in
from tests.studio.conftest import email as email_of

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


# Every address in masthead/studio/urls.py, by its name: the pages, with the path axe
# reads (filled in from the site the test makes), and the rest with why they are not a
# page. A new address must go in one or the other, so no page escapes axe.
PAGES = {
    "login": "/studio/login/",
    "password_reset": "/studio/password/reset/",
    "password_reset_confirm": "{reset}",
    "invitation": "{invitation}",
    "posts": "/studio/",
    "new_post": "/studio/posts/new/",
    "edit_post": "/studio/posts/{post}/",
    "revisions": "/studio/posts/{post}/revisions/",
    "upload_image": "/studio/media/",
    "site_settings": "/studio/settings/",
    "sources": "/studio/sources/",
    "newsletter": "/studio/newsletter/",
    "email": "/studio/email/",
    "outbox": "/studio/outbox/",
    "outbox_message": "/studio/outbox/{message}/",
    "people": "/studio/people/",
    "trash": "/studio/trash/",
    "stats": "/studio/stats/",
    "books": "/studio/books/",
    "book": "/studio/books/{book}/",
    "channels": "/studio/channels/",
}
NOT_PAGES = {
    "logout": "a form's target (POST)",
    "autosave": "answers the editor's script (JSON)",
    "restore": "a form's target (POST)",
    "preview": "answers the editor's script (JSON); the theme's page is axe-checked "
               "on the demo (tests/sitegen/test_in_browser.py)",
    "media_file": "an image",
    "preview_theme": "the theme's CSS and fonts",
    "post_live": "answers the editor's script (JSON); the line it fills is in edit_post",
    "outbox_html": "an email's own HTML, shown in a sandboxed frame of outbox_message",
    "newsletter_import": "a form's target (POST)",
    "newsletter_export": "a CSV file",
    "newsletter_send": "a form's target (POST)",
    "newsletter_progress": "answers the Newsletter page's script (JSON)",
    "trash_post": "a form's target (POST)",
    "restore_post": "a form's target (POST)",
    "delete_post": "a form's target (POST)",
    "stats_csv": "a CSV file",
    "book_build": "a form's target (POST)",
    "book_status": "answers the book page's script (JSON)",
    "book_file": "a book's EPUB or PDF",
    "studio_static": "the studio's CSS and scripts",
}
SIGNED_OUT = ["login", "password_reset", "password_reset_confirm", "invitation"]


def studio_url_names() -> list[str]:
    """The names in masthead/studio/urls.py, read from its source (no Django needed)."""
    tree = ast.parse((ROOT / "masthead" / "studio" / "urls.py").read_text())
    return [kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
            for kw in node.keywords if kw.arg == "name"]


def test_every_studio_address_is_axe_checked_or_said_not_to_be_a_page():
    names = studio_url_names()
    assert len(names) > 20
    assert sorted(set(names) - PAGES.keys() - NOT_PAGES.keys()) == [], \
        "new studio addresses: add them to PAGES (or NOT_PAGES, saying why)"
    assert sorted((PAGES.keys() | NOT_PAGES.keys()) - set(names)) == []


def _letters(folder: Path, count: int) -> list:
    """The messages the site wrote to its outbox folder, oldest first, once there are
    count of them (invitations and resets may be sent by the worker)."""
    deadline = time.monotonic() + 30
    while len(names := sorted(folder.glob("*.eml"))) < count:
        assert time.monotonic() < deadline, f"{len(names)} of {count} messages written"
        time.sleep(0.2)
    return [(p.name, email.message_from_bytes(p.read_bytes(), policy=policy.default))
            for p in names]


@pytest.fixture(scope="module")
def full_studio(tmp_path_factory) -> Iterator[tuple[Studio, dict[str, str]]]:
    """A served site with something on every page: a post with a revision, one in the
    Trash, subscribers, and mail kept in a folder (so the Outbox holds an invitation and
    a password reset whose links are real)."""
    tmp_path = tmp_path_factory.mktemp("full-studio")
    site = make_site(tmp_path, url="http://127.0.0.1/")
    add_accounts(site)
    run_masthead("import", "bibtex", DEMO_CONTENT / "bibliography.bib", site=site)
    with (site / "masthead.toml").open("a", encoding="utf-8") as f:
        f.write('\n[smtp]\nfolder = "outbox"\nfrom_address = "Test Site <site@example.org>"\n')
    (tmp_path / "readers.csv").write_text("email,status\nann@example.org,confirmed\n")
    run_masthead("subscribers", "import", tmp_path / "readers.csv", site=site)
    with (site / "masthead.toml").open("a", encoding="utf-8") as f:  # a channel to list
        f.write('\n[secrets]\nHOOK = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"\n')
    run_masthead("channel", "add", "webhook", "https://hooks.invalid/masthead",
                 "--secret-env", "HOOK", "--name", "hooks", site=site)
    run_masthead("build", site=site)
    with serving(site) as url:
        studio = Studio(url, site)
        owner = studio.session("owner")
        post = owner.new_post("An essay", BODY, tags="one, two", action="publish")
        owner.get(f"/studio/posts/{post}/")
        owner.post(f"/studio/posts/{post}/", {"title": "An essay", "body": BODY + "More.\n",
                                              "tags": "one, two", "action": "save"})
        run_masthead("book", "new", "a-book", "--title", "A Book", site=site)
        run_masthead("book", "add", "a-book", "an-essay", "--part", "Part One", site=site)
        owner.new_post("A chapter to come")
        run_masthead("book", "add", "a-book", "a-chapter-to-come", site=site)
        gone = owner.new_post("A draft to throw away")
        owner.get("/studio/")
        owner.post(f"/studio/posts/{gone}/trash/")
        owner.get("/studio/people/")
        owner.post("/studio/people/", {"action": "invite", "email": "w@example.org",
                                       "role": "editor"})
        visitor = studio.session(None)
        visitor.get("/studio/password/reset/")
        visitor.post("/studio/password/reset/", {"email": email_of("author")})
        letters = _letters(site / "outbox", 2)
        links = [re.search(r"/studio/(?:invitation|password/reset)/\S+/",
                           msg.get_content()).group(0) for _, msg in letters]
        yield studio, {
            "post": str(post), "book": "a-book", "message": letters[0][0],
            "invitation": next(x for x in links if "/invitation/" in x),
            "reset": next(x for x in links if "/password/reset/" in x)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_studio_page_passes_axe_and_fits_a_phone(browser, full_studio, axe_source,
                                                       scheme):
    studio, parts = full_studio
    # axe is injected as an inline script, which the studio's CSP would (rightly) block.
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 375, "height": 740},
                              bypass_csp=True)
    page = ctx.new_page()
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(studio.url) and not r.url.startswith("data:") else None)
    names = SIGNED_OUT + [None] + [n for n in PAGES if n not in SIGNED_OUT]
    problems = {}
    for name in names:
        if name is None:
            log_in(page, studio.url, "owner")
            continue
        path = PAGES[name].format(**parts)
        response = page.goto(studio.url + path)
        assert response.status == 200 and page.url == studio.url + path, (name, page.url)
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
