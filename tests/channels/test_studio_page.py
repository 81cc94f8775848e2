"""The studio's Channels page: owners see each channel and its deliveries and send a
test from it; other roles may not."""

from __future__ import annotations

from tests.channels.conftest import channel_site
from tests.conftest import run_masthead, serving
from tests.studio.conftest import Studio, add_accounts


def test_owners_see_the_channels_and_send_a_test(tmp_path, receiver):
    site = channel_site(tmp_path, None, "https://api.telegram.org")
    add_accounts(site)
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    with serving(site) as url:
        studio = Studio(url, site)
        owner = studio.session("owner")
        page = owner.get("/studio/channels/")
        assert page.status_code == 200 and "hook" in page.text and "Working" in page.text
        sent = owner.post("/studio/channels/", {"channel": "hook"})
        assert sent.status_code == 200 and "the receiver answered 200" in sent.text
        assert [e["type"] for e in receiver.verified] == ["test"]
        receiver.stop()
        failed = owner.post("/studio/channels/", {"channel": "hook"})
        assert 'role="alert"' in failed.text and "Connection refused" in failed.text
        assert "Traceback" not in failed.text
        assert studio.session("editor").get("/studio/channels/").status_code == 403
