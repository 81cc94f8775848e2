"""Where the site's mail server comes from, over HTTP against `masthead serve`: the
Email page's password is stored encrypted and never exported; masthead.toml's [smtp]
wins over the page; MASTHEAD_SMTP_PASSWORD wins over the stored password."""

from __future__ import annotations

import pytest

from tests.conftest import configure_smtp, make_site, run_masthead, serving
from tests.studio.conftest import Studio, add_accounts
from tests.studio.test_email_in_browser import PASSWORD, ProviderSink


def save(session, port: int, password: str):
    session.get("/studio/email/")
    return session.post("/studio/email/", {
        "action": "save", "host": "127.0.0.1", "port": str(port), "security": "none",
        "username": "essays", "password": password,
        "from_address": "Essays <letters@essays.example.org>"})


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_password_is_stored_encrypted_and_never_exported(studio, tmp_path):
    secret = "a-password-nobody-may-read-3141"
    owner = studio.session("owner")
    saved = save(owner, 2525, secret)
    assert saved.status_code == 302
    assert "Saved." in owner.get(saved.headers["location"]).text
    owner.post("/studio/email/", {"action": "dkim", "selector": "masthead"})
    database = b"".join(p.read_bytes() for p in studio.site.glob("masthead.db*"))
    assert b"letters@essays.example.org" in database  # the row is there...
    assert secret.encode() not in database  # ...but not the password
    assert b"PRIVATE KEY" not in database  # nor the DKIM key in the clear
    out = tmp_path / "export"
    run_masthead("export", "markdown", out, site=studio.site)
    exported = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert exported and secret.encode() not in exported and b"PRIVATE KEY" not in exported


def test_masthead_toml_wins_over_the_email_page(tmp_path, mail_sink):
    site = make_site(tmp_path, url="http://127.0.0.1/")
    add_accounts(site)
    configure_smtp(site, mail_sink)
    with serving(site) as url:
        owner = Studio(url, site).session("owner")
        page = owner.get("/studio/email/").text
        assert "These settings come from the site's settings file" in page
        assert f'value="{mail_sink.port}"' in page and "<fieldset disabled>" in page
        refused = save(owner, 2525, "whatever")
        assert refused.status_code == 400
        assert "masthead.toml sets the mail server; change it there" in refused.text


def test_the_environments_password_wins_over_the_stored_one(tmp_path, monkeypatch):
    provider = ProviderSink()
    provider.controller.start()
    site = make_site(tmp_path, url="http://127.0.0.1/")
    add_accounts(site)
    monkeypatch.setenv("MASTHEAD_SMTP_PASSWORD", PASSWORD)
    try:
        with serving(site) as url:
            owner = Studio(url, site).session("owner")
            save(owner, provider.port, "the stored, outdated password")
            page = owner.get("/studio/email/").text
            assert "The server's environment gives the password" in page
            answer = owner.post("/studio/email/", {"action": "test"}).text
            assert f"250 2.0.0 OK queued as {provider.queue_id}" in answer
            assert provider.logins == [("essays", PASSWORD)]
    finally:
        provider.stop()
