#!/usr/bin/env python3
"""Click-to-live benchmark: from the studio's Publish to the public page with the new text.

    .venv/bin/python bench/click_to_live.py [--posts 10000] [--publishes 12] [--keep DIR]

Generates the corpus with bench/corpus.py (deterministic), imports it into a fresh
SQLite site and builds it (as bench/build.py does), creates an owner account, then starts
the real `masthead serve` (its background worker beside it) and logs in to the studio over
HTTP as a browser would. Each round publishes one post (a different one each time) with a
changed text through the editor's form (the POST a click on Update sends), then asks for
the post's public page every 5 ms until it answers with the new text. Prints each round,
the median and the worst against the target (under 1 s), and when the studio's
"Live · View post" came (its /studio/posts/ID/live/ answer). The first round is the
worker's first build (a cold build child); it is shown but left out of the figures, which
are about a running `masthead serve`. The worker's own log ("built ... in X s") is
printed at the end: where the time of each build went.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from build import ensure, masthead, prepare  # noqa: E402
from serve import free_port, wait_for  # noqa: E402

EMAIL, PASSWORD = "bench@example.org", "a long enough passphrase"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Studio:
    """A logged-in browser-like client: cookies and the last page's CSRF token."""

    def __init__(self, url: str):
        import httpx

        self.c = httpx.Client(base_url=url, follow_redirects=False, timeout=60)
        self.token = ""

    def get(self, path: str, **kw):
        r = self.c.get(path, **kw)
        m = TOKEN.search(r.text)
        if m:
            self.token = m.group(1)
        return r

    def post(self, path: str, data: dict):
        return self.c.post(path, data={**data, "csrfmiddlewaretoken": self.token})

    def log_in(self) -> None:
        self.get("/studio/login/")
        r = self.post("/studio/login/", {"email": EMAIL, "password": PASSWORD})
        if r.status_code != 302:
            sys.exit(f"could not log in to the studio: {r.status_code}")
        self.get("/studio/")

    def form(self, post_id: int) -> dict:
        """The editor's fields for the post, as the page holds them."""
        page = self.get(f"/studio/posts/{post_id}/").text

        def value(name: str) -> str:
            m = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page) or \
                re.search(rf'<input[^>]*\bvalue="([^"]*)"[^>]*\bname="{name}"', page)
            return html.unescape(m.group(1)) if m else ""

        body = re.search(r'<textarea[^>]*\bname="body"[^>]*>(.*?)</textarea>', page, re.S)
        return {"title": value("title"), "slug": value("slug"), "tags": value("tags"),
                "excerpt": value("excerpt"), "canonical_url": value("canonical_url"),
                "body": html.unescape(body.group(1)) if body else ""}

    def live(self, post_id: int) -> dict:
        return self.c.get(f"/studio/posts/{post_id}/live/",
                          headers={"accept": "application/json"}).json()


def published_ids(studio: Studio, count: int) -> list[int]:
    """Posts to publish, spread over the site (the studio's list, newest changed first)."""
    ids: list[int] = []
    page = 1
    while len(ids) < count * 4:
        text = studio.get(f"/studio/?status=published&page={page}").text
        found = [int(x) for x in re.findall(r'href="/studio/posts/(\d+)/"', text)]
        if not found:
            break
        ids += [i for i in found if i not in ids]
        page += 7
    return ids[::4][:count] if len(ids) >= count * 4 else ids[:count]


def one_round(studio: Studio, public, post_id: int, n: int) -> tuple[float, float, int]:
    fields = studio.form(post_id)
    marker = f"Changed for round {n} at {time.time():.6f}."
    fields["body"] = fields["body"].rstrip() + f"\n\n{marker}\n"
    url = studio.live(post_id)["url"]
    start = time.perf_counter()
    r = studio.post(f"/studio/posts/{post_id}/", {**fields, "action": "publish"})
    if r.status_code != 302:
        sys.exit(f"publishing post {post_id} was refused ({r.status_code}): {r.text[:300]}")
    posted = time.perf_counter() - start
    deadline = start + 120
    while True:
        page = public.get(url)
        if page.status_code == 200 and marker in page.text:
            break
        if time.perf_counter() > deadline:
            sys.exit(f"{url} did not show the new text within 120 s")
        time.sleep(0.005)
    live = time.perf_counter() - start
    while studio.live(post_id)["state"] != "live" and time.perf_counter() < deadline:
        time.sleep(0.005)
    return live, posted, round(1000 * (time.perf_counter() - start))


