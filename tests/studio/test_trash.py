"""The Trash over HTTP and on static hosts: who may move what there, a trashed post is
changed only by restoring it, the worker purges it after 30 days while its address keeps
answering 410 Gone, and nginx serves that 410 from the build's map."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import free_port, nginx, run_masthead

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def trashed(site) -> list[str]:
    return run_masthead("post", "list", "--status", "trashed", site=site).stdout.splitlines()


def test_writers_trash_only_what_they_may_change(studio):
    owner, author, contributor = (studio.session(r) for r in ("owner", "author",
                                                               "contributor"))
    live = owner.new_post("Owner's essay", action="publish")
    own = contributor.new_post("A contributor's draft")
    contributor.get("/studio/")
    assert contributor.post(f"/studio/posts/{live}/trash/").status_code == 403
    author.get("/studio/")
    assert author.post(f"/studio/posts/{live}/trash/").status_code == 403
    assert trashed(studio.site) == ["No trashed posts."]
    # A contributor trashes their own draft, finds it in their Trash, and restores it.
    r = contributor.post(f"/studio/posts/{own}/trash/")
    assert r.status_code == 302 and r.headers["location"] == f"/studio/?trashed={own}"
    tree = HTMLParser(contributor.get(f"/studio/?trashed={own}").text)
    assert tree.css_first("form.notice").text(strip=True) == (
        "Moved “A contributor's draft” to the Trash.Undo")
    assert tree.css_first("table.posts") is None  # their only post is in the Trash
    assert "A contributor&#x27;s draft" in contributor.get("/studio/trash/").text
    assert "Owner&#x27;s essay" not in contributor.get("/studio/trash/").text
    r = contributor.post(f"/studio/posts/{own}/restore/", {"back": "list"})
    assert r.status_code == 302 and trashed(studio.site) == ["No trashed posts."]


def test_a_trashed_post_is_changed_only_by_restoring_it(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("In the bin")
    owner.get("/studio/")
    owner.post(f"/studio/posts/{post_id}/trash/")
    owner.get(f"/studio/posts/{post_id}/")
    for action in ("save", "publish"):
        r = owner.post(f"/studio/posts/{post_id}/", {"title": "Changed", "body": "New.",
                                                     "action": action})
        assert r.status_code == 400
        assert "the post &#x27;In the bin&#x27; is in the Trash: restore it first" in r.text
    editor = owner.get(f"/studio/posts/{post_id}/").text
    assert "Restore from the Trash" in editor
    done = run_masthead("post", "publish", "in-the-bin", site=studio.site, check=False)
    assert done.code == 1 and done.stderr.strip() == (
        "error: 'in-the-bin': the post 'In the bin' is in the Trash: restore it first")
    (line,) = trashed(studio.site)
    assert "In the bin" in line


def test_delete_now_empties_the_trash_and_only_from_the_trash(studio):
    owner = studio.session("owner")
    post_id = owner.new_post("Gone soon")
    owner.get("/studio/")
    r = owner.post(f"/studio/posts/{post_id}/delete/")
    assert r.status_code == 400 and "is not in the Trash: move it there first" in r.text
    owner.post(f"/studio/posts/{post_id}/trash/")
    owner.get("/studio/trash/")
    r = owner.post(f"/studio/posts/{post_id}/delete/")
    assert r.status_code == 302 and r.headers["location"] == "/studio/trash/?deleted=1"
    assert "Deleted for good." in owner.get("/studio/trash/?deleted=1").text
    assert owner.get(f"/studio/posts/{post_id}/").status_code == 404
    assert "Gone soon" not in run_masthead("post", "list", site=studio.site).stdout


def _age_trash(site, days: int) -> None:
    """Time passing: the Trash's posts moved there ``days`` ago (the one thing a test
    cannot wait for)."""
    with sqlite3.connect(site / "masthead.db") as db:
        db.execute("UPDATE content_post SET trashed_at = datetime('now', ?) "
                   "WHERE status = 'trashed'", (f"-{days} days",))


def _purges_waiting(site) -> list[str]:
    with sqlite3.connect(site / "masthead.db") as db:
        return [r[0] for r in db.execute(
            "SELECT run_after FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
            "AND task_path = 'masthead.publishing.tasks.purge_trash'")]


def test_the_worker_purges_the_trash_after_30_days_and_the_address_stays_gone(studio):
    owner = studio.session("owner")
    owner.new_post("Withdrawn essay", action="publish")
    address = f"/{_year_month()}/withdrawn-essay/"
    studio.wait_for(address, "Withdrawn essay")
    run_masthead("post", "trash", "withdrawn-essay", site=studio.site)
    _age_trash(studio.site, 29)
    run_masthead("worker", "--burst", site=studio.site)
    assert len(trashed(studio.site)) == 1  # 29 days: still restorable
    _age_trash(studio.site, 31)
    run_masthead("worker", "--burst", site=studio.site)
    assert trashed(studio.site) == ["No trashed posts."]
    # The next purge waits a day; a restarted worker does not add another.
    run_masthead("worker", "--burst", site=studio.site)
    assert len(_purges_waiting(studio.site)) == 1
    # Purged, the address still says the post was withdrawn.
    run_masthead("build", "--full", site=studio.site)
    assert f"{address} /410.html 410" in (studio.site / "public/_redirects").read_text()
    with studio.client() as c:
        deadline = time.monotonic() + 10
        while (r := c.get(address)).status_code != 410 and time.monotonic() < deadline:
            time.sleep(0.2)  # the server looks at the new build within a second
        assert r.status_code == 410 and "withdrawn" in r.text


def test_nginx_answers_410_for_a_trashed_post_from_the_gone_map(studio, tmp_path):
    """The lines docs/studio.md gives for a site served by nginx from public/."""
    owner = studio.session("owner")
    owner.new_post("Taken down", action="publish")
    owner.new_post("Still here", action="publish")
    run_masthead("post", "trash", "taken-down", site=studio.site)
    run_masthead("build", site=studio.site)
    public = studio.site / "public"
    assert (public / "_gone.map").read_text() == f'"/{_year_month()}/taken-down/" 1;\n'
    port = free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    with nginx(folder, port, f"""  map $uri $masthead_gone {{ default ""; include {public}/_gone.map; }}
  server {{
    listen 127.0.0.1:{port};
    root {public};
    error_page 410 /410.html;
    location / {{ if ($masthead_gone) {{ return 410; }} }}
    location = /410.html {{ }}
  }}"""):
        r = httpx.get(f"http://127.0.0.1:{port}/{_year_month()}/taken-down/")
        assert r.status_code == 410 and "This post has been withdrawn" in r.text
        r = httpx.get(f"http://127.0.0.1:{port}/{_year_month()}/still-here/")
        assert r.status_code == 200 and "Still here" in r.text


def _year_month() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y/%m")
