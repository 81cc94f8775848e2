"""Old URLs and slugs that would take an address the site makes itself (its feed, the
home page, an archive, another page) or one no file can have: left out at import with
a note, refused when typed, and never a reason for a build to fail.
"""

from __future__ import annotations

import html
import sqlite3

import httpx
import pytest

from tests.conftest import run_masthead, serving
from tests.importers.exports import one_line_error, stored_titles, wp_item, wxr


def test_an_old_url_longer_than_a_file_name_is_left_out_with_a_note(sqlite_site, tmp_path):
    link = "https://old.example/2019/" + "é" * 130 + ".html"  # 260 bytes in UTF-8
    export = wxr(tmp_path, wp_item(1, "Long", link=link))
    done = run_masthead("import", "wordpress", export, site=sqlite_site)
    assert (f"Note: item 1 'Long': its old address {link.removeprefix('https://old.example')}"
            " is a name longer than a file's can be (255 bytes) here; it was left out") \
        in done.stdout
    run_masthead("build", site=sqlite_site)
    assert (sqlite_site / "public/_redirects").read_text() == ""


@pytest.mark.parametrize("link", ["https://old.example/feed.xml", "https://old.example/index.html",
                                  "https://old.example/search/", "https://old.example/tags/",
                                  "https://old.example/archive/", "https://old.example/2021/",
                                  "https://old.example/sitemap.xml",
                                  "https://old.example/static/style.css"])
def test_an_old_url_that_is_one_of_the_sites_own_addresses_is_left_out_with_a_note(
        sqlite_site, tmp_path, link):
    export = wxr(tmp_path, wp_item(1, "Clashing", link=link),
                 wp_item(2, "Fine", link="https://old.example/2019/05/fine/"))
    done = run_masthead("import", "wordpress", export, site=sqlite_site)
    path = link.removeprefix("https://old.example")
    assert f"Note: item 1 'Clashing': its old address {path} is the address of " in done.stdout
    built = run_masthead("build", site=sqlite_site)
    assert "does not redirect" not in built.stderr
    public = sqlite_site / "public"
    own = public / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    assert "url=/2021/03/clashing/" not in own.read_text()  # the site's file, no redirect
    redirects = (public / "_redirects").read_text()
    assert redirects == "/2019/05/fine/ /2021/03/fine/ 301\n"
    assert (public / "2021/03/clashing/index.html").is_file()


def test_a_colliding_old_url_already_in_the_database_loses_to_the_site_and_the_build_goes_on(
        sqlite_site, tmp_path):
    export = wxr(tmp_path, wp_item(1, "Older import", link="https://old.example/older/"))
    run_masthead("import", "wordpress", export, site=sqlite_site)
    # What an import made before this check existed: old URLs on the site's own files.
    db = sqlite3.connect(sqlite_site / "masthead.db")
    with db:
        post = db.execute("SELECT post_id FROM content_oldurl").fetchone()[0]
        db.executemany("INSERT INTO content_oldurl (path, post_id) VALUES (?, ?)",
                       [("/feed.xml", post), ("/2021/03/older-import/", post + 0),
                        ("/2021/", post), ("/" + "a" * 300 + ".html", post)])
    db.close()
    built = run_masthead("build", site=sqlite_site)
    assert "warning: the old URL /feed.xml of 'Older import' does not redirect: it is the " \
           "address of the site's feed" in built.stderr
    assert "warning: the old URL /2021/ of 'Older import' does not redirect: it is the " \
           "address of a year or month archive" in built.stderr
    assert f"warning: the old URL /{'a' * 300}.html of 'Older import' does not redirect: it " \
           "is a name longer than a file's can be (255 bytes)" in built.stderr
    public = sqlite_site / "public"
    assert (public / "feed.xml").read_text().startswith("<?xml")
    assert "<h1" in (public / "2021/index.html").read_text()
    assert (public / "_redirects").read_text() == "/older/ /2021/03/older-import/ 301\n"
    # And again, incrementally: still a warning, still a build.
    again = run_masthead("build", site=sqlite_site)
    assert "/feed.xml of 'Older import' does not redirect" in again.stderr


