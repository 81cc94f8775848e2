"""`masthead export markdown` is lossless: export -> import -> export is byte-identical."""

from __future__ import annotations

from pathlib import Path

from bench.corpus import write_corpus
from tests.conftest import DEMO_CONTENT, make_site, run_masthead


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_import_export_is_byte_identical(tmp_path, database_url):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 30, words=300)
    first_site = make_site(tmp_path / "one", database_url)
    run_masthead("import", "markdown", DEMO_CONTENT, site=first_site)
    run_masthead("import", "markdown", corpus, site=first_site)
    run_masthead("export", "markdown", tmp_path / "a", site=first_site)

    second_site = make_site(tmp_path / "two")
    run_masthead("import", "markdown", tmp_path / "a", site=second_site)
    run_masthead("export", "markdown", tmp_path / "b", site=second_site)

    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert len([n for n in a if n.startswith("posts/")]) == 30 + 13  # 12 demo essays and a draft
    assert "pages/about.md" in a and "bibliography.json" in a and "site.yaml" in a
    assert a == b
    # Exporting again over the same folder changes nothing either.
    run_masthead("export", "markdown", tmp_path / "a", site=first_site)
    assert tree(tmp_path / "a") == a


def test_export_refuses_a_folder_holding_other_files(sqlite_site, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    result = run_masthead("export", "markdown", target, site=sqlite_site, check=False)
    assert result.code == 1 and "not empty" in result.stderr
    assert (target / "precious.txt").read_text() == "keep me"


def test_a_scheduled_posts_email_choice_survives_export_and_import(sqlite_site, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "soon.md").write_text("---\ntitle: Soon\ndate: 2099-01-01T08:00:00Z\n"
                                 "email_on_publish: true\n---\n\nNext year.\n")
    (src / "quiet.md").write_text("---\ntitle: Quiet\ndate: 2099-01-02T08:00:00Z\n---\n\nHush.\n")
    (src / "bad.md").write_text("---\ntitle: Bad\nemail_on_publish: maybe\n---\n\nNo.\n")
    failed = run_masthead("import", "markdown", src, site=sqlite_site, check=False)
    assert failed.code != 0 and "bad.md" in failed.stderr
    assert "email_on_publish" in failed.stderr
    (src / "bad.md").unlink()
    run_masthead("import", "markdown", src, site=sqlite_site)
    run_masthead("export", "markdown", tmp_path / "out", site=sqlite_site)
    assert "email_on_publish: true" in (tmp_path / "out/posts/soon.md").read_text()
    assert "email_on_publish" not in (tmp_path / "out/posts/quiet.md").read_text()
