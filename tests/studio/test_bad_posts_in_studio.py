"""A post the site cannot show (a citation of a key no source has) in the studio, over
HTTP against a real `masthead serve`: publishing, scheduling and updating it are refused
in a writer's words with nothing changed; a post the build had to leave out later is
named, with the reason, and the rest of the site keeps updating. And roles are checked
before anything is written."""

from __future__ import annotations

import datetime as dt
import html
import re
import sqlite3
import time

import pytest

from tests.studio.conftest import Studio

BAD_BODY = "First line.\n\nAs the archive shows [@nosuchkey, p. 2]."
WRITER_LINE = "line 3: no source with the key 'nosuchkey'"
MACHINE_WORDS = ("MastheadError", "CitationError", "Traceback", "masthead import", "`")


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_for_writers(page: str) -> None:
    visible = text_of(page)
    assert not any(w in visible for w in MACHINE_WORDS), visible


def status_of(studio: Studio, session, post_id: int) -> str:
    page = session.get(f"/studio/posts/{post_id}/").text
    return re.search(r'class="status status-(\w+)"', page).group(1)


def test_publishing_a_citation_of_an_unknown_key_is_refused_with_its_line(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("Not yet", BAD_BODY)
    refused = owner.post(f"/studio/posts/{post_id}/", {
        "title": "Not yet", "body": BAD_BODY + "\n\nA sentence added.", "action": "publish"})
    assert refused.status_code == 400
    assert WRITER_LINE in text_of(refused.text)
    assert 'href="/studio/sources/"' in refused.text
    assert_for_writers(refused.text)
    # Nothing was published; the writer's text is kept in the draft.
    assert status_of(studio, owner, post_id) == "draft"
    assert "A sentence added." in owner.get(f"/studio/posts/{post_id}/").text
    # Scheduling is refused alike.
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = owner.post(f"/studio/posts/{post_id}/", {
        "title": "Not yet", "body": BAD_BODY, "action": "schedule", "publish_at": later})
    assert scheduled.status_code == 400 and WRITER_LINE in text_of(scheduled.text)
    assert status_of(studio, owner, post_id) == "draft"
    # "Create and publish" in one request: refused, kept as a draft.
    owner.get("/studio/posts/new/")
    created = owner.post("/studio/posts/new/", {"title": "Straight out", "body": BAD_BODY,
                                                "action": "publish"})
    assert created.status_code == 400 and WRITER_LINE in text_of(created.text)
    listed = owner.get("/studio/?q=Straight").text
    assert "Straight out" in listed and "status-draft" in listed
    # Once the key is right, it publishes.
    fixed = BAD_BODY.replace("nosuchkey", "milton1644")
    done = owner.post(f"/studio/posts/{post_id}/", {"title": "Not yet", "body": fixed,
                                                    "action": "publish"})
    assert done.status_code == 302 and status_of(studio, owner, post_id) == "published"


def test_updating_a_live_post_with_an_unknown_key_keeps_the_site_and_the_text(studio):
    editor = studio.session("editor")
    post_id = editor.new_post("Live essay", "The live text.", action="publish")
    path = f"/{dt.datetime.now(dt.UTC).strftime('%Y/%m')}/live-essay/"
    studio.wait_for(path, "The live text.")
    refused = editor.post(f"/studio/posts/{post_id}/", {
        "title": "Live essay", "body": BAD_BODY, "action": "save"})
    assert refused.status_code == 400 and WRITER_LINE in text_of(refused.text)
    assert_for_writers(refused.text)
    # The site keeps the live text; the editor brings the rewrite back.
    page = editor.get(f"/studio/posts/{post_id}/").text
    assert "As the archive shows" in page and "Showing your autosaved text" in page
    with studio.client() as c:
        assert "The live text." in c.get(path).text
    # Restoring an old revision that cites the unknown key is refused the same way.
    editor.post(f"/studio/posts/{post_id}/", {"title": "Live essay", "body": "Second text.",
                                              "action": "save"})
    revisions = editor.get(f"/studio/posts/{post_id}/revisions/").text
    for rev in re.findall(r"/studio/revisions/(\d+)/restore/", revisions):
        r = editor.post(f"/studio/revisions/{rev}/restore/")
        assert r.status_code in (302, 400), r.status_code
        if r.status_code == 400:
            assert WRITER_LINE in text_of(r.text)
            break
    else:
        raise AssertionError("no revision with the bad text was offered")


def wait_for_text(session, path: str, text: str, timeout: float = 40) -> str:
    deadline = time.monotonic() + timeout
    while True:
        page = session.get(path).text
        if text in text_of(page):
            return page
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never said {text!r}:\n{text_of(page)[:2000]}")
        time.sleep(0.3)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_post_the_build_leaves_out_is_named_and_the_rest_still_goes_live(studio):
    owner = studio.session("owner")
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    cited = owner.new_post("Cites Milton", "Intro.\n\nMilton [@milton1644].",
                           action="publish")
    studio.wait_for(f"/{year_month}/cites-milton/", "Milton 1644")
    # Scheduled while the source exists; the source is gone by the time it is due.
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4)
    later = owner.new_post("Due soon", "One.\n\nTwo.\n\nMilton again [@milton1644, p. 9].",
                           action="schedule", publish_at=when.strftime("%Y-%m-%dT%H:%M:%S"))
    with sqlite3.connect(studio.site / "masthead.db") as db:
        db.execute("DELETE FROM content_source WHERE key = 'milton1644'")
    owner.new_post("Still updating", "Other changes go live.", action="publish")
    studio.wait_for(f"/{year_month}/still-updating/", "Other changes go live.")
    # The studio says which posts and why, in a writer's words, on the list and in the
    # editor; the site keeps the earlier post's last good page and leaves the new one out.
    listed = wait_for_text(owner, "/studio/", "not on the site: line 5")
    visible = text_of(listed)
    assert "Due soon" in visible and "the site shows its previous text: line 3" in visible
    assert "no source with the key 'milton1644'" in visible
    assert "2 published posts are not up to date on the site" in visible
    assert_for_writers(listed)
    editing = owner.get(f"/studio/posts/{later}/").text
    assert "is not on the site" in text_of(editing) and "line 5" in text_of(editing)
    assert 'href="/studio/sources/"' in editing
    assert "The site still shows this post" in text_of(owner.get(f"/studio/posts/{cited}/").text)
    with studio.client() as c:
        assert "Milton 1644" in c.get(f"/{year_month}/cites-milton/").text
        assert c.get(f"/{year_month}/due-soon/").status_code == 404
        assert "The last build of the site failed" not in owner.get("/studio/").text
    # Corrected (the citation dropped) and updated: it goes live and the notice goes.
    updated = owner.post(f"/studio/posts/{cited}/", {
        "title": "Cites Milton", "body": "Intro, and no citation now.", "action": "save"})
    assert updated.status_code == 302
    studio.wait_for(f"/{year_month}/cites-milton/", "no citation now")
    visible = text_of(owner.get("/studio/").text)
    assert "the site shows its previous text" not in visible
    assert "One published post is not up to date" in visible


def test_a_contributor_cannot_create_and_publish_and_nothing_is_stored(studio):
    contributor = studio.session("contributor")
    contributor.get("/studio/posts/new/")
    for action in ("publish", "schedule"):
        r = contributor.post("/studio/posts/new/", {
            "title": f"Sneaked out by {action}", "body": "Text.", "action": action,
            "publish_at": "2030-01-01T10:00"})
        assert r.status_code == 403, action
    owner = studio.session("owner")
    assert "Sneaked out" not in owner.get("/studio/?q=Sneaked").text
    assert "Sneaked out" not in contributor.get("/studio/").text
