"""A new writer's first hour in the studio, in Debian's Chromium, never at a terminal.

The site is made as the README says (`masthead init`, an owner account, a build,
`masthead serve`); from there everything is done in the browser: a post written with the
toolbar and shortcuts, an image pasted, published and read on the site, moved to the
Trash and restored, sending set up against a real SMTP server (aiosmtpd on 127.0.0.1) and
tested, subscribers uploaded from Substack's export, and a second writer invited, who
accepts by the link in their email. Each step checks what the writer sees, on a desktop
and on a phone.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, free_port, run_masthead, wait_for_port
from tests.studio.test_editor_images import MARKDOWN_RE, _paste, _png
from tests.studio.test_trash_in_browser import answers

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OWNER = "you@example.org"
PASSWORD = "the first page is the hardest"
SECOND = "second@example.org"
SECOND_PASSWORD = "two writers, one masthead"


@contextlib.contextmanager
def new_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A site set up as the README's "Using it" does, served at the address it was made
    with (so the links in its emails and its "View post" lead back to this server)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    site = tmp_path / "essays"
    run_masthead("init", site, "--title", "My Essays", "--url", url + "/")
    run_masthead("user", "create", OWNER, "--role", "owner", "--name", "Ada Writer",
                 site=site, input=PASSWORD + "\n")
    run_masthead("build", site=site)
    proc = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc, "masthead serve", 30)
        yield site, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _select_text(page, text: str) -> None:
    """Select the first occurrence of text in the editor's text box, as a mouse would."""
    page.evaluate("""(t) => { const b = document.getElementById('body'); b.focus();
        const at = b.value.indexOf(t); b.setSelectionRange(at, at + t.length); }""", text)


def _cursor_after(page, text: str) -> None:
    page.evaluate("""(t) => { const b = document.getElementById('body'); b.focus();
        const at = b.value.indexOf(t) + t.length; b.setSelectionRange(at, at); }""", text)


