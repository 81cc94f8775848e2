"""How builds behave: incremental equals full, failures change nothing, themes override."""

from __future__ import annotations

import json
from pathlib import Path

from bench.corpus import write_corpus
from masthead.sitegen.search_index import Reader
from tests.conftest import run_masthead


def tree(public: Path, *, search: bool = True) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*"))
            if p.is_file() and p.name != ".masthead-build"
            and (search or not p.relative_to(public).as_posix().startswith("search/"))}


QUERIES = ["rivers", "body", "note", "p2", "new body", "riv", "zzz"]


def search_results(public: Path) -> dict[str, set[str]]:
    reader = Reader(public)
    return {q: set(reader.search(q, limit=1000)) for q in QUERIES}


def post(folder: Path, slug: str, date: str, body: str, tags: str = "[one]") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(
        f"---\ntitle: Post {slug}\ndate: {date}\ntags: {tags}\n---\n\n{body}\n")


def fill(site: Path, tmp_path: Path, n: int = 7) -> Path:
    src = tmp_path / "src"
    for i in range(n):
        post(src, f"p{i}", f"2024-0{1 + i % 9}-1{i % 9}T10:00:00Z", f"Body {i} with a note.[^1]\n\n[^1]: Note {i}.")
    run_masthead("settings", "posts_per_page", "3", site=site)
    run_masthead("import", "markdown", src, site=site)
    return src


def test_an_incremental_build_rewrites_only_what_changed_and_equals_a_full_build(site, tmp_path):
    src = fill(site, tmp_path)
    first = run_masthead("build", site=site)
    assert "Full build" in first.stdout
    again = run_masthead("build", site=site)
    assert "Incremental build: 0 of" in again.stdout

    # Edit one post's body: its page, the listings and feeds showing it, the index.
    post(src, "p2", "2024-03-12T10:00:00Z", "A new body for p2, about rivers.")
    run_masthead("import", "markdown", src, site=site)
    untouched = site / "public/2024/01/p0/index.html"
    before = untouched.stat().st_mtime_ns
    edit = run_masthead("build", site=site)
    assert "1 posts re-rendered" in edit.stdout
    assert untouched.stat().st_mtime_ns == before
    assert "rivers" in (site / "public/2024/03/p2/index.html").read_text()
    # The search index took the edit as a small delta segment, not a rebuild.
    meta = json.loads((site / "public/search/meta.json").read_text())
    assert len(meta["segments"]) == 2 and len(meta["deleted"]) == 1
    incremental = tree(site / "public", search=False)
    found = search_results(site / "public")
    assert found["rivers"] == {"/2024/03/p2/"} and "/2024/03/p2/" not in found["note"]

    run_masthead("build", "--full", site=site)
    assert tree(site / "public", search=False) == incremental
    assert search_results(site / "public") == found


def test_adding_a_post_leaves_full_listing_pages_untouched(site, tmp_path):
    src = fill(site, tmp_path)  # 7 posts, 3 a page: /page/1/ and /page/2/ are full
    run_masthead("build", site=site)
    page1 = (site / "public/page/1/index.html")
    before = page1.read_bytes(), page1.stat().st_mtime_ns
    post(src, "p9", "2024-12-01T10:00:00Z", "The newest.")
    run_masthead("import", "markdown", src, site=site)
    run_masthead("build", site=site)
    assert (page1.read_bytes(), page1.stat().st_mtime_ns) == before
    assert "Post p9" in (site / "public/index.html").read_text()


