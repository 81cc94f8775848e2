#!/usr/bin/env python3
"""Build benchmark: full build, pages/s, and an incremental rebuild after a one-post edit.

    .venv/bin/python bench/build.py [--posts 10000] [--keep DIR]

Generates the corpus with ../shared/bench/make_corpus.py (deterministic), imports it into
a fresh SQLite site, then times with the real CLI, each step in its own process:
  1. `masthead build --full`   (Markdown, citations, every page, feeds, search index)
  2. `masthead build`          with nothing changed
  3. edit one post's body, import that file, then `masthead build`
  4. add one new post, import it, then `masthead build`
Peak memory is the largest resident set of the build's processes (Pandoc included).
The targets are the build-speed issue's: a full build in at most half of Hugo + Pagefind
(measured on this kind of machine: 14.6 s + 44.6 s), under 1 GB; an edit under 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
HUGO_PLUS_PAGEFIND = 14.6 + 44.6


def run(*args: str, site: Path) -> tuple[float, int, str]:
    """Run masthead; return (seconds, peak RSS in MiB, stdout)."""
    cmd = [sys.executable, "-m", "masthead", "--site", str(site), *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    # ru_maxrss of the child and of the processes it waited for (Pandoc), in KiB.
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    if proc.returncode != 0:
        sys.exit(f"masthead {' '.join(args)} failed:\n{out}\n{err}")
    return seconds, peak, out.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    a = ap.parse_args()

    work = a.keep or Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, site = work / "corpus", work / "site"
    try:
        if not (corpus / "posts").is_dir():
            print(f"Generating {a.posts} posts...", flush=True)
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--posts",
                            str(a.posts)], check=True)
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "masthead", "init", str(site), "--url",
                        "https://blog.example.org/"], check=True, stdout=subprocess.DEVNULL)
        size = sum(p.stat().st_size for p in (corpus / "posts").glob("*.md"))
        print(f"Corpus: {a.posts} posts, {size / 2**20:.0f} MiB of Markdown", flush=True)
        t_import, _, _ = run("import", "markdown", str(corpus), site=site)
        print(f"import markdown:        {t_import:7.2f} s", flush=True)

        t_full, peak, out = run("build", "--full", site=site)
        pages = sum(1 for _ in (site / "public").rglob("*.html"))
        files = sum(1 for _ in (site / "public").rglob("*") if _.is_file())
        print(f"full build:             {t_full:7.2f} s   {pages} pages ({files} files), "
              f"{pages / t_full:,.0f} pages/s, peak {peak} MiB", flush=True)
        print(f"  {out}")

        t_noop, _, out = run("build", site=site)
        print(f"no-change build:        {t_noop:7.2f} s   ({out})", flush=True)

        victim = sorted((corpus / "posts").glob("*.md"))[a.posts // 2]
        edit_dir = work / "edit"
        shutil.rmtree(edit_dir, ignore_errors=True)
        edit_dir.mkdir()
        text = victim.read_text()
        (edit_dir / victim.name).write_text(text.rstrip() + f"\n\nEdited at {time.time()}.\n")
        run("import", "markdown", str(edit_dir), site=site)
        t_edit, _, out = run("build", site=site)
        print(f"edit one post, build:   {t_edit:7.2f} s   ({out})", flush=True)

        new_dir = work / "new"
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir()
        (new_dir / "brand-new.md").write_text(
            "---\ntitle: A brand new post\ndate: 2099-01-01T00:00:00Z\ntags: [rivers]\n---\n\n"
            "Fresh text [@source001, p. 3].\n".replace("2099", "2026"))
        run("import", "markdown", str(new_dir), site=site)
        t_new, _, out = run("build", site=site)
        print(f"add one post, build:    {t_new:7.2f} s   ({out})", flush=True)

        print()
        print(f"Full build {t_full:.1f} s vs Hugo + Pagefind {HUGO_PLUS_PAGEFIND:.1f} s "
              f"(measured separately on this kind of machine): ratio "
              f"{t_full / HUGO_PLUS_PAGEFIND:.2f} (target <= 0.50, aim 0.25); "
              f"peak {peak} MiB (target < 1024)")
        print(f"Edit one post: {t_edit:.2f} s (target < 1 s); add one post: {t_new:.2f} s "
              "(target < 2 s)")
        print("bench/build.py --vs-hugo (running Hugo and Pagefind in the same run) comes with "
              "the build-speed issue.")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        os.sync()


if __name__ == "__main__":
    main()
