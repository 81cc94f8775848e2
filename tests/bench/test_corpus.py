"""The corpus benchmarks and tests are built on (bench/corpus.py): the same corpus every
time, on any machine, and only citations the bibliography can answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.corpus import write_corpus
from tests.conftest import ROOT


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_arguments_write_the_same_bytes_in_any_process(tmp_path):
    for name, hash_seed in (("a", "1"), ("b", "4242")):
        subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(tmp_path / name),
                        "--posts", "12", "--words", "500"], check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed})
    first = files(tmp_path / "a")
    assert len(first) == 13 and first == files(tmp_path / "b")
    # A smaller corpus is the start of a larger one.
    write_corpus(tmp_path / "c", 5, words=500)
    assert files(tmp_path / "c").items() <= first.items()


def test_posts_are_long_form_and_cite_only_what_the_bibliography_holds(tmp_path):
    write_corpus(tmp_path, 40)
    posts = sorted((tmp_path / "posts").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in posts]
    assert 10_000 < sum(p.stat().st_size for p in posts) / len(posts) < 14_000
    bib = (tmp_path / "bibliography.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.M)
    assert len(keys) == len(set(keys)) == 200
    cited = {k for t in texts for k in re.findall(r"-?@([a-z]+\d{4}[a-z]?)", t)}
    assert cited and cited <= set(keys)
    everything = "\n".join(texts)
    for shape in ("\n> — ", "[sic]", "[^1]: ", "[-@", "\n## ", "\n- ", "](https://"):
        assert shape in everything, shape
    assert all(re.search(r"@[a-z]+\d{4}", t) for t in texts)  # every post cites
    # Authors with two works in one year (Chicago's 1998a and 1998b).
    assert sum(1 for k in keys if k.endswith("b") and k[:-1] in keys) >= 5