def test_deleted_outputs_disappear(sqlite_site, tmp_path):
    src = fill(sqlite_site, tmp_path)
    run_masthead("build", site=sqlite_site)
    assert (sqlite_site / "public/tags/one/index.html").exists()
    for p in src.glob("*.md"):
        p.write_text(p.read_text().replace("tags: [one]", "tags: [two]"))
    run_masthead("import", "markdown", src, site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    assert not (sqlite_site / "public/tags/one").exists()
    assert (sqlite_site / "public/tags/two/index.html").exists()


def test_a_failed_build_leaves_public_as_it_was(sqlite_site, tmp_path):
    fill(sqlite_site, tmp_path)
    run_masthead("build", site=sqlite_site)
    before = tree(sqlite_site / "public")
    templates = sqlite_site / "templates"
    templates.mkdir()
    # Fails half-way: list pages render, post pages raise.
    (templates / "post.html").write_text("{% extends 'base.html' %}{% block content %}"
                                         "{{ post.no_such_field }}{% endblock %}")
    for full in ([], ["--full"]):
        result = run_masthead("build", *full, site=sqlite_site, check=False)
        assert result.code == 1
        assert result.stderr.startswith("error: rendering /2024/")
        assert len(result.stderr.strip().splitlines()) == 1
        assert tree(sqlite_site / "public") == before
    (templates / "post.html").write_text("{% extends 'base.html' %}{% block content %")
    result = run_masthead("build", site=sqlite_site, check=False)
    assert result.code == 1 and "post.html" in result.stderr
    assert tree(sqlite_site / "public") == before


def test_a_site_can_override_any_template_and_static_file(sqlite_site, tmp_path):
    fill(sqlite_site, tmp_path, n=2)
    (sqlite_site / "templates").mkdir()
    (sqlite_site / "templates/page.html").write_text("unused")
    (sqlite_site / "templates/post.html").write_text(
        "{% extends 'base.html' %}{% block content %}<p class=mine>{{ post.title }}</p>"
        "{% endblock %}")
    (sqlite_site / "static").mkdir()
    (sqlite_site / "static/style.css").write_text("body { color: rebeccapurple; }")
    run_masthead("build", site=sqlite_site)
    assert '<p class=mine>Post p0</p>' in (sqlite_site / "public/2024/01/p0/index.html").read_text()
    assert "rebeccapurple" in (sqlite_site / "public/static/style.css").read_text()


def test_right_to_left_languages_get_a_right_to_left_layout(sqlite_site, tmp_path):
    fill(sqlite_site, tmp_path, n=1)
    run_masthead("settings", "language", "ar", site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    assert '<html lang="ar" dir="rtl">' in (sqlite_site / "public/index.html").read_text()


def test_invalid_settings_are_refused_with_the_field_named(sqlite_site):
    result = run_masthead("settings", "timezone", "Mars/Olympus", site=sqlite_site, check=False)
    assert result.code == 1
    assert "field 'timezone'" in result.stderr and "IANA" in result.stderr
    result = run_masthead("settings", "permalink", "/{year}/{title}/", site=sqlite_site,
                          check=False)
    assert result.code == 1 and "{title}" in result.stderr


def test_on_sqlite_the_snapshot_reads_posts_from_an_index_not_their_rows(sqlite_site, tmp_path):
    """SQLite keeps every column after a 12 KB body on overflow pages: a build that read
    the rows would walk every body. The covering index must survive every migration
    (Django drops hand-made indexes when it rebuilds a table)."""
    import sqlite3

    from masthead.sitegen.snapshot import POSTS_QUERY

    fill(sqlite_site, tmp_path, n=2)
    db = sqlite3.connect(sqlite_site / "masthead.db")
    plan = " ".join(str(row[-1]) for row in db.execute(
        "EXPLAIN QUERY PLAN " + POSTS_QUERY.replace("%s", "?"), ["published"]))
    assert "COVERING INDEX post_listing" in plan, plan


def test_a_large_build_in_parallel_equals_the_same_site_built_bit_by_bit(site, tmp_path):
    """Past a few hundred posts a full build renders bodies in forked workers (their
    clean citations formatted once, by a Pandoc run the parent starts), and pages and
    search segments in one pool. Built a hundred posts at a time instead, every step
    takes the one-process paths: the two sites must be the same, page for page, and
    answer every search alike."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 450, words=250)
    run_masthead("import", "bibtex", corpus / "bibliography.bib", site=site)
    files = sorted((corpus / "posts").glob("*.md"))
    for start in range(0, len(files), 100):
        step = tmp_path / f"step{start}"
        step.mkdir()
        for f in files[start : start + 100]:
            (step / f.name).write_text(f.read_text())
        run_masthead("import", "markdown", step, site=site)
        out = run_masthead("build", site=site).stdout
        assert "100 posts re-rendered" in out or "50 posts re-rendered" in out, out
    bit_by_bit = tree(site / "public", search=False)
    found = search_results(site / "public")

    full = run_masthead("build", "--full", site=site).stdout
    assert "450 posts re-rendered" in full
    assert tree(site / "public", search=False) == bit_by_bit
    assert search_results(site / "public") == found
    meta = json.loads((site / "public/search/meta.json").read_text())
    assert meta["deleted"] == [] and sum(s["count"] for s in meta["segments"]) == 450