def _fits(page) -> None:
    """The page does not scroll sideways (on a phone, nothing is cut off at the right),
    measured once its stylesheets are in (on a loaded machine they can come after the
    first paint, and an unstyled table is wider than the phone)."""
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.styleSheets].every(s => { try { return s.cssRules.length >= 0 } catch (e) { return true } })")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_new_writer_writes_publishes_trashes_restores_sets_up_email_and_invites(
        browser, tmp_path, mail_sink, size):
    with new_site(tmp_path) as (_site, url):
        ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
        outside: list[str] = []
        ctx.on("request", lambda r: outside.append(r.url)
               if not r.url.startswith(url) and not r.url.startswith("data:") else None)
        page = ctx.new_page()

        # Signing in.
        page.goto(url + "/studio/")
        page.get_by_label("Email address").fill(OWNER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(url + "/studio/")
        assert page.locator(".who").inner_text() == "Ada Writer (Owner)"

        # Writing: a heading, bold by Ctrl+B, a footnote from the toolbar.
        page.get_by_role("navigation", name="Studio").get_by_role("link",
                                                                  name="New post").click()
        page.get_by_role("toolbar", name="Formatting").wait_for()
        page.get_by_label("Title").fill("A First Essay")
        text_box = page.get_by_label("Text (Markdown")
        text_box.fill("Why I write\n\nI write to find out what I think.\n\nThat is all.")
        _cursor_after(page, "Why I")
        page.get_by_role("button", name="Heading").click()
        _select_text(page, "find out")
        page.keyboard.press("Control+b")
        _cursor_after(page, "what I think.")
        page.get_by_role("button", name="Footnote").click()
        page.keyboard.type("Joan Didion said it first.")
        assert text_box.input_value() == (
            "## Why I write\n\nI write to **find out** what I think.[^1]\n\nThat is all."
            "\n\n[^1]: Joan Didion said it first.")
        preview = page.frame_locator("#preview")
        preview.locator("section.footnotes li", has_text="Joan Didion").wait_for()
        assert preview.locator("strong").inner_text() == "find out"
        assert preview.locator("h2", has_text="Why I write").count() == 1
        _fits(page)

        # An image, pasted after the first paragraph, described in the dialog.
        _cursor_after(page, "what I think.[^1]")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        _paste(page, _png(), "My Desk.png")
        dialog = page.get_by_role("dialog", name="Add an image")
        dialog.get_by_label("Describe it for readers who cannot see it").fill(
            "A desk by a window")
        dialog.get_by_role("button", name="Upload and insert").click()
        dialog.wait_for(state="hidden")
        markdown = MARKDOWN_RE.format(alt="A desk by a window", name="my-desk", width=400)
        assert re.search(markdown, text_box.input_value()), text_box.input_value()
        image = preview.get_by_role("img", name="A desk by a window")
        image.wait_for()
        page.wait_for_function("""() => { const i = document.getElementById('preview')
            .contentDocument.querySelector('img'); return i && i.complete && i.naturalWidth; }""")

        # Publishing, and following "View post" to the site.
        page.get_by_role("button", name="Publish now").click()
        page.wait_for_url("**done=publish")
        live = page.locator("#live-state")
        live.get_by_role("link", name="View post").wait_for(timeout=30_000)
        assert live.inner_text().startswith("Live")
        editor_url = page.url.split("?")[0]
        page.get_by_role("link", name="View post").click()
        page.wait_for_load_state()
        address = page.url
        assert address.startswith(url + "/") and "/studio/" not in address
        article = page.locator("main")
        assert page.locator("h1").first.inner_text() == "A First Essay"
        assert article.locator("strong", has_text="find out").count() == 1
        assert "Joan Didion said it first." in article.locator(".footnotes").inner_text()
        picture = article.get_by_role("img", name="A desk by a window")
        assert picture.evaluate("i => i.complete && i.naturalWidth") > 0
        _fits(page)

        # Into the Trash from the editor: the address says Gone; back from the Trash page.
        page.goto(editor_url)
        page.get_by_role("button", name="Move to Trash").click()
        page.wait_for_url("**/studio/?trashed=*")
        assert page.get_by_role("status").inner_text().startswith(
            "Moved “A First Essay” to the Trash.")
        assert "This post has been withdrawn" in answers(address, 410).text
        page.get_by_role("navigation", name="Studio").get_by_role("link", name="Trash").click()
        _fits(page)
        page.get_by_role("button", name="Restore “A First Essay”").click()
        page.wait_for_url("**/studio/trash/?restored=*")
        assert "it is back on the site at its address" in page.get_by_role(
            "status").inner_text()
        assert "find out" in answers(address, 200).text
        page.goto(address)
        assert page.locator("h1").first.inner_text() == "A First Essay"

        # Email: the mail server, and a test message that reports the server's answer.
        page.goto(url + "/studio/")
        page.get_by_role("navigation", name="Studio").get_by_role("link", name="Email").click()
        page.get_by_label("Host").fill("127.0.0.1")
        page.get_by_label("Port").fill(str(mail_sink.port))
        page.get_by_label("Security").select_option("none")
        page.get_by_label("Sender address").fill("My Essays <letters@example.org>")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved.").wait_for()
        page.get_by_role("button", name="Send me a test").click()
        assert page.locator("#test-answer").inner_text() == (
            "The server accepted the message: 250 OK")
        (to, test_message), = mail_sink.wait(1)
        assert to == [OWNER] and test_message["Subject"] == "A test from My Essays"
        _fits(page)

        # Subscribers: Substack's export, uploaded on the Newsletter page.
        page.get_by_role("navigation", name="Studio").get_by_role("link",
                                                                  name="Newsletter").click()
        page.get_by_label("A list of subscribers").set_input_files(
            FIXTURES / "subscribers" / "email-list-subscribers.csv")
        page.get_by_role("button", name="Import").click()
        summary = page.locator("#import-summary")
        assert summary.locator("p").inner_text() == (
            "email-list-subscribers.csv (Substack's list): 15 added, 0 already there, "
            "2 refused.")
        assert summary.locator("li").all_inner_texts() == [
            "Line 8: 'ömil@gmail.com' is not an email address",
            "Line 18: 'maïbes@gmail.com' is not an email address"]
        counts = page.get_by_role("region", name="Subscribers by status")
        assert dict(zip(counts.locator("th").all_inner_texts(),
                        counts.locator("td").all_inner_texts(), strict=True)) == {
            "Pending": "0", "Confirmed": "13", "Unsubscribed": "2", "Bounced": "0",
            "Complained": "0"}  # Substack's email_disabled readers stay unsubscribed
        _fits(page)

        # People: an invitation by email, accepted in another browser.
        page.get_by_role("navigation", name="Studio").get_by_role("link", name="People").click()
        page.get_by_label("Email address").fill(SECOND)
        page.get_by_label("Role", exact=True).select_option("author")
        page.get_by_role("button", name="Send the invitation").click()
        page.get_by_text("Invitation sent").wait_for()
        _fits(page)
        invitation = [m for to, m in mail_sink.wait(2) if to == [SECOND]]
        assert len(invitation) == 1
        link = re.search(re.escape(url) + r"/studio/invitation/\S+/",
                         invitation[0].get_content()).group(0)
        guest_ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
        guest = guest_ctx.new_page()
        guest.goto(link)
        guest.get_by_label("Your name").fill("Second Writer")
        guest.get_by_label("Password (at least 10 characters)").fill(SECOND_PASSWORD)
        guest.get_by_label("The same again").fill(SECOND_PASSWORD)
        guest.get_by_role("button", name="Accept and log in").click()
        guest.wait_for_url(url + "/studio/")
        assert guest.locator(".who").inner_text() == "Second Writer (Author)"
        nav = guest.get_by_role("navigation", name="Studio")
        assert nav.get_by_role("link", name="New post").is_visible()
        assert nav.get_by_role("link", name="People").count() == 0  # for owners
        assert guest.get_by_text("No posts match.").count() == 1  # an author's own posts
        _fits(guest)
        guest_ctx.close()
        ctx.close()
        assert outside == []
