"""Webhooks signed by the Standard Webhooks scheme, verified by a receiver with the
official ``standardwebhooks`` library; retries, back-off and Telegram's 429."""

from __future__ import annotations

import json
import time

from tests.channels.conftest import channel_site
from tests.channels.test_telegram import write_post
from tests.conftest import run_masthead


def published(tmp_path, site, slug="essay", title="An Essay"):
    posts = tmp_path / "posts"
    write_post(posts, slug, title, "The opening words of the essay.")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("post", "publish", slug, site=site)


def test_every_event_arrives_signed_and_verifies(tmp_path, database_url, receiver):
    site = channel_site(tmp_path, database_url, "https://api.telegram.org")
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    assert "answered 200" in run_masthead("channel", "test", "hook", site=site).stdout
    published(tmp_path, site)
    run_masthead("worker", "--burst", site=site)
    published(tmp_path, site, title="An Essay, revised")  # publishing a live post: an update
    run_masthead("worker", "--burst", site=site)
    run_masthead("post", "unpublish", "essay", site=site)
    run_masthead("worker", "--burst", site=site)
    run_masthead("worker", "--burst", site=site)  # nothing sent twice
    assert receiver.rejected == []
    events = [e["type"] for e in receiver.verified]
    assert events == ["test", "post.published", "post.updated", "post.unpublished"]
    first = receiver.verified[1]["data"]
    assert first["title"] == "An Essay" and first["url"].startswith("https://essays.example.org/")
    assert receiver.verified[2]["data"]["title"] == "An Essay, revised"
    ids = [h["webhook-id"] for _, h, _ in receiver.requests]
    assert len(set(ids)) == 4
    assert all(h["webhook-signature"].startswith("v1,") for _, h, _ in receiver.requests)


def test_a_wrong_secret_fails_verification(tmp_path, receiver):
    site = channel_site(tmp_path, None, "https://api.telegram.org")
    other = "whsec_" + "QWxsIHRoZSB3b3JsZCdzIGEgc3RhZ2U="
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "OTHER",
                 "--name", "hook", site=site, env={"OTHER": other})
    failed = run_masthead("channel", "test", "hook", site=site, env={"OTHER": other},
                          check=False)
    assert failed.code == 1 and "answered 401" in failed.stderr
    assert receiver.verified == [] and len(receiver.rejected) == 1


def test_a_receiver_that_is_down_gets_the_event_later(tmp_path, receiver):
    site = channel_site(tmp_path, None, "https://api.telegram.org", first_retry=1)
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    receiver.stop()
    published(tmp_path, site)
    run_masthead("worker", "--burst", site=site)
    listing = run_masthead("channel", "deliveries", "hook", site=site).stdout
    assert "post.published\tretrying\tattempt 1" in listing
    receiver.start()
    time.sleep(1.2)
    run_masthead("worker", "--burst", site=site)
    assert [e["type"] for e in receiver.verified] == ["post.published"]
    assert "post.published\tsent\tattempt 2" in run_masthead(
        "channel", "deliveries", "hook", site=site).stdout


def test_telegram_429_waits_its_retry_after_and_500_backs_off(tmp_path, receiver):
    api = receiver.url.rsplit("/", 1)[0]  # the scripted server plays the Bot API
    site = channel_site(tmp_path, None, api, first_retry=1)
    run_masthead("channel", "add", "telegram", "--token-env", "BOT_TOKEN", "--chat",
                 "@essays_channel", "--name", "tg", site=site)
    receiver.answers += [
        (429, {}, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry "
                   "after 3", "parameters": {"retry_after": 3}}),
        (500, {}, {"ok": False, "error_code": 500, "description": "Internal Server Error"})]
    published(tmp_path, site)
    run_masthead("worker", "--burst", site=site)
    listing = run_masthead("channel", "deliveries", "tg", site=site).stdout
    assert "retrying\tattempt 1\tnext in 3 s" in listing or \
        "retrying\tattempt 1\tnext in 2 s" in listing, listing
    assert "Too Many Requests" in listing
    run_masthead("worker", "--burst", site=site)
    assert len(receiver.requests) == 1  # not before its retry_after
    time.sleep(3.1)
    run_masthead("worker", "--burst", site=site)
    listing = run_masthead("channel", "deliveries", "tg", site=site).stdout
    assert "retrying\tattempt 2\tnext in 2 s" in listing or \
        "retrying\tattempt 2\tnext in 1 s" in listing, listing  # 1 s doubled
    time.sleep(2.1)
    run_masthead("worker", "--burst", site=site)
    assert len(receiver.requests) == 3
    assert "sent\tattempt 3\tmessage 1" in run_masthead("channel", "deliveries", "tg",
                                                       site=site).stdout
    path, _, body = receiver.requests[-1]
    assert path == "/bot123456:test-token/sendMessage"
    assert json.loads(body)["chat_id"] == "@essays_channel"


