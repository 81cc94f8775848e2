"""Exports that are wrong, odd or hostile: each one is imported as far as it can be, or
refused with one line naming the file and the item, and the site still builds after.

Every file here is written by the test itself, small but taking the real code path.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_masthead
from tests.importers.exports import (
    POSTS_CSV,
    blogger_entry,
    lying_zip,
    one_line_error,
    stored_titles,
    substack_row,
    wp_item,
    wxr,
)

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
