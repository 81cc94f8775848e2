"""The newsletter in Debian's Chromium, through a mail server set up on the Email page
(aiosmtpd on 127.0.0.1): subscribers uploaded as CSV (a Ghost export, and a list with bad
lines named in the summary), exported, and a published post emailed from the editor, its
progress followed on the Newsletter page until every copy is sent."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from tests.conftest import FIXTURES, MailSink
from tests.studio.conftest import log_in, studio  # noqa: F401 (studio: a fixture)
from tests.studio.test_email_in_browser import axe_violations
from tests.studio.test_studio_in_browser import axe_source  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


class SlowSink(MailSink):
    """A mail server that takes its time over newsletters, so that a send is seen going."""

    async def handle_DATA(self, server, session, envelope) -> str:
        if b"A letter to the list" in envelope.content:
            await asyncio.sleep(2)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_sink():
    sink = SlowSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


def set_up_mail(site_studio, sink) -> None:
    owner = site_studio.session("owner")
    owner.get("/studio/email/")
    r = owner.post("/studio/email/", {
        "action": "save", "host": "127.0.0.1", "port": str(sink.port), "security": "none",
        "username": "", "password": "", "from_address": "Test Site <letters@example.org>"})
    assert r.status_code == 302


def test_subscribers_come_in_by_csv_go_out_by_csv_and_get_a_post_from_the_editor(
        browser, studio, slow_sink, tmp_path, axe_source):  # noqa: F811 (fixtures)
    mail_sink = slow_sink
    set_up_mail(studio, mail_sink)
    ctx = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/newsletter/")

    page.get_by_label("A list of subscribers").set_input_files(
        FIXTURES / "subscribers" / "ghost-6.65-members.csv")
    page.get_by_role("button", name="Import").click()
    summary = page.locator("#import-summary")
    assert summary.inner_text() == ("ghost-6.65-members.csv (Ghost's list): 3 added, "
                                    "0 already there, 0 refused.")

    mixed = tmp_path / "from-my-spreadsheet.csv"
    mixed.write_text("email,name\nada@example.org,Ada\nnot-an-address,Bob\n"
                     "dan@example.org,Dan\ndan@example.org,Dan again\n")
    page.get_by_label("A list of subscribers").set_input_files(mixed)
    page.get_by_role("button", name="Import").click()
    assert summary.locator("p").inner_text() == (
        "from-my-spreadsheet.csv (Masthead's list): 1 added, 1 already there, 2 refused. "
        "1 of the new readers get an email asking them to confirm.")
    assert summary.locator("li").all_inner_texts() == [
        "Line 3: 'not-an-address' is not an email address",
        "Line 5: dan@example.org appears twice; kept the first"]
    (to, confirmation), = mail_sink.wait(1)
    assert to == ["dan@example.org"] and confirmation["Subject"].startswith("Confirm")
    assert axe_violations(page, axe_source) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Export every subscriber as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert {(r["email"], r["status"]) for r in rows} == {
        ("ada@example.org", "confirmed"), ("ben@example.org", "confirmed"),
        ("chloe@example.net", "confirmed"), ("dan@example.org", "pending")}

    owner = studio.session("owner")
    post_id = owner.new_post("A letter to the list", "Dear readers.", action="publish")
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    page.get_by_role("button", name="Email it to subscribers now").click()
    page.wait_for_url(studio.url + "/studio/newsletter/?done=sending#sends")
    row = page.locator("#sends-table tbody tr", has_text="A letter to the list")
    # The page follows the send by itself: no reload.
    assert row.locator("td").nth(1).inner_text() != "Done"
    row.locator("td").nth(1).filter(has_text="Done").wait_for(timeout=30000)
    assert row.locator("td").nth(3).inner_text() == "3"
    assert row.locator("td").nth(4).inner_text() == "0"
    assert row.locator("progress").evaluate("p => [p.value, p.max]") == [3, 3]
    letters = [m for m in mail_sink.wait(4) if m[1]["Subject"] == "A letter to the list"]
    assert sorted(to[0] for to, _ in letters) == ["ada@example.org", "ben@example.org",
                                                  "chloe@example.net"]
    # Sent once: the editor now says so instead of offering it again.
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    assert page.get_by_role("button", name="Email it to subscribers now").count() == 0
    assert page.get_by_text("Emailed to subscribers").count() == 1
    ctx.close()
