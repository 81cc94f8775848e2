"""The Email page in Debian's Chromium, against a real SMTP server (aiosmtpd on 127.0.0.1,
with a login): an owner sets up sending, the test message reports the server's own words
(or why it could not be reached), a DKIM key is made and its DNS records are shown."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import MailSink, free_port
from tests.studio.conftest import email, log_in
from tests.studio.test_studio_in_browser import axe_source  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

PASSWORD = "correct horse battery staple"


class ProviderSink(MailSink):
    """A mail provider: logs in with one user name and password, and answers DATA with
    a queue id of its own (which only the server knows)."""

    def __init__(self) -> None:
        super().__init__()
        self.logins: list[tuple[str, str]] = []
        self.running = True
        self.queue_id = "Q" + free_port().__str__()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     authenticator=self.authenticate, auth_require_tls=False)

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=(auth_data.login, auth_data.password) ==
                          (b"essays", PASSWORD.encode()), handled=False)

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    async def handle_DATA(self, server, session, envelope) -> str:
        await super().handle_DATA(server, session, envelope)
        return f"250 2.0.0 OK queued as {self.queue_id}"


@pytest.fixture
def provider():
    sink = ProviderSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.stop()


def axe_violations(page, source: str) -> list:
    page.add_script_tag(content=source)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                        'best-practice']}})""")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def fill_server(page, port: int, password: str) -> None:
    page.get_by_label("Host").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(port))
    page.get_by_label("Security").select_option("none")
    page.get_by_label("User name").fill("essays")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Sender address").fill("Test Site <letters@essays.example.org>")
    page.get_by_role("button", name="Save").click()


def test_an_owner_sets_up_email_and_the_test_reports_the_servers_own_answer(
        browser, studio, provider, axe_source):  # noqa: F811
    ctx = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = ctx.new_page()
    log_in(page, studio.url, "owner")
    page.get_by_role("link", name="Email").click()
    page.wait_for_url(studio.url + "/studio/email/")
    fill_server(page, provider.port, "not the password at all")
    page.get_by_text("Saved.").wait_for()
    page.get_by_role("button", name="Send me a test").click()
    answer = page.locator("#test-answer")
    assert "refused the user name or password: 535" in answer.inner_text()

    fill_server(page, provider.port, PASSWORD)
    page.get_by_text("Saved.").wait_for()
    # Never shown back: the field is empty, and the page says one is stored.
    assert page.get_by_label("Password", exact=True).input_value() == ""
    assert PASSWORD not in page.content()
    assert "A password is stored" in page.content()
    # An empty password field keeps the stored one.
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Send me a test").click()
    assert answer.inner_text() == ("The server accepted the message: "
                                   f"250 2.0.0 OK queued as {provider.queue_id}")
    (to, msg), = provider.wait(1)
    assert to == [email("owner")] and msg["Subject"] == "A test from Test Site"
    assert provider.logins[-1] == ("essays", PASSWORD)

    # DNS: SPF and DMARC at once, DKIM once a key is made in the browser.
    names = page.locator("table.dns-records tbody tr td:nth-child(3)").all_inner_texts()
    assert names == ["essays.example.org", "_dmarc.essays.example.org"]
    page.get_by_role("button", name="Make a DKIM key").click()
    page.get_by_text("A DKIM key is made").wait_for()
    row = page.locator("table.dns-records tbody tr", has_text="DKIM")
    assert row.locator("td").nth(2).inner_text() == "masthead._domainkey.essays.example.org"
    assert re.fullmatch(r"v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}",
                        row.locator("code.dns-value").inner_text())
    assert page.get_by_role("button", name="Make a DKIM key").count() == 0
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=studio.url)
    page.get_by_role("button", name="Copy the DKIM value").click()
    row.get_by_role("status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == \
        row.locator("code.dns-value").inner_text()
    assert axe_violations(page, axe_source) == []

    # A server that is not there is named, in words.
    provider.stop()
    page.get_by_role("button", name="Send me a test").click()
    assert answer.inner_text() == (f"Nothing answers at 127.0.0.1:{provider.port}: check "
                                   "the host and the port.")
    ctx.close()


def test_a_refused_field_is_named_and_what_was_typed_stays(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/email/")
    fill_server(page, 2525, "x")
    page.get_by_label("Port").fill("seventy")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").inner_text() == (
        "Port: give a number from 1 to 65535 (587 for STARTTLS, 465 for TLS)")
    assert page.get_by_label("Port").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Host").input_value() == "127.0.0.1"  # what was typed stays
