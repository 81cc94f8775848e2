#!/usr/bin/env python3
"""Build benchmark: Masthead's full and incremental builds, optionally against Hugo + Pagefind.

    .venv/bin/python bench/build.py [--posts 10000] [--vs-hugo] [--keep DIR]
    .venv/bin/python bench/build.py --scaling 1000,10000,50000

Generates the corpus with bench/corpus.py (deterministic), imports it into
a fresh SQLite site, and times the real CLI, each step in its own process:
  1. `masthead build --full`   (Markdown, citations, every page, feeds, search index)
  2. `masthead build`          with nothing changed
  3. edit one post's body, import that file, then `masthead build`
  4. add one new post, import it, then `masthead build`
With --scaling it only runs step 1 for each size, each on a corpus and site of its own, and
prints the time a post at each size beside the target (within 25 % of each other), with
the fixed and per-post cost of a straight-line fit. With --vs-hugo it also builds the same corpus with Hugo (Debian's, with the site in
bench/hugo/: the same pages and feeds Masthead makes) and indexes Hugo's output with Pagefind
(PyPI pagefind-bin), installing either if missing, and prints the ratio the build-speed issue sets
(Masthead / (Hugo + Pagefind) <= 0.5). Peak memory is the largest total proportional set
size (PSS: pages shared after a fork counted once) of each command's whole process tree,
workers and Pandoc included, sampled every 100 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUGO_SITE = ROOT / "bench" / "hugo"
sys.path.insert(0, str(ROOT / "bench"))

from corpus import source_keys, write_corpus  # noqa: E402


def ensure(module: str, requirement: str) -> None:
    try:
        __import__(module)
    except ImportError:
        print(f"Installing {requirement} from PyPI...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", requirement], check=True)


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak MiB of its process tree, stdout)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0]

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
            while proc.poll() is None:
                total = 0
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_full_info().pss
                peak[0] = max(peak[0], total)
                time.sleep(0.1)  # reading smaps for PSS is not free
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out}\n{err}")
    return seconds, peak[0] / 2**20, out.strip()


def masthead(*args: str, site: Path) -> tuple[float, float, str]:
    return measure([sys.executable, "-m", "masthead", "--site", str(site), *args])


def hugo_and_pagefind(work: Path, posts: int) -> tuple[float, float, float, float, int]:
    if not shutil.which("hugo"):
        print("Installing Hugo from Debian...", flush=True)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=False,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if done.returncode != 0 or not shutil.which("hugo"):
            sys.exit("--vs-hugo needs Hugo, and it could not be installed: install it with "
                     "`apt-get install hugo` (Debian) and run this again.")
    ensure("pagefind_bin", "pagefind-bin==1.5.2")
    import pagefind_bin

    pagefind = Path(pagefind_bin.__file__).parent / "pagefind"
    site = work / "hugo"
    if not (site / "content" / "posts").is_dir():
        write_corpus(site, posts, flavor="hugo")
    shutil.copy(HUGO_SITE / "config.toml", site / "config.toml")
    shutil.copytree(HUGO_SITE / "layouts", site / "layouts", dirs_exist_ok=True)
    out = work / "hugo-public"
    shutil.rmtree(out, ignore_errors=True)
    t_hugo, m_hugo, _ = measure(["hugo", "--quiet", "-d", str(out)], cwd=site)
    pages = sum(1 for _ in out.rglob("*.html"))
    t_pf, m_pf, _ = measure([str(pagefind), "--site", str(out)])
    return t_hugo, m_hugo, t_pf, m_pf, pages


def prepare(work: Path, posts: int) -> tuple[Path, Path]:
    """A corpus of ``posts`` posts (made once per folder) imported into a fresh site."""
    corpus, site = work / "corpus", work / "site"
    if not (corpus / "posts").is_dir():
        print(f"Generating {posts} posts...", flush=True)
        write_corpus(corpus, posts)
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "masthead", "init", str(site), "--url",
                    "https://blog.example.org/"], check=True, stdout=subprocess.DEVNULL)
    size = sum(p.stat().st_size for p in (corpus / "posts").glob("*.md"))
    print(f"Corpus: {posts} posts, {size / 2**20:.0f} MiB of Markdown", flush=True)
    t_import, _, _ = masthead("import", "markdown", str(corpus), site=site)
    print(f"import markdown:        {t_import:7.2f} s", flush=True)
    return corpus, site


def scaling(sizes: list[int], keep: Path | None) -> None:
    """Full builds at several sizes: is the cost a post the same at each?"""
    rows = []
    for n in sizes:
        work = (keep / str(n)) if keep else Path(tempfile.mkdtemp(prefix="masthead-bench-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            _, site = prepare(work, n)
            t_full, peak, _ = masthead("build", "--full", site=site)
        finally:
            if not keep:
                shutil.rmtree(work, ignore_errors=True)
        print(f"full build, {n} posts: {t_full:7.2f} s, {1000 * t_full / n:.2f} ms a post, "
              f"peak {peak:.0f} MiB", flush=True)
        rows.append((n, t_full))
    per_post = [t / n for n, t in rows]
    spread = max(per_post) / min(per_post) - 1
    print()
    print("posts     full build   ms a post")
    for (n, t), p in zip(rows, per_post, strict=True):
        print(f"{n:>6}   {t:9.2f} s   {1000 * p:9.2f}")
    print(f"Time a post varies by {100 * spread:.0f} % across sizes (target: within 25 %)")
    if len(rows) >= 2:
        # Least squares t = fixed + n * each: what does not grow with the site.
        mean_n = sum(n for n, _ in rows) / len(rows)
        mean_t = sum(t for _, t in rows) / len(rows)
        each = (sum((n - mean_n) * (t - mean_t) for n, t in rows)
                / sum((n - mean_n) ** 2 for n, _ in rows))
        fixed = mean_t - each * mean_n
        print(f"Straight-line fit: {fixed:.2f} s fixed + {1000 * each:.3f} ms a post")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--vs-hugo", action="store_true", help="also run Hugo + Pagefind")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--scaling", metavar="N,N,...",
                    help="only full builds, at each of these sizes (e.g. 1000,10000,50000)")
    a = ap.parse_args()
    ensure("psutil", "psutil==7.2.2")
    if a.scaling:
        try:
            sizes = [int(x) for x in a.scaling.split(",")]
        except ValueError:
            sys.exit(f"--scaling wants sizes separated by commas, not {a.scaling!r}")
        scaling(sizes, a.keep)
        return

    work = a.keep or Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus, site = prepare(work, a.posts)

        t_full, peak, out = masthead("build", "--full", "--timings", site=site)
        pages = sum(1 for _ in (site / "public").rglob("*.html"))
        print(f"full build:             {t_full:7.2f} s   {pages} HTML pages, "
              f"{pages / t_full:,.0f} pages/s, peak {peak:.0f} MiB", flush=True)
        print("  " + out.replace("\n", "\n  "))

        t_noop, _, out = masthead("build", site=site)
        print(f"no-change build:        {t_noop:7.2f} s   ({out})", flush=True)

        victim = sorted((corpus / "posts").glob("*.md"))[a.posts // 2]
        edit_dir = work / "edit"
        shutil.rmtree(edit_dir, ignore_errors=True)
        edit_dir.mkdir()
        (edit_dir / victim.name).write_text(victim.read_text().rstrip()
                                            + f"\n\nEdited at {time.time()}.\n")
        masthead("import", "markdown", str(edit_dir), site=site)
        t_edit, _, out = masthead("build", "--timings", site=site)
        print(f"edit one post, build:   {t_edit:7.2f} s   ({out.splitlines()[0]})", flush=True)

        new_dir = work / "new"
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir()
        (new_dir / "brand-new.md").write_text(
            "---\ntitle: A brand new post\ndate: 2026-01-01T00:00:00Z\ntags: [rivers]\n---\n\n"
            f"Fresh text [@{source_keys()[0]}, p. 3].\n")
        masthead("import", "markdown", str(new_dir), site=site)
        t_new, _, out = masthead("build", site=site)
        print(f"add one post, build:    {t_new:7.2f} s   ({out})", flush=True)

        print()
        print(f"Edit one post: {t_edit:.2f} s (target < 1 s); add one post: {t_new:.2f} s "
              "(target < 2 s)")
        print(f"Masthead full build: {t_full:.1f} s, {1000 * t_full / a.posts:.2f} ms a post, "
              f"peak {peak:.0f} MiB (target < 1024)")
        if a.vs_hugo:
            t_hugo, m_hugo, t_pf, m_pf, h_pages = hugo_and_pagefind(work, a.posts)
            print(f"Hugo:     {t_hugo:6.1f} s, {h_pages} HTML pages, peak {m_hugo:.0f} MiB")
            print(f"Pagefind: {t_pf:6.1f} s, peak {m_pf:.0f} MiB")
            print(f"Ratio Masthead / (Hugo + Pagefind) = {t_full:.1f} / {t_hugo + t_pf:.1f} = "
                  f"{t_full / (t_hugo + t_pf):.2f} (target <= 0.50, aim 0.25); "
                  f"Masthead / Hugo alone = {t_full / t_hugo:.2f}")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
