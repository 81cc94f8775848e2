"""Exports that are wrong, odd or hostile: each one is imported as far as it can be, or
refused with one line naming the file and the item, and the site still builds after.

Every file here is written by the test itself, small but taking the real code path.
"""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_masthead, serving
from tests.importers.exports import POSTS_CSV, lying_zip, substack_row

NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')


def wp_item(post_id: int, title: str, *, link: str = "", body: str = "<p>Words.</p>",
            categories: str = "", extra: str = "", kind: str = "post",
            status: str = "publish") -> str:
    return f"""<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2021-03-04 10:00:00</wp:post_date_gmt>
<wp:post_name>{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type>{categories}{extra}
</item>"""


def wxr(tmp_path: Path, *items: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {NS}><channel><title>Old</title><link>https://old.example</link>
{''.join(items)}
</channel></rss>
""", encoding="utf-8")
    return path


def stored_titles(site: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "exported"
    run_masthead("export", "markdown", out, site=site)
    return sorted(re.search(r"^title: (.*)$", p.read_text(), re.M).group(1).strip("'\"")
                  for p in out.rglob("*.md"))


def one_line_error(result, *names: str) -> str:
    """The command failed with a single line on stderr, naming what it should."""
    assert result.code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace(
        "error:", "")
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


# -- old URLs that are the site's own addresses ------------------------------------------


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


# -- Substack: zips that lie, folders that point outside -----------------------------------


def test_a_zip_whose_post_claims_1000_bytes_but_inflates_to_20_mb_is_refused_in_one_line(
        sqlite_site, tmp_path):
    bomb = lying_zip(tmp_path / "export.zip", inflates_to=20 * 2**20)
    assert bomb.stat().st_size < 100_000
    done = run_masthead("import", "substack", bomb, site=sqlite_site, check=False)
    line = one_line_error(done, str(bomb), "posts/1.bomb.html")
    assert line.endswith("does not unpack to what the zip says it holds (a damaged or "
                         "altered export); refused: download the export again")
    assert stored_titles(sqlite_site, tmp_path) == []
    run_masthead("build", site=sqlite_site)


@pytest.mark.parametrize("post_id", ["../../secret", "1.x/../../../secret", "..\\secret"])
def test_a_substack_folder_naming_a_file_outside_itself_is_refused_with_its_line(
        sqlite_site, tmp_path, post_id):
    (tmp_path / "secret.html").write_text("<p>Not the export's.</p>")
    folder = tmp_path / "export" / "inner"
    (folder / "posts").mkdir(parents=True)
    (folder / "posts/1.fine.html").write_text("<p>Fine.</p>")
    (folder / "posts.csv").write_text(POSTS_CSV + substack_row("1.fine", "Fine")
                                      + substack_row(post_id, "Sneaky"))
    done = run_masthead("import", "substack", folder, site=sqlite_site, check=False)
    one_line_error(done, str(folder / "posts.csv"), "line 3", "'Sneaky'", post_id)
    assert stored_titles(sqlite_site, tmp_path) == []


# -- never a traceback -----------------------------------------------------------------------


def test_a_category_and_a_tag_of_the_same_name_become_one_tag(site, tmp_path):
    both = ('<category domain="category" nicename="python"><![CDATA[Python]]></category>'
            '<category domain="post_tag" nicename="python"><![CDATA[python]]></category>'
            '<category domain="category" nicename="c"><![CDATA[C++]]></category>'
            '<category domain="post_tag" nicename="c"><![CDATA[C]]></category>')
    export = wxr(tmp_path, wp_item(1, "Both", categories=both))
    done = run_masthead("import", "wordpress", export, site=site)
    assert "(1 new, 0 updated, 0 unchanged)" in done.stdout
    again = run_masthead("import", "wordpress", export, site=site)
    assert "(0 new, 0 updated, 1 unchanged)" in again.stdout
    run_masthead("build", site=site)
    post = (site / "public/2021/03/both/index.html").read_text()
    assert post.count('href="/tags/python/"') == 1 and post.count('href="/tags/c/"') == 1
    assert (site / "public/tags/python/index.html").is_file()


def test_a_ghost_export_nested_200000_deep_is_refused_in_one_line(sqlite_site, tmp_path):
    export = tmp_path / "deep.ghost.json"
    export.write_text('{"db": [{"data": {"posts": ' + "[" * 200_000 + "]" * 200_000 + "}}]}")
    done = run_masthead("import", "ghost", export, site=sqlite_site, check=False)
    line = one_line_error(done, str(export))
    assert "nested too deeply to read" in line
    assert stored_titles(sqlite_site, tmp_path) == []
    run_masthead("build", site=sqlite_site)


def test_a_body_of_1000_nested_divs_imports_as_its_text_with_a_note(sqlite_site, tmp_path):
    deep = "<div>" * 1000 + "<p>At the <b>bottom</b>.</p>" + "</div>" * 1000
    export = wxr(tmp_path, wp_item(1, "Deep", body="<p>On top.</p>" + deep),
                 wp_item(2, "Shallow", body="<p>Plain <b>bold</b>.</p>"))
    done = run_masthead("import", "wordpress", export, site=sqlite_site)
    assert ("Note: item 1 'Deep': its HTML was nested more than 100 elements deep; what was "
            "deeper is kept as plain text") in done.stdout
    assert "'Shallow'" not in done.stdout
    run_masthead("build", site=sqlite_site)
    public = sqlite_site / "public/2021/03"
    assert "At the bottom ." in (public / "deep/index.html").read_text().replace("\n", " ")
    assert "<strong>bold</strong>" in (public / "shallow/index.html").read_text()


def test_html_that_trips_the_converter_imports(sqlite_site, tmp_path):
    odd = ('<p>See:</p><iframe src="http://[broken/"></iframe>'
           '<table><tr><th colspan="99999999">Wide</th><th>B</th></tr>'
           '<tr><td>1</td><td>2</td></tr></table>')
    export = wxr(tmp_path, wp_item(1, "Odd", body=odd, link="http://[old.example/odd/"))
    run_masthead("import", "wordpress", export, site=sqlite_site)
    run_masthead("build", site=sqlite_site)
    post = (sqlite_site / "public/2021/03/odd/index.html").read_text()
    assert len(re.findall(r"<th[ >]", post)) == 2 and "Wide" in post
    assert "http://[broken/" in post


def test_an_export_the_reader_cannot_make_sense_of_ends_in_one_line_naming_it(sqlite_site,
                                                                              tmp_path):
    export = tmp_path / "odd.ghost.json"
    export.write_text('{"db": [{"data": {"posts": [{"id": "a", "title": "Hello", "slug": '
                      '"hello", "html": "<p>x</p>", "status": "published"}], '
                      '"posts_tags": [1, 2]}}]}')
    done = run_masthead("import", "ghost", export, site=sqlite_site, check=False)
    line = one_line_error(done, f"{export}: at its first item: could not be read (")
    assert line.endswith("; nothing was imported")
    assert stored_titles(sqlite_site, tmp_path) == []


def test_text_no_database_column_can_hold_is_made_to_fit(site, tmp_path):
    export = tmp_path / "long.ghost.json"
    long_title = "Nul\\u0000 " + "long " * 150
    export.write_text('{"db": [{"data": {"posts": [{"id": "a", "title": "' + long_title
                      + '", "slug": "long", "html": "<p>x\\u0000y</p>", "status": "published",'
                      ' "meta_title": "SEO\\u0000 title",'
                      ' "published_at": "2021-03-04T10:00:00.000Z", "canonical_url": "https://'
                      + "x" * 600 + '"}]}}]}')
    run_masthead("import", "ghost", export, site=site)
    run_masthead("build", site=site)
    post = (site / "public/2021/03/long/index.html").read_text()
    assert "Nul long long" in post and "xy" in post and "\0" not in post
    assert "<title>SEO title</title>" in post


# -- what real exports need ------------------------------------------------------------------

KIND = "http://schemas.google.com/g/2005#kind"


def blogger_entry(number: int, kind: str, title: str, extra: str = "") -> str:
    return f"""<entry><id>tag:blogger.com,1999:blog-7.post-{number}</id>
<published>2020-04-0{number % 9 + 1}T10:00:00.000+02:00</published>
<category scheme='{KIND}' term='http://schemas.google.com/blogger/2008/kind#{kind}'/>
<title type='text'>{title}</title><content type='html'>&lt;p&gt;{title} words.&lt;/p&gt;</content>
<author><name>Ada</name><gd:image rel='http://schemas.google.com/g/2005#thumbnail' src='x'/></author>
{extra}</entry>"""


def test_a_blogger_export_using_undeclared_prefixes_imports_with_the_repairs_listed(
        sqlite_site, tmp_path):
    export = tmp_path / "blog.xml"
    export.write_text("<?xml version='1.0' encoding='UTF-8'?>\n"
                      "<?xml-stylesheet href='https://www.blogger.com/styles/atom.css'?>\n"
                      "<feed xmlns='http://www.w3.org/2005/Atom'>\n"
                      "<openSearch:totalResults>3</openSearch:totalResults>\n"
                      + blogger_entry(1, "post", "Live", "<link rel='alternate' type='text/html' "
                                      "href='https://x.blogspot.com/2020/04/live.html'/>"
                                      "<georss:point>1 2</georss:point>")
                      + "\n" + blogger_entry(2, "post", "Unfinished",
                                             "<app:control><app:draft>yes</app:draft>"
                                             "</app:control>")
                      + "\n" + blogger_entry(3, "comment", "Nice",
                                             "<thr:in-reply-to ref='tag:blogger.com,1999:"
                                             "blog-7.post-1'/>")
                      + "\n</feed>\n")
    done = run_masthead("import", "blogger", export, site=sqlite_site)
    assert "2 posts and pages (2 new" in done.stdout and "1 comments (1 new" in done.stdout
    assert "Repaired 5 places that were not well-formed XML:" in done.stdout
    repaired = [line.strip() for line in done.stdout.splitlines() if "prefix" in line]
    assert [re.sub(r"; read as .*", "", r) for r in repaired] == [
        f"{export}, line {n}: the prefix {prefix}: was not declared"
        for n, prefix in ((4, "openSearch"), (9, "gd"), (10, "georss"), (16, "app"),
                          (22, "thr"))]
    run_masthead("build", site=sqlite_site)
    public = sqlite_site / "public"
    assert (public / "2020/04/live/index.html").is_file()
    assert not (public / "2020/04/unfinished/index.html").exists()  # a draft stays one
    assert "2020/04/live.html /2020/04/live/ 301" in (public / "_redirects").read_text()


def test_a_password_protected_wordpress_post_becomes_a_draft_with_a_note(sqlite_site, tmp_path):
    export = wxr(tmp_path, wp_item(1, "Secret", extra="<wp:post_password>hunter2"
                                                      "</wp:post_password>"),
                 wp_item(2, "Open", extra="<wp:post_password></wp:post_password>"))
    done = run_masthead("import", "wordpress", export, site=sqlite_site)
    assert "Note: item 1 'Secret': it was password-protected on WordPress; it is a draft " \
           "here" in done.stdout
    assert "'Open'" not in done.stdout
    run_masthead("build", site=sqlite_site)
    public = sqlite_site / "public"
    assert not (public / "2021/03/secret").exists()
    assert "Secret" not in (public / "feed.xml").read_text()
    assert (public / "2021/03/open/index.html").is_file()
    assert stored_titles(sqlite_site, tmp_path) == ["Open", "Secret"]


@pytest.mark.parametrize("fence, assign", [("---", "tags: "), ("+++", "tags = ")])
def test_front_matter_nested_100000_deep_is_refused_naming_the_file(sqlite_site, tmp_path,
                                                                    fence, assign):
    folder = tmp_path / "md"
    (folder / "posts").mkdir(parents=True)
    (folder / "posts/fine.md").write_text("---\ntitle: Fine\n---\nWords.\n")
    (folder / "posts/deep.md").write_text(f"{fence}\n{assign}" + "[" * 100_000
                                          + "]" * 100_000 + f"\n{fence}\nWords.\n")
    done = run_masthead("import", "markdown", folder, site=sqlite_site, check=False)
    line = one_line_error(done, str(folder / "posts/deep.md"))
    assert "nested too deeply to read" in line
    assert stored_titles(sqlite_site, tmp_path) == []


def test_a_comment_with_an_id_longer_than_its_column_imports_and_imports_again(site, tmp_path):
    odd_id = "tag:example.org,2020:" + "c" * 400
    export = tmp_path / "blog.xml"
    export.write_text(
        "<feed xmlns='http://www.w3.org/2005/Atom'>"
        + blogger_entry(1, "post", "Commented")
        + blogger_entry(2, "comment", "Long id", "<thr:in-reply-to ref='tag:blogger.com,1999:"
                        "blog-7.post-1'/>").replace("tag:blogger.com,1999:blog-7.post-2", odd_id)
        + "</feed>")
    done = run_masthead("import", "blogger", export, site=site)
    assert "1 comments (1 new" in done.stdout
    again = run_masthead("import", "blogger", export, site=site)
    assert "1 comments (0 new, 0 updated, 1 unchanged)" in again.stdout


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