def test_loopback_is_refused_unless_allowed(tmp_path, receiver):
    site = channel_site(tmp_path, None, "https://api.telegram.org")
    toml = site / "masthead.toml"
    toml.write_text(toml.read_text().replace("allow_loopback = true", "allow_loopback = false"))
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    failed = run_masthead("channel", "test", "hook", site=site, check=False)
    assert failed.code == 1 and "private, local or reserved address" in failed.stderr
    assert receiver.requests == []


def test_a_quiet_post_is_not_announced_and_a_photo_has_a_short_caption(tmp_path, receiver):
    api = receiver.url.rsplit("/", 1)[0]
    site = channel_site(tmp_path, None, api)
    run_masthead("channel", "add", "telegram", "--token-env", "BOT_TOKEN", "--chat",
                 "@essays_channel", "--name", "tg", site=site)
    posts = tmp_path / "posts"
    write_post(posts, "quiet", "Quiet", "Not for the channel.")
    long = " ".join(f"word{i} & <{i}>" for i in range(400))
    write_post(posts, "pictured", "Pictured", f"![A field](/media/field.jpg)\n\n{long}")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("channel", "quiet", "quiet", site=site)
    run_masthead("post", "publish", "quiet", site=site)
    run_masthead("post", "publish", "pictured", site=site)
    run_masthead("worker", "--burst", site=site)
    (request,) = receiver.requests
    path, _, body = request
    assert path.endswith("/sendPhoto")
    sent = json.loads(body)
    assert sent["photo"] == "https://essays.example.org/media/field.jpg"
    from tests.channels.test_telegram import check_telegram_html

    text = check_telegram_html(sent["caption"], 1024)
    assert text.startswith("Pictured\n\nword0 & <0>") and text.endswith("/pictured/")
    assert len(sent["caption"]) > 900  # shortened to fit, not emptied


def test_ten_failures_in_a_row_pause_the_channel_until_resumed(tmp_path, receiver):
    import subprocess
    import sys

    site = channel_site(tmp_path, None, "https://api.telegram.org", first_retry=0.01)
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    receiver.answers += [(500, {}, {})] * 15
    published(tmp_path, site)
    worker = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "worker"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # a paused channel gets nothing more
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(receiver.requests) == 10
    listing = run_masthead("channel", "list", site=site).stdout
    assert "\tpaused\t1 retrying\tlast error: the receiver answered 500" in listing
    receiver.answers.clear()
    assert "1 deliveries queued" in run_masthead("channel", "resume", "hook", site=site).stdout
    run_masthead("worker", "--burst", site=site)
    assert [e["type"] for e in receiver.verified] == ["post.published"]
    assert "\tactive\t1 sent" in run_masthead("channel", "list", site=site).stdout


def test_private_addresses_are_refused_even_with_loopback_allowed(tmp_path):
    site = channel_site(tmp_path, None, "https://api.telegram.org")
    for n, url in enumerate(["http://10.0.0.7/hook", "http://169.254.169.254/latest/",
                             "http://[fd00::1]/hook"]):
        run_masthead("channel", "add", "webhook", url, "--secret-env", "HOOK_SECRET",
                     "--name", f"h{n}", site=site)
        failed = run_masthead("channel", "test", f"h{n}", site=site, check=False)
        assert failed.code == 1 and "private, local or reserved address" in failed.stderr
    bad = run_masthead("channel", "add", "webhook", "https://hooks.example.org/", "--secret-env",
                       "PLAIN", "--name", "plain", site=site, env={"PLAIN": "hunter2"},
                       check=False)
    assert bad.code == 1 and "whsec_" in bad.stderr
