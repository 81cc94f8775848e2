"""Builds never hang, never outlive their process, never leave public/ half old, half new.

The sites here have 450 posts, so that their builds take the paths that fork (bodies
past 200 stale posts, pages past 400 outputs), through the worker as well as the CLI,
with kill -9 and stop signals at moments taken from the build's own progress.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_site, run_masthead, serving
from tests.studio.conftest import add_accounts

POSTS = 450
BIB = """@book{orwell1946, author = {Orwell, George}, title = {Politics and the English
Language}, year = {1946}, publisher = {Horizon}}
@book{woolf1929, author = {Woolf, Virginia}, title = {A Room of One's Own}, year = {1929},
publisher = {Hogarth Press}}
@article{baldwin1955, author = {Baldwin, James}, title = {Notes of a Native Son},
journal = {Harper's}, year = {1955}}
"""
KEYS = ["orwell1946", "woolf1929", "baldwin1955"]
SETTINGS = {"title": "Faults", "url": "http://127.0.0.1/", "description": "", "language": "en",
            "timezone": "UTC", "author": "", "footer": "", "permalink": "/{year}/{month}/{slug}/",
            "citation_style": "apa", "support_links": "", "posts_per_page": "10",
            "feed_limit": "20"}


def big_site(tmp_path: Path, toml: str = "") -> Path:
    """A built site of 450 short posts, each citing a source."""
    site = make_site(tmp_path)
    if toml:
        with open(site / "masthead.toml", "a", encoding="utf-8") as f:
            f.write(toml)
    (tmp_path / "refs.bib").write_text(BIB)
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(POSTS):
        (posts / f"essay-{i:03d}.md").write_text(
            f"---\ntitle: Essay {i}\ndate: 2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n"
            f"tags: [t{i % 40}]\n---\n\nAn argument, number {i}, as made before "
            f"[@{KEYS[i % 3]}, p. {i + 1}].\n\n> Quoted at length [sic].\n> — Someone\n")
    run_masthead("import", "bibtex", tmp_path / "refs.bib", site=site)
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("build", site=site)
    add_accounts(site)
    return site


def processes_of(site: Path) -> list[int]:
    """Live processes started for this site (their command line names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(site).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def change_style_in_studio(url: str) -> None:
    from tests.studio.conftest import Studio

    owner = Studio(url, Path()).session("owner")
    assert owner.get("/studio/settings/").status_code == 200
    assert owner.post("/studio/settings/", SETTINGS).status_code == 302


def start_worker(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "worker"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_a_settings_change_through_the_worker_rebuilds_a_site_big_enough_to_fork(tmp_path):
    """The worker's build forks a pool of renderers; they must not inherit the worker's
    "finish the job first" signal handler, or the pool can never stop them."""
    site = big_site(tmp_path)
    with serving(site) as url:
        change_style_in_studio(url)
        import httpx

        def apa_on_the_page() -> bool:  # APA puts a comma between author and year
            r = httpx.get(f"{url}/2024/01/essay-000/")
            return r.status_code == 200 and "Orwell, 1946" in r.text

        wait_until(apa_on_the_page, 120, "the worker's build")
    wait_until(lambda: not processes_of(site), 20, "serve and its worker to stop")


@pytest.mark.slow
def test_a_build_past_its_time_limit_is_killed_whole_and_frees_the_lock(tmp_path):
    site = big_site(tmp_path, "\n[build]\ntime_limit = 0.05\n")
    with serving(site, worker=False) as url:
        change_style_in_studio(url)
    worker = subprocess.run([sys.executable, "-m", "masthead", "--site", str(site), "worker",
                             "--burst"], capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    assert "the site's build took longer than 0.05 s and was stopped" in worker.stderr
    assert "Traceback" not in worker.stderr
    assert processes_of(site) == []
    with serving(site, worker=False) as url:
        from tests.studio.conftest import Studio

        page = Studio(url, site).session("owner").get("/studio/").text
        assert "build took longer than 0.05 s and was stopped" in page
        assert "TimeLimitError" not in page and "masthead." not in page
    build = run_masthead("build", site=site, timeout=120)
    assert "450 posts re-rendered" in build.stdout
    assert "Another build" not in build.stderr


@pytest.mark.slow
def test_killing_the_worker_mid_build_kills_its_build_and_frees_the_lock(tmp_path):
    site = big_site(tmp_path)
    with serving(site, worker=False) as url:
        change_style_in_studio(url)
    worker = start_worker(site)
    try:
        wait_until(lambda: children_of(worker.pid), 60, "the worker to start its build")
        time.sleep(0.3)  # into the build: bodies rendering in the pool
        worker.kill()
        worker.wait(10)
        wait_until(lambda: not processes_of(site), 10, "the build's processes to end")
    finally:
        worker.kill()
    # The lock is free: the next build runs at once and puts the new style live (the
    # bodies the killed build stored are kept; it re-renders only what is left).
    build = run_masthead("build", site=site, timeout=120)
    assert "Incremental build" in build.stdout and "Another build" not in build.stderr
    page = (site / "public" / "2024" / "01" / "essay-000" / "index.html").read_text()
    assert "Orwell, 1946" in page


@pytest.mark.slow
def test_stopping_serve_mid_build_stops_the_worker_and_every_child(tmp_path):
    site = big_site(tmp_path)
    with serving(site) as url:
        servers = processes_of(site)
        change_style_in_studio(url)
        named = {p for p in processes_of(site) if b" worker" in Path(
            f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")}
        # A build child just forked carries the worker's command line until it renames
        # itself: the worker is the one whose parent is not a worker.
        workers = [p for p in named if parent_of(p) not in named]
        assert len(workers) == 1 and servers
        wait_until(lambda: children_of(workers[0]), 60, "the worker to start its build")
        time.sleep(0.3)
    # serving() has sent SIGTERM to serve, as a service manager does.
    wait_until(lambda: not processes_of(site), 20, "every process of the site to end")


def page_titles(public: Path) -> tuple[int, int]:
    """How many pages carry the old site title, and how many the new one."""
    pages = [p.read_text() for p in public.rglob("index.html")]
    return (sum("Test Site" in text for text in pages),
            sum("A Title Renewed" in text for text in pages))


def start_build(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


@pytest.mark.slow
def test_a_killed_incremental_build_leaves_the_old_site_or_the_new_never_a_mix(tmp_path):
    """The site's title is on every page. An incremental build killed with kill -9 at
    moments spread over its run, and at the instant the first new page shows, leaves
    every page old or every page new."""
    site = big_site(tmp_path)
    run_masthead("settings", "title", "A Title Renewed", site=site)
    kills = 0
    for step in range(100):
        proc = start_build(site)
        time.sleep(0.5 + 0.15 * step)  # past start-up, then later and later each time
        finished = proc.poll() is not None
        if finished:
            break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        old, new = page_titles(site / "public")
        assert old == 0 or new == 0, f"after kill {kills}: {old} old pages, {new} new"
    assert proc.wait() == 0 and kills >= 2
    # The other way round, and at the moment that matters most: the site title changes
    # back, and the build is killed as soon as one page of the public site shows it.
    run_masthead("settings", "title", "Test Site", site=site)
    watched = site / "public" / "2024" / "01" / "essay-000" / "index.html"
    proc = start_build(site)
    deadline = time.monotonic() + 120
    while "Test Site" not in watched.read_text() and time.monotonic() < deadline:
        time.sleep(0.001)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    old, new = page_titles(site / "public")
    assert old == 0 or new == 0, f"{old} pages with the new title, {new} with the old"
    run_masthead("build", site=site)
    assert page_titles(site / "public")[1] == 0


def test_serve_builds_a_site_that_was_never_built(tmp_path):
    site = make_site(tmp_path)
    import httpx

    with serving(site, worker=False) as url:
        r = httpx.get(url + "/")
        assert r.status_code == 200 and "Test Site" in r.text


def test_a_second_build_says_it_waits_for_the_first(tmp_path):
    """Another build holds the site's lock (here, this test, as a build would)."""
    import fcntl

    site = make_site(tmp_path)
    run_masthead("build", site=site)
    fd = os.open(site / ".masthead" / "build.lock", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    second = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "build"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = second.stderr.readline()
        assert line == "Another build of this site is running: waiting for it to finish.\n"
        time.sleep(0.5)
        assert second.poll() is None  # it waits
    finally:
        os.close(fd)  # the other build ends
    assert second.wait(60) == 0 and "Incremental build" in second.stdout.read()