def test_an_old_url_where_another_post_lives_loses_to_that_post(sqlite_site, tmp_path):
    export = wxr(tmp_path, wp_item(1, "First"),
                 wp_item(2, "Second", link="https://old.example/2021/03/first/"))
    run_masthead("import", "wordpress", export, site=sqlite_site)
    built = run_masthead("build", site=sqlite_site)
    assert "warning: the old URL /2021/03/first/ of 'Second' does not redirect: it is the " \
           "address of another page of the site" in built.stderr
    assert "First" in (sqlite_site / "public/2021/03/first/index.html").read_text()


def test_a_markdown_alias_on_a_site_address_is_refused_naming_the_file_and_field(
        sqlite_site, tmp_path):
    folder = tmp_path / "md"
    (folder / "posts").mkdir(parents=True)
    (folder / "posts/hello.md").write_text(
        "---\ntitle: Hello\ndate: 2021-03-04\naliases: [/feed.json]\n---\nWords.\n")
    done = run_masthead("import", "markdown", folder, site=sqlite_site, check=False)
    line = one_line_error(done, "hello.md", "field 'aliases'", "/feed.json")
    assert line.endswith("is the address of the site's feed on this site; remove it")
    assert stored_titles(sqlite_site, tmp_path) == []
    run_masthead("build", site=sqlite_site)


def test_the_studio_refuses_a_slug_that_would_take_one_of_the_sites_addresses(sqlite_site):
    from tests.studio.conftest import PASSWORD, StudioSession

    run_masthead("user", "create", "owner@example.org", "--role", "owner", "--name", "O",
                 site=sqlite_site, input=PASSWORD + "\n")
    run_masthead("settings", "permalink", "/{slug}/", site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    with serving(sqlite_site, worker=False) as url:
        s = StudioSession(httpx.Client(base_url=url, follow_redirects=False, timeout=30))
        s.login("owner@example.org", PASSWORD)
        for kind, slug, path, why in (("page", "2021", "/2021/", "a year or month archive"),
                                      ("post", "tags", "/tags/", "the tag pages"),
                                      ("post", "search", "/search/", "the search page")):
            s.get(f"/studio/posts/new/?kind={kind}")
            r = s.post("/studio/posts/new/", {"kind": kind, "title": "Mine", "slug": slug,
                                              "body": "Text.", "action": "save"})
            assert r.status_code == 400
            assert html.escape(f"'{slug}' would give this {kind} the address {path}, an "
                               f"address the site uses itself ({why}): choose another slug",
                               quote=True) in r.text
        # Without a slug of their own, such titles get a free address; tags spelled two
        # ways are one tag, as on import.
        s.get("/studio/posts/new/")
        r = s.post("/studio/posts/new/", {"title": "Tags", "body": "Text.", "action": "save",
                                          "tags": "Python, python, C++, C"})
        assert r.status_code == 302
        edit = s.get(r.headers["location"]).text
        assert 'value="Python, C++"' in edit
    assert stored_titles(sqlite_site, sqlite_site.parent) == ["Tags"]
    run_masthead("build", site=sqlite_site)


def test_a_page_and_a_post_at_one_address_do_not_stop_the_build(sqlite_site, tmp_path):
    folder = tmp_path / "md"
    for kind in ("posts", "pages"):
        (folder / kind).mkdir(parents=True)
        (folder / kind / "hello.md").write_text(
            f"---\ntitle: Hello {kind}\ndate: 2021-03-04\n---\nWords of the {kind}.\n")
    (folder / "posts/other.md").write_text("---\ntitle: Other\ndate: 2021-03-05\n---\nMore.\n")
    run_masthead("import", "markdown", folder, site=sqlite_site)
    run_masthead("settings", "permalink", "/{slug}/", site=sqlite_site)
    built = run_masthead("build", site=sqlite_site)
    assert ("warning: two things want the address /hello/; only the first is "
            "built: give a page or post another slug, or change the permalink") in built.stderr
    public = sqlite_site / "public"
    assert "Words of the posts." in (public / "hello/index.html").read_text()
    assert "More." in (public / "other/index.html").read_text()


def test_a_long_title_in_chinese_makes_a_slug_a_file_system_can_hold(sqlite_site, tmp_path):
    title = "中文标题" * 30  # 120 characters, 360 bytes of UTF-8
    assert "<wp:post_name></wp:post_name>" in wp_item(1, title)  # the slug comes from it
    run_masthead("import", "wordpress", wxr(tmp_path, wp_item(1, title)), site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    [folder] = [p for p in (sqlite_site / "public/2021/03").iterdir() if p.is_dir()]
    assert len(folder.name.encode()) <= 200 and folder.name.startswith("中文标题")
