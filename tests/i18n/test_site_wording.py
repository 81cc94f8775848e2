"""A site changes any phrase of the theme, and its date format, from its own folder
(translations/LANG.toml); a mistake there stops the build with the file and line."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import make_site, run_masthead
from tests.i18n.conftest import write_posts


def test_a_sites_own_wording_replaces_the_themes(tmp_path):
    site = make_site(tmp_path)
    write_posts(tmp_path / "src")
    run_masthead("import", "markdown", tmp_path / "src", site=site)
    run_masthead("settings", "language", "fr", site=site)
    run_masthead("build", site=site)
    post = site / "public" / "2025" / "03" / "first" / "index.html"
    assert "Étiquettes :" in post.read_text()

    (site / "translations").mkdir()
    (site / "translations" / "fr.toml").write_text(
        '# Our wording\n"Tagged:" = "Rangé sous :"\n"Notes" = "Renvois"\n\n'
        '["date format"]\n"d MMMM y" = "EEEE d MMMM y"\n', encoding="utf-8")
    run_masthead("build", site=site)
    tree = HTMLParser(post.read_text())
    assert tree.css_first("p.tags").text().startswith("Rangé sous :")
    assert tree.css_first("#footnotes h2").text() == "Renvois"  # the body is rendered again
    assert tree.css_first("time.dt-published").text() == "samedi 1 mars 2025"
    assert tree.css_first(".site-nav a").text() == "Archives"  # the rest as shipped


def test_a_broken_wording_file_names_the_file_and_line(tmp_path):
    site = make_site(tmp_path)
    write_posts(tmp_path / "src")
    run_masthead("import", "markdown", tmp_path / "src", site=site)
    (site / "translations").mkdir()
    wording = site / "translations" / "en.toml"
    wording.write_text('"Archive" = "Everything"\n"Tagged:" = "Filed under: %(tag)s"\n',
                       encoding="utf-8")
    result = run_masthead("build", site=site, check=False)
    assert result.code == 1
    assert f"{wording}:2:" in result.stderr and "%(tag)s" in result.stderr
    assert "Traceback" not in result.stderr

    wording.write_text('"Archive" = "Everything"\n"Tagged:" = Filed under\n', encoding="utf-8")
    result = run_masthead("build", site=site, check=False)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"{wording}:2:" in result.stderr and "not valid TOML" in result.stderr

    wording.write_text('"Archive" = "Everything"\n', encoding="utf-8")
    run_masthead("build", site=site)
    assert ">Everything</a>" in (site / "public" / "index.html").read_text()
