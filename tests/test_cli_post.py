"""`masthead post ...`: the studio's publishing buttons from a terminal, through the same
actions, starting the same jobs (the build, the newsletter), run by the worker."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.conftest import configure_smtp, make_site, run_masthead, serving

DRAFT = """---
title: Notes on Margins
date: 2026-01-10T09:00:00Z
draft: true
---

Margins are where readers talk back.
"""
LIVE = """---
title: The Long View
date: 2025-06-02T08:00:00Z
---

Slow reading, again.
"""


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, url="http://127.0.0.1/")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "notes-on-margins.md").write_text(DRAFT)
    (posts / "the-long-view.md").write_text(LIVE)
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("settings", "author", "Mara Ellison", site=site)
    run_masthead("settings", "timezone", "Europe/Paris", site=site)
    run_masthead("build", site=site)
    return site


def listed(site, *args: str) -> list[str]:
    return run_masthead("post", "list", *args, site=site).stdout.splitlines()


def test_publish_queues_the_build_the_worker_runs_and_the_post_goes_live(site):
    done = run_masthead("post", "publish", "notes-on-margins", site=site)
    assert "Published 'Notes on Margins' at /2026/01/notes-on-margins/" in done.stdout
    assert not (site / "public/2026/01/notes-on-margins/index.html").exists()
    run_masthead("worker", "--burst", site=site)
    page = (site / "public/2026/01/notes-on-margins/index.html").read_text()
    assert "Margins are where readers talk back." in page
    assert "Mara Ellison" in page  # the site's author: no placeholder byline


def test_the_list_is_newest_first_with_dates_in_the_site_time_zone_and_bylines(site):
    lines = listed(site)
    assert [line.split()[0] for line in lines] == ["draft", "published"]
    # 09:00 UTC on 10 January is 10:00 in Paris; dates read as the theme writes them.
    assert "10 January 2026, 10:00" in lines[0] and "Notes on Margins (Mara Ellison)" in lines[0]
    assert "2 June 2025, 10:00" in lines[1]
    assert listed(site, "--status", "published") == lines[1:]
    assert listed(site, "--status", "scheduled") == ["No scheduled posts."]


def test_schedule_reads_the_time_in_the_site_time_zone(site):
    done = run_masthead("post", "schedule", "notes-on-margins", "--at", "2030-12-24 09:00",
                        site=site)
    assert done.stdout.strip() == "Scheduled 'Notes on Margins' for 24 December 2030, 09:00."
    (line,) = listed(site, "--status", "scheduled")
    assert "24 December 2030, 09:00" in line
    # The worker's job waits for its time: nothing is published meanwhile.
    run_masthead("worker", "--burst", site=site)
    assert listed(site, "--status", "scheduled") == [line]


def test_a_time_already_past_publishes_now(site):
    done = run_masthead("post", "schedule", "notes-on-margins", "--at", "2020-01-01 09:00",
                        site=site)
    assert "That time has passed: published 'Notes on Margins' now" in done.stdout
    assert listed(site, "--status", "published")[0].startswith("published")


def test_trash_answers_410_and_restore_brings_the_post_back_at_its_address(site):
    with serving(site) as url:
        address = url + "/2025/06/the-long-view/"
        assert httpx.get(address).status_code == 200
        done = run_masthead("post", "trash", "the-long-view", site=site)
        assert "Moved 'The Long View' to the Trash" in done.stdout
        assert listed(site, "--status", "published") == ["No published posts."]
        (line,) = listed(site, "--status", "trashed")
        assert "the-long-view" in line
        r = wait_for_status(address, 410)
        assert "withdrawn" in r.text and "<html" in r.text
        run_masthead("post", "restore", "the-long-view", site=site)
        r = wait_for_status(address, 200)
        assert "Slow reading, again." in r.text


def test_trash_with_a_replacement_redirects_there(site):
    run_masthead("post", "publish", "notes-on-margins", site=site)
    run_masthead("post", "trash", "the-long-view", "--replace-with", "notes-on-margins",
                 site=site)
    run_masthead("worker", "--burst", site=site)
    assert "/2025/06/the-long-view/ /2026/01/notes-on-margins/ 301" in (
        site / "public/_redirects").read_text()
    with serving(site, worker=False) as url:
        r = httpx.get(url + "/2025/06/the-long-view/", follow_redirects=False)
        assert r.status_code == 301
        assert r.headers["location"] == "/2026/01/notes-on-margins/"


def wait_for_status(address: str, status: int, timeout: float = 30) -> httpx.Response:
    import time

    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(address, follow_redirects=False)
        if r.status_code == status or time.monotonic() > deadline:
            assert r.status_code == status
            return r
        time.sleep(0.2)


@pytest.mark.parametrize(("args", "says"), [
    (["publish", "no-such-post"],
     "error: no post or page has the slug 'no-such-post' (see `masthead post list`)"),
    (["schedule", "notes-on-margins", "--at", "tomorrow"],
     "error: 'notes-on-margins': --at must be a date and time such as \"2026-12-24 09:00\", "
     "not \"tomorrow\""),
    (["restore", "notes-on-margins"],
     "error: 'notes-on-margins': the post 'Notes on Margins' is not in the Trash"),
    (["publish", "notes-on-margins", "--email"],
     "error: 'notes-on-margins': --email needs a mail server: add an [smtp] section to "
     "masthead.toml"),
    (["trash", "the-long-view", "--replace-with", "notes-on-margins"],
     "error: 'the-long-view': the post 'The Long View' can only be replaced by another "
     "published post or page"),
])
def test_a_refusal_is_one_line_naming_the_post_and_changes_nothing(site, args, says):
    before = listed(site)
    result = run_masthead("post", *args, site=site, check=False)
    assert result.code == 1
    assert result.stderr.strip() == says
    assert listed(site) == before


def test_publish_with_email_queues_the_newsletter_the_worker_sends(tmp_path, mail_sink):
    site = make_site(tmp_path, url="http://127.0.0.1/")
    configure_smtp(site, mail_sink)
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "notes-on-margins.md").write_text(DRAFT)
    run_masthead("import", "markdown", posts, site=site)
    (tmp_path / "s.csv").write_text("email,status\nreader@example.org,confirmed\n")
    run_masthead("subscribers", "import", tmp_path / "s.csv", site=site)
    done = run_masthead("post", "publish", "notes-on-margins", "--email", site=site)
    assert "and queued for the subscribers" in done.stdout
    run_masthead("worker", "--burst", site=site)
    (to, message), = mail_sink.wait(1)
    assert to == ["reader@example.org"] and message["Subject"] == "Notes on Margins"


def test_post_help_loads_no_django():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "masthead", "post",
                           "--help"], capture_output=True, text=True, timeout=60, check=True)
    for command in ("list", "publish", "schedule", "unpublish", "trash", "restore"):
        assert f"  {command} " in proc.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert not {m for m in imported if m == "django" or m.startswith("django.")}


def test_an_export_leaves_the_trash_out_so_an_import_does_not_bring_it_back_live(site,
                                                                               tmp_path):
    run_masthead("post", "trash", "the-long-view", site=site)
    out = tmp_path / "export"
    run_masthead("export", "markdown", out, site=site)
    assert sorted(p.name for p in (out / "posts").iterdir()) == ["notes-on-margins.md"]
    run_masthead("import", "markdown", out, site=site)
    (line,) = listed(site, "--status", "trashed")
    assert "the-long-view" in line
