"""After Publish, Update or Schedule the editor says when the post's new version is live,
with a link to it: through /studio/posts/ID/live/ (JSON) and, for a browser without
JavaScript, on the editor's page itself."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import make_site, run_masthead, serving
from tests.studio.conftest import Studio, add_accounts

JSON = {"accept": "application/json"}


def settled(session, post_id: int, timeout: float = 60) -> dict:
    """The live state once no build is on its way (what the editor's script waits for)."""
    deadline = time.monotonic() + timeout
    while True:
        state = session.get(f"/studio/posts/{post_id}/live/", headers=JSON).json()
        if not state["pending"]:
            return state
        assert time.monotonic() < deadline, f"still {state}"
        time.sleep(0.05)


def live_line(page: str) -> str:
    m = re.search(r'<p class="live[^"]*" id="live-state".*?</p>', page, re.S)
    return m.group(0) if m else ""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_published_post_is_said_live_with_a_link_that_shows_its_new_text(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("Windowpanes", "Good prose is like a windowpane.")
    assert settled(owner, post_id) == {"state": "draft", "message": "", "pending": False,
                                       "poll_ms": 250}
    r = owner.post(f"/studio/posts/{post_id}/", {"title": "Windowpanes", "action": "publish",
                                                 "body": "Good prose, said Orwell."})
    assert r.status_code == 302
    state = settled(owner, post_id)
    assert state["state"] == "live" and state["message"] == "Live"
    page = studio.client().get(state["url"])
    assert page.status_code == 200 and "Good prose, said Orwell." in page.text
    # Without JavaScript: the page the redirect leads to shows the state it was drawn
    # with; once live, it carries the link.
    line = live_line(owner.get(r.headers["location"]).text)
    assert f'<a href="{state["url"]}">View post</a>' in line and "Live" in line
    # Update: "Live" again only once the new text is on the page.
    owner.post(f"/studio/posts/{post_id}/", {"title": "Windowpanes", "action": "save",
                                             "body": "Updated: prose as a windowpane."})
    state = settled(owner, post_id)
    assert state["state"] == "live"
    assert "Updated: prose as a windowpane." in studio.client().get(state["url"]).text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_change_not_yet_built_is_publishing_never_live(studio):
    """The worker is stopped from building (the build lock is held, as by a long build):
    the post's change is not live, and the editor says it is on its way."""
    import fcntl
    import os

    owner = studio.session("owner")
    post_id = owner.new_post("Held back", "First words.", action="publish")
    assert settled(owner, post_id)["state"] == "live"
    fd = os.open(studio.site / ".masthead" / "build.lock", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    try:
        r = owner.post(f"/studio/posts/{post_id}/", {"title": "Held back", "action": "save",
                                                     "body": "Second words."})
        for _ in range(10):
            state = owner.get(f"/studio/posts/{post_id}/live/", headers=JSON).json()
            assert state["state"] == "publishing" and state["pending"], state
            assert state["message"].startswith("Publishing…")
            time.sleep(0.1)
        line = live_line(owner.get(r.headers["location"]).text)
        assert "Publishing…" in line and ">View post<" not in line
        assert "<noscript>" in line and "Check again" in line
    finally:
        os.close(fd)
    state = settled(owner, post_id)
    assert state["state"] == "live"
    assert "Second words." in studio.client().get(state["url"]).text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_scheduled_and_unpublished_posts_say_so(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("Later", "Words for later.", action="publish")
    assert settled(owner, post_id)["state"] == "live"
    owner.get(f"/studio/posts/{post_id}/")
    owner.post(f"/studio/posts/{post_id}/", {"title": "Later", "body": "Words for later.",
                                             "action": "schedule",
                                             "publish_at": "2030-06-01T09:30"})
    assert settled(owner, post_id) == {
        "state": "scheduled", "message": "Scheduled: it goes live on 1 June 2030, 09:30.",
        "pending": False, "poll_ms": 250}
    other = owner.new_post("Taken down", "Soon gone.", action="publish")
    url = settled(owner, other)["url"]
    owner.post(f"/studio/posts/{other}/", {"title": "Taken down", "action": "unpublish"})
    assert settled(owner, other)["state"] == "offline"
    assert studio.client().get(url).status_code in (404, 410)


def test_a_failed_build_is_said_in_the_editor(tmp_path):
    site = make_site(tmp_path, url="http://127.0.0.1/")
    with open(site / "masthead.toml", "a", encoding="utf-8") as f:
        f.write("\n[build]\ntime_limit = 0.001\n")
    add_accounts(site)
    run_masthead("build", site=site)
    with serving(site) as url:
        owner = Studio(url, site).session("owner")
        post_id = owner.new_post("Doomed", "It will not build in time.", action="publish")
        state = settled(owner, post_id)
        assert state == {"state": "failed", "pending": False, "poll_ms": 250, "message":
                         "Not live yet: the site's build failed (the site's build took "
                         "longer than 0.001 s and was stopped)."}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_only_those_who_may_edit_a_post_may_ask_about_it(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("The owner's", "Mine.")
    assert studio.session("author").get(f"/studio/posts/{post_id}/live/",
                                        headers=JSON).status_code == 403
    assert studio.session(None).get(f"/studio/posts/{post_id}/live/",
                                    headers=JSON).status_code == 401
