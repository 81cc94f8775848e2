#!/usr/bin/env python3
"""Faults, measured: what a kill, a hang or hostile input does to a real site.

    .venv/bin/python bench/faults.py kill-incremental [--posts 3000] [--kills 20]
    .venv/bin/python bench/faults.py worker-settings [--posts 3000,10000]
    .venv/bin/python bench/faults.py static-cache     (bench/faults_static_cache.py)
    .venv/bin/python bench/faults.py lying-zip        (bench/faults_lying_zip.py)
    .venv/bin/python bench/faults.py all

kill-incremental: a site of N corpus posts (bench/corpus.py) is built, its title
changed, and `masthead build` killed with kill -9 (its whole process group) at K moments
drawn (seeded) over the length of an uninterrupted incremental build; after each kill,
every page of public/ is read: a page with the old title beside one with the new is a
mixed state. Target: 0 pages in a mixed state.

worker-settings: the citation style is changed by the studio's own action (the build it
enqueues re-renders every post), then `masthead worker --burst` runs that build, which
forks (renderers and the shared citation run). Prints whether it finished and how long it
took; before the fix of issue 14 it never finished.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpus import write_corpus  # noqa: E402

MASTHEAD = [sys.executable, "-m", "masthead"]
CHANGE_SETTING = """
import sys
from pathlib import Path
from masthead.site import open_site
open_site(Path(sys.argv[1]))
from masthead.content.publishing import change_settings
change_settings(None, {sys.argv[2]: sys.argv[3]})
"""


def masthead(site: Path, *args: str, timeout: float = 1800) -> str:
    proc = subprocess.run([*MASTHEAD, "--site", str(site), *args], capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"masthead {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout + proc.stderr


def make_site(work: Path, posts: int) -> Path:
    print(f"Making a site of {posts} corpus posts...", flush=True)
    write_corpus(work / "corpus", posts)
    site = work / "site"
    subprocess.run([*MASTHEAD, "init", str(site), "--title", "The Old Title"], check=True,
                   capture_output=True)
    masthead(site, "import", "bibtex", str(work / "corpus" / "bibliography.bib"))
    masthead(site, "import", "markdown", str(work / "corpus" / "posts"))
    started = time.perf_counter()
    masthead(site, "build")
    print(f"  full build: {time.perf_counter() - started:.1f} s", flush=True)
    return site


def titles(public: Path, old: str, new: str) -> tuple[int, int]:
    pages = [p.read_text(encoding="utf-8") for p in public.rglob("index.html")]
    return sum(old in t for t in pages), sum(new in t for t in pages)


def kill_incremental(posts: int, kills: int, seed: int = 14) -> None:
    with tempfile.TemporaryDirectory(prefix="masthead-faults-") as tmp:
        site = make_site(Path(tmp), posts)
        masthead(site, "settings", "title", "A Title Renewed")
        started = time.perf_counter()
        masthead(site, "build")
        length = time.perf_counter() - started
        print(f"  uninterrupted incremental build (every page changes): {length:.2f} s")
        rng = random.Random(seed)
        current = "A Title Renewed"
        worst = 0
        for n in range(kills):
            other = "The Old Title" if current == "A Title Renewed" else "A Title Renewed"
            masthead(site, "settings", "title", other)
            at = rng.uniform(0.05, 1.0) * length
            proc = subprocess.Popen([*MASTHEAD, "--site", str(site), "build"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            time.sleep(at)
            killed = proc.poll() is None
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            before, after = titles(site / "public", current, other)
            mixed = min(before, after)
            worst = max(worst, mixed)
            print(f"  kill {n + 1:2d} at {at:5.2f} s: "
                  f"{'killed' if killed else 'finished first'}; pages old {before}, "
                  f"new {after}; mixed {mixed}", flush=True)
            if after and not before:
                current = other
        print(f"kill -9 of incremental builds at {kills} moments, {posts} posts: "
              f"pages in a mixed state at worst {worst} (target 0)")


def worker_settings(posts: int) -> None:
    with tempfile.TemporaryDirectory(prefix="masthead-faults-") as tmp:
        site = make_site(Path(tmp), posts)
        subprocess.run([sys.executable, "-c", CHANGE_SETTING, str(site), "citation_style",
                        "apa"], check=True)
        started = time.perf_counter()
        try:
            proc = subprocess.run([*MASTHEAD, "--site", str(site), "worker", "--burst"],
                                  capture_output=True, text=True, timeout=1200)
        except subprocess.TimeoutExpired:
            print(f"settings-change build through the worker, {posts} posts: "
                  "did NOT finish in 20 minutes")
            return
        seconds = time.perf_counter() - started
        built = "built " in proc.stderr
        print(f"settings-change build through the worker, {posts} posts: "
              f"{'finished' if built else 'FAILED'} in {seconds:.1f} s "
              f"(target: finishes, within [build] time_limit)")
        if not built:
            print(proc.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["kill-incremental", "worker-settings",
                                         "static-cache", "lying-zip", "all"])
    parser.add_argument("--posts", default=None,
                        help="posts (kill-incremental: 3000; worker-settings: 3000,10000)")
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    if args.what in ("kill-incremental", "all"):
        kill_incremental(int(args.posts or 3000), args.kills)
    if args.what in ("worker-settings", "all"):
        for n in (args.posts or "3000,10000").split(","):
            worker_settings(int(n))
    for name in ("static-cache", "lying-zip"):
        if args.what in (name, "all"):
            script = BENCH / f"faults_{name.replace('-', '_')}.py"
            subprocess.run([sys.executable, str(script)], check=True)


if __name__ == "__main__":
    main()
