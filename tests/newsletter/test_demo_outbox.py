"""The demo's whole newsletter without a mail server, in Debian's Chromium: a reader signs
up on the demo site, the confirmation is read in the studio's Outbox, the reader
confirms, the writer emails a post from the editor, and that email is in the Outbox too
(its HTML shown sanitised, in a sandboxed frame)."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys

import pytest

from tests.conftest import free_port, run_masthead, wait_for_port
from tests.studio.test_email_in_browser import axe_violations
from tests.studio.test_studio_in_browser import axe_source  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def demo(tmp_path):
    """`masthead demo` made for a port, then served on it (the links in its emails name
    the site's own address)."""
    port = free_port()
    site = tmp_path / "demo"
    run_masthead("demo", site, "--no-serve", "--port", str(port))
    proc = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc, "masthead serve", 30)
        yield site, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_demo_signs_up_confirms_and_sends_into_the_studios_outbox(browser, tmp_path,
                                                                      axe_source):  # noqa: F811
    with demo(tmp_path) as (site, url):
        address, password = (site / ".masthead" / "demo-login.txt").read_text().split()[:2]
        ctx = browser.new_context(bypass_csp=True)  # axe is injected as a script
        outside: list[str] = []
        ctx.on("request", lambda r: outside.append(r.url)
               if not r.url.startswith(url) and not r.url.startswith("data:") else None)
        reader = ctx.new_page()
        reader.goto(url + "/")
        reader.get_by_label("New posts by email").fill("reader@example.net")
        reader.get_by_role("button", name="Subscribe").click()
        reader.get_by_text("Check your inbox").first.wait_for()

        page = ctx.new_page()
        page.goto(url + "/studio/login/")
        page.get_by_label("Email address").fill(address)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(url + "/studio/")
        page.get_by_role("link", name="Newsletter").click()
        page.get_by_role("link", name="Outbox").click()
        confirmation = page.get_by_role("link", name="Confirm your subscription to The Long Margin")
        confirmation.wait_for(timeout=20000)
        page.reload()  # the worker sent it; the page lists what is in the folder
        assert axe_violations(page, axe_source) == []
        page.get_by_role("link", name="Confirm your subscription to The Long Margin").click()
        assert page.locator("dd").nth(1).inner_text() == "reader@example.net"
        assert axe_violations(page, axe_source) == []
        link = re.search(r"http://\S+/newsletter/confirm/\S+/",
                         page.locator("pre").inner_text()).group(0)
        assert link.startswith(url)
        reader.goto(link)
        reader.get_by_role("button", name="Yes, subscribe me").click()
        reader.get_by_text("You are subscribed").first.wait_for()

        posts = page.context.request.get(url + "/studio/?status=published&kind=post").text()
        post_id = re.search(r'href="/studio/posts/(\d+)/"', posts).group(1)
        page.goto(f"{url}/studio/posts/{post_id}/")
        title = page.get_by_label("Title").input_value()
        page.get_by_role("button", name="Email it to subscribers now").click()
        row = page.locator("#sends-table tbody tr", has_text=title)
        row.locator("td").nth(1).filter(has_text="Done").wait_for(timeout=30000)
        assert row.locator("td").nth(3).inner_text() == "1"

        page.goto(url + "/studio/outbox/")
        subjects = page.locator("tbody tr td:first-child").all_inner_texts()
        assert subjects[0] == title  # newest first
        assert "Welcome to The Long Margin" in subjects
        page.get_by_role("link", name=title).first.click()
        frame = page.locator("iframe")
        assert frame.get_attribute("sandbox") == ""
        body = page.frame_locator("iframe").locator("body")
        body.get_by_text("Unsubscribe").first.wait_for()
        assert body.locator("script").count() == 0
        ctx.close()
        assert outside == []
