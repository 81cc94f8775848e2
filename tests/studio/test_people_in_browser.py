"""People in Debian's Chromium: an owner invites a second writer, whose invitation comes
through a real SMTP server (aiosmtpd on 127.0.0.1); they accept, choose a password and
log in; the owner changes a role and deactivates an account, whose posts stay."""

from __future__ import annotations

import re

import pytest

from tests.studio.conftest import PASSWORD, log_in
from tests.studio.test_email_in_browser import axe_violations
from tests.studio.test_studio_in_browser import axe_source  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

NEW_PASSWORD = "ink on every page, twice"


def set_up_mail(site_studio, sink) -> None:
    owner = site_studio.session("owner")
    owner.get("/studio/email/")
    assert owner.post("/studio/email/", {
        "action": "save", "host": "127.0.0.1", "port": str(sink.port), "security": "none",
        "username": "", "password": "", "from_address": "Test Site <letters@example.org>"}
    ).status_code == 302


def test_an_invited_writer_accepts_by_email_and_logs_in(browser, studio, mail_sink,
                                                        axe_source):  # noqa: F811
    set_up_mail(studio, mail_sink)
    owner_ctx = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = owner_ctx.new_page()
    log_in(page, studio.url, "owner")
    page.get_by_role("link", name="People").click()
    page.get_by_label("Email address").fill("second@example.org")
    page.get_by_label("Role", exact=True).select_option("author")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent").wait_for()
    assert page.get_by_text("second@example.org · Author").count() == 1
    assert axe_violations(page, axe_source) == []

    (to, msg), = mail_sink.wait(1)
    assert to == ["second@example.org"]
    assert msg["Subject"] == "The Owner invites you to write for Test Site"
    link = re.search(r"http://127\.0\.0\.1/studio/invitation/\S+/", msg.get_content()).group(0)
    link = link.replace("http://127.0.0.1", studio.url)  # the site's address, this server

    guest_ctx = browser.new_context(bypass_csp=True)
    guest = guest_ctx.new_page()
    guest.goto(link)
    assert "You are invited as author, with the address second@example.org" in guest.content()
    assert axe_violations(guest, axe_source) == []
    guest.get_by_label("Your name").fill("Second Writer")
    guest.get_by_label("Password (at least 10 characters)").fill(NEW_PASSWORD)
    guest.get_by_label("The same again").fill(NEW_PASSWORD)
    guest.get_by_role("button", name="Accept and log in").click()
    guest.wait_for_url(studio.url + "/studio/")
    assert guest.locator(".who").inner_text() == "Second Writer (Author)"
    # The link worked once.
    assert guest.goto(link).status == 400
    guest.get_by_role("button", name="Log out").click()
    guest.get_by_label("Email address").fill("second@example.org")
    guest.get_by_label("Password").fill(NEW_PASSWORD)
    guest.get_by_role("button", name="Log in").click()
    guest.wait_for_url(studio.url + "/studio/")

    # The owner makes them an editor; they see it at their next page.
    page.goto(studio.url + "/studio/people/")
    page.get_by_label("Role of second@example.org", exact=True).select_option("editor")
    page.get_by_role("button", name="Change the role of second@example.org").click()
    page.get_by_text("Role changed.").wait_for()
    guest.goto(studio.url + "/studio/")
    assert guest.locator(".who").inner_text() == "Second Writer (Editor)"

    # Deactivated: logged out at once, cannot log in again; their posts stay.
    author = studio.session("author")
    post_id = author.new_post("The author's essay", action="publish")
    page.get_by_role("button", name="Deactivate author@example.org").click()
    page.get_by_text("Deactivated: that account cannot log in").wait_for()
    assert studio.session(None).login("author@example.org", PASSWORD).status_code == 401
    assert author.get("/studio/").status_code == 302  # to the login page
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    assert page.get_by_label("Title").input_value() == "The author's essay"
    guest_ctx.close()
    owner_ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_pages_pass_axe_and_fit_a_phone(browser, studio, mail_sink,
                                                axe_source, scheme):  # noqa: F811
    set_up_mail(studio, mail_sink)
    owner = studio.session("owner")
    owner.get("/studio/email/")
    owner.post("/studio/email/", {"action": "dkim", "selector": "masthead"})
    owner.get("/studio/people/")
    owner.post("/studio/people/", {"action": "invite", "email": "w@example.org",
                                   "role": "editor"})
    link = re.search(r"/studio/invitation/\S+/", mail_sink.wait(1)[0][1].get_content()).group(0)
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 375, "height": 740},
                              bypass_csp=True)
    page = ctx.new_page()
    problems = {}
    for path in [link, None, "/studio/email/", "/studio/people/", "/studio/newsletter/",
                 "/studio/outbox/"]:
        if path is None:
            log_in(page, studio.url, "owner")
            continue
        page.goto(studio.url + path)
        found = axe_violations(page, axe_source)
        if found:
            problems[path] = found
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
    ctx.close()
    assert problems == {}
