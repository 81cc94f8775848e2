"""The worker keeps its build child warm between builds (imports done, the last snapshot
of the site kept), is woken the moment a job is queued, and still never shows a stale
page: every edit, publish and settings change made through a running `masthead serve`
is live in turn, from the same child."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
from pathlib import Path

from tests.conftest import make_site, run_masthead, serving
from tests.sitegen.test_build_faults import SETTINGS, children_of, processes_of, wait_until
from tests.studio.conftest import Studio, add_accounts

JSON = {"accept": "application/json"}


def small_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path, url="http://127.0.0.1/")
    add_accounts(site)
    run_masthead("build", site=site)
    return site


def the_worker(site: Path) -> int:
    workers = [p for p in processes_of(site) if b" worker" in Path(
        f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")]
    assert len(workers) == 1, workers
    return workers[0]


def living_children(pid: int) -> list[int]:
    """Children of pid that have not ended (a killed child stays a zombie until reaped)."""
    alive = []
    for child in children_of(pid):
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(child)
    return alive


def live_url(owner, post_id: int) -> str:
    def said_live() -> str:
        state = owner.get(f"/studio/posts/{post_id}/live/", headers=JSON).json()
        return state.get("url", "") if state["state"] == "live" else ""

    return wait_until(said_live, 60, "the studio to say Live")


def test_every_change_through_a_running_serve_is_live_in_turn_from_one_warm_child(tmp_path):
    site = small_site(tmp_path)
    with serving(site) as url:
        studio = Studio(url, site)
        owner = studio.session("owner")
        first = owner.new_post("Panes", "Good prose is like a windowpane.", action="publish",
                               tags="prose")
        page_url = live_url(owner, first)
        assert "Good prose is like a windowpane." in studio.client().get(page_url).text
        child = children_of(the_worker(site))
        assert len(child) == 1  # the build child, waiting for the next build

        def shows(path: str, text: str) -> bool:
            r = studio.client().get(path)
            return r.status_code == 200 and text in r.text

        # Edit the published post (Update): its page, and the home page's card.
        owner.get(f"/studio/posts/{first}/")
        owner.post(f"/studio/posts/{first}/", {"title": "Windowpanes", "action": "save",
                                               "body": "Prose, said Orwell, is a pane.",
                                               "tags": "prose, glass"})
        wait_until(lambda: shows(page_url, "Prose, said Orwell, is a pane."), 30, "the edit")
        assert shows("/", "Windowpanes") and shows("/tags/glass/", "Windowpanes")
        # Edit again, and publish a second post beside it.
        owner.post(f"/studio/posts/{first}/", {"title": "Windowpanes", "action": "save",
                                               "body": "Third thoughts on panes.",
                                               "tags": "glass"})
        second = owner.new_post("Mirrors", "Not windows at all.", action="publish")
        second_url = live_url(owner, second)
        wait_until(lambda: shows(page_url, "Third thoughts on panes."), 30, "the second edit")
        assert not shows("/tags/prose/", "Windowpanes")  # the tag it no longer has
        assert shows(second_url, "Not windows at all.") and shows("/", "Mirrors")
        # The site's settings: a new title on every page, and a new permalink, which
        # moves every post (each post's view is made again, not taken from the cache).
        assert owner.get("/studio/settings/").status_code == 200
        changed = {**SETTINGS, "title": "A Title Renewed", "permalink": "/{slug}/"}
        assert owner.post("/studio/settings/", changed).status_code == 302
        wait_until(lambda: shows("/panes/", "Third thoughts on panes."), 30,
                   "the new permalink")
        assert shows("/panes/", "A Title Renewed") and shows("/mirrors/", "Mirrors")
        assert live_url(owner, first) == "/panes/"
        # All of it built by the one child the first publish started.
        assert children_of(the_worker(site)) == child


def test_a_job_is_started_the_moment_it_is_queued(tmp_path):
    """The worker looks at the queue once a second; an enqueue wakes it at once. Each
    build here is claimed within a fraction of that second (the queue's own times)."""
    site = small_site(tmp_path)
    with serving(site) as url:
        owner = Studio(url, site).session("owner")
        for n in range(4):
            post_id = owner.new_post(f"Post {n}", f"Text {n}.", action="publish")
            live_url(owner, post_id)
    with sqlite3.connect(site / "masthead.db") as db:
        rows = db.execute("SELECT enqueued_at, started_at FROM django_tasks_database_dbtaskresult"
                          " WHERE task_path LIKE '%build_site' AND started_at IS NOT NULL"
                          " ORDER BY enqueued_at").fetchall()
    waits = [(dt.datetime.fromisoformat(s) - dt.datetime.fromisoformat(e)).total_seconds()
             for e, s in rows]
    assert len(waits) >= 4 and max(waits) < 0.5, waits


def test_a_killed_build_child_is_replaced_and_the_next_publish_goes_live(tmp_path):
    site = small_site(tmp_path)
    with serving(site) as url:
        studio = Studio(url, site)
        owner = studio.session("owner")
        live_url(owner, owner.new_post("Before", "Built by the first child.",
                                       action="publish"))
        worker = the_worker(site)
        [child] = children_of(worker)
        os.kill(child, signal.SIGKILL)
        wait_until(lambda: child not in living_children(worker), 10, "the child to be gone")
        after = owner.new_post("After", "Built by a new child.", action="publish")
        assert "Built by a new child." in studio.client().get(live_url(owner, after)).text
        [replacement] = living_children(worker)
        assert replacement != child
