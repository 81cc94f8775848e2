"""A newsletter sent through the mail server and DKIM key set up on the studio's Email page
alone (no [smtp] or [dkim] in masthead.toml), to a real SMTP server with a login: every
copy is signed, and verifies against the record the Email page tells the writer to
publish."""

from __future__ import annotations

import html
import re

import dkim
import pytest

from tests.conftest import run_masthead
from tests.newsletter.test_sending import subscribers_csv
from tests.studio.conftest import studio  # noqa: F401 (a fixture)
from tests.studio.test_email_in_browser import PASSWORD, ProviderSink

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_the_email_pages_server_and_dkim_key_send_and_sign_the_newsletter(
        studio, tmp_path):  # noqa: F811
    provider = ProviderSink()
    provider.controller.start()
    try:
        owner = studio.session("owner")
        owner.get("/studio/email/")
        assert owner.post("/studio/email/", {
            "action": "save", "host": "127.0.0.1", "port": str(provider.port),
            "security": "none", "username": "essays", "password": PASSWORD,
            "from_address": "Essays <letters@essays.example.org>"}).status_code == 302
        owner.get("/studio/email/")
        owner.post("/studio/email/", {"action": "dkim", "selector": "ink"})
        page = owner.get("/studio/email/").text
        name, value = re.search(r"<td><code>(ink\._domainkey\.[^<]+)</code></td><td><code "
                                r'id="dns-\d+" class="dns-value">([^<]+)</code>', page).groups()
        assert name == "ink._domainkey.essays.example.org"
        readers = ["r1@example.org", "r2@example.org", "r3@example.org"]
        run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                     site=studio.site)
        post_id = owner.new_post("Signed and sent", "Every copy is signed.", action="publish")
        owner.get(f"/studio/posts/{post_id}/")
        sent = owner.post(f"/studio/newsletter/send/{post_id}/")
        assert sent.status_code == 302
        provider.wait(3)
        assert sorted(to[0] for to, _ in provider.messages) == readers
        assert set(provider.logins) == {("essays", PASSWORD)}

        def dns(asked, timeout=5):
            assert asked == (name + ".").encode()
            return html.unescape(value).encode()

        for raw in provider.raw:
            assert b"d=essays.example.org" in raw and b"s=ink" in raw
            assert dkim.verify(raw, dnsfunc=dns)
        # Sent once: a second press changes nothing.
        assert owner.post(f"/studio/newsletter/send/{post_id}/").status_code == 302
        assert "Signed and sent" in owner.get("/studio/newsletter/").text
        assert len(provider.messages) == 3
    finally:
        provider.stop()
