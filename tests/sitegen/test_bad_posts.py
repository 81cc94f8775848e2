"""A post whose body cannot be rendered (a citation of a key no source has: its source
deleted since, say) stops nothing else: the build leaves it out, or keeps its last good
version, puts every other change live, and says which post and why in one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import run_masthead

BIB = ("@book{k1, author={Arendt, Hannah}, title={The Human Condition}, year={1958}}\n"
       "@book{k2, author={Weil, Simone}, title={Gravity and Grace}, year={1947}}\n")


def write_post(folder: Path, slug: str, title: str, body: str, day: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(
        f"---\ntitle: {title}\ndate: 2024-01-{day:02d}\n---\n{body}\n", encoding="utf-8")


def forget_source(site: Path, key: str) -> None:
    """A source gone from the site (nothing in the CLI deletes one; a restore might)."""
    with sqlite3.connect(site / "masthead.db") as db:
        db.execute("DELETE FROM content_source WHERE key = ?", [key])


def test_a_post_citing_a_deleted_source_is_left_out_and_everything_else_goes_live(
        sqlite_site, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "refs.bib").write_text(BIB)
    write_post(src, "cited", "Cited", "First line.\n\nAs Arendt says [@k1].", day=1)
    write_post(src, "plain", "Plain", "Nothing cited.", day=2)
    run_masthead("import", "markdown", src, site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    public = sqlite_site / "public"
    assert "Arendt 1958" in (public / "2024/01/cited/index.html").read_text()

    # A new post citing k1 arrives, an old one changes, then k1's source is gone.
    new = tmp_path / "new"
    write_post(new, "fresh", "Fresh", "Line one.\n\nLine two.\n\nSee [@k1, p. 3].", day=3)
    write_post(new, "plain", "Plain, revised", "Nothing cited, now revised.", day=2)
    run_masthead("import", "markdown", new, site=sqlite_site)
    forget_source(sqlite_site, "k1")
    result = run_masthead("build", site=sqlite_site, check=False)

    assert result.code == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "post kept at its last good version: 'cited': line 3: no source with the key 'k1'",
        "post left out: 'fresh': line 5: no source with the key 'k1'",
    ]
    assert "Error" not in result.stderr and "Traceback" not in result.stderr
    assert "revised" in (public / "2024/01/plain/index.html").read_text()
    assert not (public / "2024/01/fresh").exists()
    assert "Fresh" not in (public / "index.html").read_text()
    assert "Arendt 1958" in (public / "2024/01/cited/index.html").read_text()

    # With the source back, the next build puts the post on the site and says nothing.
    (src / "again.bib").write_text(BIB)
    run_masthead("import", "bibtex", src / "again.bib", site=sqlite_site)
    healed = run_masthead("build", site=sqlite_site)
    assert healed.stderr.strip() == ""
    assert "Arendt 1958, 3" in (public / "2024/01/fresh/index.html").read_text()


def test_a_large_parallel_build_leaves_out_only_the_bad_post(sqlite_site, tmp_path):
    """Past 200 stale bodies the renderer forks workers: one bad post among them does
    not fail its chunk."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "refs.bib").write_text(BIB)
    for i in range(220):
        write_post(src, f"p{i:03d}", f"Post {i}", f"Body {i} citing [@k2].", day=1 + i % 28)
    write_post(src, "bad", "Bad", "Fine.\n\nCites [@k1].", day=5)
    run_masthead("import", "markdown", src, site=sqlite_site)
    forget_source(sqlite_site, "k1")
    result = run_masthead("build", site=sqlite_site, check=False)
    assert result.code == 0, result.stderr
    assert result.stderr.strip() == "post left out: 'bad': line 3: no source with the key 'k1'"
    assert "220 posts re-rendered" in result.stdout, result.stdout
    pages = {p.parent.name for p in (sqlite_site / "public/2024/01").glob("*/index.html")}
    assert len(pages) == 220 and "bad" not in pages
    assert "Weil 1947" in (sqlite_site / "public/2024/01/p123/index.html").read_text()
