#!/usr/bin/env python3
"""The static server's memory under one page asked for by 50,000 spellings (issue 14, 5).

    .venv/bin/python bench/faults_static_cache.py [--requests 50000] [--threads 4]

Makes a small site (`masthead init`, one post through `masthead import markdown`,
`masthead build`, in a temporary folder), starts `masthead serve --no-worker` on a free
127.0.0.1 port, asks for the post's page under distinct spellings of its address
(runs of extra slashes at each separator, letters percent-encoded in upper or lower
case: ``/2026/01//a-%73mall-post///``), over keep-alive connections, and prints the
resident memory of the server's process tree (Granian's main process and its workers)
before and after, beside the target: growth within 20 MB. It also prints how many
distinct ETags and statuses came back (one and 200 when every spelling reaches the
same file). No time is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ensure

TARGET_MB = 20
RUN = 37  # slash runs of 1..37 at three separators: 37**3 = 50,653 spellings
POST = """---
title: A small post
date: 2026-01-05
slug: a-small-post
---

A short page, so that the cache's bookkeeping weighs as much as its bytes.
"""




def masthead(*args: str | Path) -> str:
    return subprocess.run([sys.executable, "-m", "masthead", *map(str, args)], check=True,
                          capture_output=True, text=True).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"masthead serve did not start on 127.0.0.1:{port}")


def spelling(i: int, segments: list[str]) -> str:
    """The i-th spelling of /a/b/c/: the digits of i in base RUN choose the slash runs
    after each segment (so every i gives a different address), its low bits which
    letters of the last segment are percent-encoded, and in which case."""
    runs = [1 + (i // RUN ** k) % RUN for k in range(len(segments))]
    last = "".join(
        (f"%{ord(ch):02x}" if (i >> 3) & 1 else f"%{ord(ch):02X}") if (i >> (n % 3)) & 1
        and ch.isalpha() else ch for n, ch in enumerate(segments[-1]))
    parts = [*segments[:-1], last]
    return "/" + "".join(part + "/" * run for part, run in zip(parts, runs, strict=True))


def tree_rss(pid: int) -> dict[int, float]:
    """Resident MiB of the server and each of its workers, by process id."""
    import psutil

    root = psutil.Process(pid)
    out = {}
    for p in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            out[p.pid] = p.memory_info().rss / 2**20
    return out


def hammer(port: int, paths: list[str], statuses: Counter, etags: Counter,
           lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seen_status, seen_etag = Counter(), Counter()
    for path in paths:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
        resp = conn.getresponse()
        resp.read()
        seen_status[resp.status] += 1
        seen_etag[resp.getheader("etag")] += 1
        if resp.getheader("connection", "").lower() == "close":
            conn.close()
    conn.close()
    with lock:
        statuses.update(seen_status)
        etags.update(seen_etag)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=50_000)
    ap.add_argument("--threads", type=int, default=4)
    a = ap.parse_args()
    if not 0 < a.requests <= RUN ** 3:
        sys.exit(f"--requests must be between 1 and {RUN ** 3}")
    ensure("psutil", "psutil==7.2.2")

    with tempfile.TemporaryDirectory(prefix="masthead-static-cache-") as tmp:
        work = Path(tmp)
        site, posts = work / "site", work / "posts"
        masthead("init", site)
        posts.mkdir()
        (posts / "a-small-post.md").write_text(POST, encoding="utf-8")
        masthead("--site", site, "import", "markdown", posts)
        masthead("--site", site, "build")
        page = next(p for p in (site / "public").rglob("a-small-post/index.html"))
        segments = list(page.parent.relative_to(site / "public").parts)
        canonical = "/" + "/".join(segments) + "/"
        paths = [spelling(i, segments) for i in range(a.requests)]
        assert len(set(paths)) == len(paths)

        port = free_port()
        log = (work / "serve.log").open("w")
        server = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site),
                                   "serve", "--no-worker", "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(port, server)
            # Every worker serves the page (compressed too) before measuring: several
            # connections, so that each worker gets some.
            warm = [threading.Thread(target=hammer, args=(
                port, [canonical, "/" + canonical] * 50, Counter(), Counter(), threading.Lock()))
                for _ in range(4 * a.threads)]
            for t in warm:
                t.start()
            for t in warm:
                t.join()
            time.sleep(1)
            before = tree_rss(server.pid)
            statuses, etags, lock = Counter(), Counter(), threading.Lock()
            share = [paths[t::a.threads] for t in range(a.threads)]
            start = time.perf_counter()
            threads = [threading.Thread(target=hammer, args=(port, s, statuses, etags, lock))
                       for s in share]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - start
            time.sleep(1)
            after = tree_rss(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()

    print(f"{a.requests:,} distinct spellings of {canonical} "
          f"(e.g. {paths[-1]}), {a.threads} keep-alive connections, {seconds:.1f} s")
    print(f"statuses: {dict(statuses)}; distinct ETags: {len(etags)}")
    for pid in sorted(set(before) | set(after)):
        b, f = before.get(pid, 0.0), after.get(pid, 0.0)
        print(f"  process {pid}: {b:.0f} -> {f:.0f} MiB ({f - b:+.1f})")
    total_b, total_a = sum(before.values()), sum(after.values())
    growth = total_a - total_b
    print(f"server process tree RSS: before {total_b:.0f} MiB, after {total_a:.0f} MiB, "
          f"growth {growth:+.1f} MiB (must stay within {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
