"""`masthead import markdown`: Hugo/Jekyll folders in, posts updated by slug, bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import run_masthead


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def exported(site: Path, tmp_path: Path) -> dict[str, tuple[dict, str]]:
    out = tmp_path / "export"
    run_masthead("export", "markdown", out, site=site)
    result = {}
    for path in sorted(out.rglob("*.md")):
        text = path.read_text()
        _, fm, body = text.split("---\n", 2)
        result[path.relative_to(out).as_posix()] = (yaml.safe_load(fm), body)
    return result


def test_hugo_and_jekyll_front_matter_is_understood(site, tmp_path):
    src = tmp_path / "src"
    write(src, "content/posts/first.md", """---
title: "First: a post"
date: 2024-03-05T10:00:00+01:00
lastmod: 2024-04-01
slug: the-first
tags: [Rivers, history]
categories: [Essays]
summary: A summary.
aliases: [/old/first.html, /p/1]
canonicalURL: https://elsewhere.example/first
series: Rivers of Europe
weight: 7
---

Body of the first post.
""")
    write(src, "_posts/2023-01-02-jekyll-style.md", "---\ntitle: Jekyll\nlayout: post\n"
          "published: true\nredirect_from: /2023/01/02/jekyll-style.html\n---\nJekyll body.\n")
    write(src, "content/about.md", "+++\ntitle = \"About me\"\ntype = \"page\"\n+++\nHi.\n")
    write(src, "content/posts/wip.md", "---\ntitle: Work in progress\ndraft: true\n---\nWIP\n")
    run_masthead("import", "markdown", src, site=site)
    posts = exported(site, tmp_path)
    assert sorted(posts) == ["pages/about.md", "posts/jekyll-style.md", "posts/the-first.md",
                             "posts/wip.md"]
    meta, body = posts["posts/the-first.md"]
    assert meta["title"] == "First: a post"
    assert meta["date"] == "2024-03-05T09:00:00+00:00"
    assert meta["lastmod"] == "2024-04-01T00:00:00+00:00"
    assert meta["tags"] == ["Rivers", "history", "Essays"]
    assert meta["summary"] == "A summary."
    assert meta["aliases"] == ["/old/first.html", "/p/1/"]
    assert meta["canonical_url"] == "https://elsewhere.example/first"
    assert meta["series"] == "Rivers of Europe"
    assert meta["weight"] == 7  # unknown keys are kept
    assert body == "\nBody of the first post.\n"
    jekyll, _ = posts["posts/jekyll-style.md"]
    assert jekyll["date"].startswith("2023-01-02")
    assert jekyll["aliases"] == ["/2023/01/02/jekyll-style.html"]
    assert posts["pages/about.md"][0]["type"] == "page"
    assert posts["posts/wip.md"][0]["draft"] is True


def test_reimporting_updates_posts_by_slug_instead_of_duplicating(site, tmp_path):
    src = tmp_path / "src"
    write(src, "a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nOne.\n")
    write(src, "b.md", "---\ntitle: B\ndate: 2024-01-02\n---\nTwo.\n")
    first = run_masthead("import", "markdown", src, site=site)
    assert "2 new, 0 updated, 0 unchanged" in first.stdout
    write(src, "a.md", "---\ntitle: A, revised\ndate: 2024-01-01\n---\nOne, revised.\n")
    again = run_masthead("import", "markdown", src, site=site)
    assert "0 new, 1 updated, 1 unchanged" in again.stdout
    posts = exported(site, tmp_path)
    assert len(posts) == 2
    assert posts["posts/a.md"] == ({"title": "A, revised", "slug": "a",
                                    "date": "2024-01-01T00:00:00+00:00"}, "\nOne, revised.\n")


def test_two_names_of_one_tag_on_a_post_make_one_tag(sqlite_site, tmp_path):
    """"Essays" and "essays" have one address, /tags/essays/: the post holds that tag
    once (the first name wins), and importing it again changes nothing."""
    src = tmp_path / "src"
    write(src, "a.md", "---\ntitle: A\ndate: 2024-01-01\ntags: [Essays, rivers, essays]\n"
                       "authors: [Ada Obi, ada obi]\n---\nOne.\n")
    first = run_masthead("import", "markdown", src, site=sqlite_site)
    assert "1 new" in first.stdout, first.stdout
    again = run_masthead("import", "markdown", src, site=sqlite_site)
    assert "0 new, 0 updated, 1 unchanged" in again.stdout
    meta, _ = exported(sqlite_site, tmp_path)["posts/a.md"]
    assert meta["tags"] == ["Essays", "rivers"] and meta["authors"] == ["Ada Obi"]


def test_dry_run_reports_but_stores_nothing(site, tmp_path):
    src = tmp_path / "src"
    write(src, "a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nOne.\n")
    result = run_masthead("import", "markdown", src, "--dry-run", site=site)
    assert "Would import 1 files: 1 new" in result.stdout
    assert exported(site, tmp_path) == {}


BAD_FILES = {
    "malformed front matter": (
        {"bad.md": "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nx\n"},
        ["bad.md:3", "not valid YAML"]),
    "unclosed front matter": (
        {"bad.md": "---\ntitle: x\n\nbody\n"}, ["bad.md:1", "never closed"]),
    "duplicate slugs": (
        {"one.md": "---\ntitle: One\nslug: same\n---\nx\n",
         "two.md": "---\ntitle: Two\nslug: same\n---\ny\n"},
        ["two.md", "duplicate slug 'same'", "one.md"]),
    "invalid date": (
        {"bad.md": "---\ntitle: x\ndate: 2024-13-45\n---\nx\n"},
        ["bad.md", "field 'date'", "2024-13-45"]),
    "non-UTF-8 file": (
        {"bad.md": "---\ntitle: Café\n---\n\nline\nmore caf\xe9\n".encode("latin-1")},
        ["bad.md:2", "not UTF-8"]),
    "unknown citation key": (
        {"bad.md": "---\ntitle: x\n---\n\nFirst line.\n\nAs shown [@nobody2020, p. 3].\n"},
        ["bad.md:7", "@nobody2020"]),
    "missing title": ({"bad.md": "---\ndate: 2024-01-01\n---\nx\n"}, ["bad.md", "'title'"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_input_fails_with_one_clear_line_and_stores_nothing(case, sqlite_site, tmp_path):
    good = tmp_path / "good"
    write(good, "kept.md", "---\ntitle: Kept\ndate: 2024-01-01\n---\nAlready here.\n")
    run_masthead("import", "markdown", good, site=sqlite_site)
    before = exported(sqlite_site, tmp_path / "before")

    files, expected = BAD_FILES[case]
    src = tmp_path / "src"
    write(src, "aaa-fine.md", "---\ntitle: Fine\ndate: 2024-02-01\n---\nFine.\n")
    write(src, "kept.md", "---\ntitle: Kept, overwritten\ndate: 2024-01-01\n---\nChanged.\n")
    for name, text in files.items():
        write(src, name, text)
    result = run_masthead("import", "markdown", src, site=sqlite_site, check=False)
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in expected:
        assert fragment in lines[0]
    assert exported(sqlite_site, tmp_path / "after") == before


def test_bibliography_beside_the_posts_is_imported_and_cited(site, tmp_path):
    src = tmp_path / "src"
    write(src, "bibliography.bib", "@book{doe2001, author={Doe, Jane}, title={A Book},"
          " publisher={Pub}, year={2001}}\n")
    write(src, "p.md", "---\ntitle: P\ndate: 2024-01-01\n---\nAs said [@doe2001, 4].\n")
    result = run_masthead("import", "markdown", src, site=site)
    assert "1 new sources" in result.stdout
    run_masthead("build", site=site)
    page = (site / "public/2024/01/p/index.html").read_text()
    assert "(Doe 2001, 4)" in page.replace('<a href="#ref-doe2001" role="doc-biblioref">', "") \
        .replace("</a>", "")
    assert 'id="ref-doe2001"' in page