def queue_times(site: Path, since: str) -> list[tuple[float, float]]:
    """(queued to claimed, claimed to finished) of each build job queued since a time
    (UTC, as the queue stores it), from the site's queue."""
    import sqlite3

    with sqlite3.connect(site / "masthead.db") as db:
        rows = db.execute("SELECT enqueued_at, started_at, finished_at FROM "
                          "django_tasks_database_dbtaskresult WHERE task_path LIKE "
                          "'%.build_site' AND finished_at IS NOT NULL AND enqueued_at >= ? "
                          "ORDER BY enqueued_at", [since]).fetchall()
    t = dt.datetime.fromisoformat
    return [((t(s) - t(e)).total_seconds(), (t(f) - t(s)).total_seconds()) for e, s, f in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--publishes", type=int, default=12)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--site", type=Path,
                    help="a site this bench made before (with --keep DIR: DIR/site), "
                         "used as it is instead of generating, importing and building")
    a = ap.parse_args()
    ensure("psutil", "psutil==7.2.2")
    import httpx

    work = a.keep or Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        if a.site:
            site = a.site
        else:
            _, site = prepare(work, a.posts)
            t_full, _, _ = masthead("build", "--full", site=site)
            print(f"full build:             {t_full:7.2f} s", flush=True)
            subprocess.run([sys.executable, "-m", "masthead", "--site", str(site), "user",
                            "create", EMAIL, "--role", "owner", "--name", "Bench Owner"],
                           input=PASSWORD + "\n", text=True, check=True,
                           stdout=subprocess.DEVNULL)
        port = free_port()
        log = work / "serve.log"
        with open(log, "w") as out:
            server = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site),
                                       "serve", "--port", str(port)],
                                      stdout=out, stderr=subprocess.STDOUT)
        wait_for(port, 60)
        url = f"http://127.0.0.1:{port}"
        studio = Studio(url)
        studio.log_in()
        ids = published_ids(studio, a.publishes + 1)
        public = httpx.Client(base_url=url, timeout=60)
        rounds = []
        since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        print("round  post   click to live   POST answered   studio says Live", flush=True)
        for n, post_id in enumerate(ids):
            live, posted, said = one_round(studio, public, post_id, n)
            note = "  (the worker's first build: a cold child)" if n == 0 else ""
            print(f"{n:>5}  {post_id:>5}   {1000 * live:9.0f} ms   {1000 * posted:9.0f} ms"
                  f"   {said:9d} ms{note}", flush=True)
            if n:
                rounds.append(live)
        median, worst = statistics.median(rounds), max(rounds)
        print()
        print(f"Click to live at {a.posts} posts, {len(rounds)} publishes with serve running: "
              f"median {1000 * median:.0f} ms, worst {1000 * worst:.0f} ms (target < 1000 ms)")
        server.terminate()
        server.wait(30)
        server = None
        builds = [line.split(" INFO ", 1)[1] for line in log.read_text().splitlines()
                  if "INFO built" in line]
        print("The worker's builds (the first is the cold one):")
        for line in builds:
            print("  " + line)
        times = queue_times(site, since)
        if times:
            waits, runs = [w for w, _ in times], [r for _, r in times]
            print(f"The queue's own times over {len(times)} build jobs: queued -> claimed "
                  f"median {1000 * statistics.median(waits):.0f} ms (worst "
                  f"{1000 * max(waits):.0f}), claimed -> done median "
                  f"{1000 * statistics.median(runs):.0f} ms (worst {1000 * max(runs):.0f})")
    finally:
        if server is not None:
            server.kill()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
