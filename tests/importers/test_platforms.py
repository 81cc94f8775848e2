"""`masthead import blogger|wordpress|ghost|substack`: a whole blog comes in, keeps its
old addresses, and can be imported again without duplicates.

Fixtures in tests/fixtures/imports/ (see its README for where each comes from).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import FIXTURES, make_site, run_masthead, serving

IMPORTS = FIXTURES / "imports"


def exported(site: Path, tmp_path: Path) -> dict[str, tuple[dict, str]]:
    out = tmp_path / "export"
    run_masthead("export", "markdown", out, site=site)
    docs = {}
    for path in sorted(out.rglob("*.md")):
        _, fm, body = path.read_text().split("---\n", 2)
        docs[path.relative_to(out).as_posix()] = (yaml.safe_load(fm), body)
    comments = out / "comments.yaml"
    docs["comments"] = yaml.safe_load(comments.read_text()) if comments.exists() else []
    return docs


def page(site: Path, path: str) -> str:
    return (site / "public" / path.strip("/") / "index.html").read_text()


@pytest.mark.parametrize("export", ["blogger-classic-comments.xml", "blogger-takeout.atom"])
def test_a_blogger_blog_arrives_with_labels_pages_comments_and_old_links(site, tmp_path,
                                                                        export):
    done = run_masthead("import", "blogger", IMPORTS / export, site=site)
    assert "3 comments (3 new" in done.stdout
    run_masthead("build", site=site)
    post = page(site, "/2020/04/on-licensing/")
    # The hand-made footnote is a real note; the <cite> is the quotation's attribution.
    assert 'class="footnote-ref"' in post and "Areopagitica, London, 1644." in post
    assert '<figcaption>— John Milton</figcaption>' in post
    assert 'id="what-followed"' in post
    assert 'href="/tags/milton/"' in post and 'href="/tags/censorship/"' in post
    assert "Ada Reader" in post
    # Comments are kept, but shown only once the site turns them on.
    assert "Ben Commenter" not in post
    run_masthead("settings", "comments", "true", site=site)
    run_masthead("build", site=site)
    post = page(site, "/2020/04/on-licensing/")
    comments = post[post.index('<section class="comments"'):]
    assert "3 comments" in comments
    assert re.search(r'depth-0" id="comment-\d+">\s*<p class="comment-meta"><a '
                     r'href="https://ben.example.net/" rel="nofollow ugc">Ben Commenter', comments)
    assert re.search(r'depth-1" id="comment-\d+">\s*<p class="comment-meta"><span>Ada Reader',
                     comments)  # the reply sits under the comment it answers
    assert "<strong>Thank you.</strong>" in comments and "alert(1)" not in comments
    assert "javascript:" not in comments and "<span>Cy</span>" in comments
    # The page, and both old addresses: a redirect page, _redirects and the nginx map.
    assert "A notebook kept since 2009." in page(site, "/about/")
    public = site / "public"
    assert 'url=/2020/04/on-licensing/' in (public / "2020/04/on-licensing.html").read_text()
    redirects = (public / "_redirects").read_text().splitlines()
    assert "/2020/04/on-licensing.html /2020/04/on-licensing/ 301" in redirects
    assert "/p/about.html /about/ 301" in redirects
    assert '"/p/about.html" "/about/";' in (public / "_redirects.map").read_text()
    with serving(site, worker=False) as url:
        r = httpx.get(url + "/2020/04/on-licensing.html", follow_redirects=False)
        assert r.status_code == 301 and r.headers["location"].endswith("/2020/04/on-licensing/")


def test_both_blogger_formats_describe_the_same_posts(site, tmp_path):
    run_masthead("import", "blogger", IMPORTS / "blogger-classic-comments.xml", site=site)
    done = run_masthead("import", "blogger", IMPORTS / "blogger-takeout.atom", site=site)
    # Same ids in both formats: nothing doubles. Takeout adds a draft and skips the trash.
    assert "(1 new, 1 updated, 1 unchanged)" in done.stdout
    assert "3 comments (0 new, 0 updated, 3 unchanged)" in done.stdout
    assert "entry 3 'Thrown Away': it is in Blogger's trash" in done.stdout
    docs = exported(site, tmp_path)
    assert sorted(docs) == ["comments", "pages/about.md", "posts/half-a-thought.md",
                            "posts/on-licensing.md"]
    assert docs["posts/half-a-thought.md"][0]["draft"] is True
    meta = docs["posts/on-licensing.md"][0]
    assert meta["summary"] == "Milton against licensing."  # Takeout's metaDescription
    assert meta["aliases"] == ["/2020/04/on-licensing.html"]


def test_bloggers_own_sample_export(site, tmp_path):
    done = run_masthead("import", "blogger", IMPORTS / "blogger-classic-sample.xml", site=site)
    assert "3 posts and pages (3 new" in done.stdout
    docs = exported(site, tmp_path)
    image = docs["posts/vestibulum.md"]
    assert image[0]["tags"] == ["All Night Party", "Dance"]
    # Blogger's caption table: a figure with the full-size image and its caption.
    assert ('<figure class="figure-image"><img alt="" src="https://images.com/1234/5678/s1600/'
            'IMG_1234.jpg"/><figcaption>My son and I after his first 10K</figcaption>'
            '</figure>') in image[1]
    assert "<br" not in image[1] and "&nbsp;" not in image[1]
    drafts = [d for name, d in docs.items() if name != "comments" and d[0].get("draft")]
    assert [d[0]["title"] for d in drafts] == ["Maecenas Draft Post"]


def test_a_wordpress_site_with_blocks_shortcodes_comments_and_seo(site, tmp_path):
    done = run_masthead("import", "wordpress", IMPORTS / "wordpress-essays.xml", site=site)
    out = done.stdout
    assert "4 posts and pages (4 new" in out and "3 comments (3 new" in out
    assert "item 4 'Deleted Thing': its status is 'trash'" in out
    assert "item 7 'A recipe': the custom post type 'recipe' has no place here" in out
    assert "Main menu item" not in out  # WordPress internals pass silently
    # The bare & in a link is repaired and reported with its line.
    assert re.search(r"wordpress-essays\.xml, line \d+: a bare '&' was read as text", out)
    assert "[gallery] shortcode was left out" in out and "[pullquote] is not understood" in out
    assert "'Private Musings': it was private on WordPress; it is a draft here" in out
    docs = exported(site, tmp_path)
    meta, body = docs["posts/the-uses-of-footnotes.md"]
    assert meta["authors"] == ["Tomás Ferrer", "Mara Quill"]  # Co-Authors Plus order
    assert meta["tags"] == ["History", "Footnotes"]
    assert meta["seo_title"] == "Why footnotes matter | Long Reads"
    assert meta["summary"] == "Gibbon, Grafton and the conscience of scholarship."
    assert meta["aliases"] == ["/2021/03/14/the-uses-of-footnotes/"]
    assert body.startswith('\n<figure class="figure-image"><img alt="Gibbon seated, in a red '
                           'coat" src="https://longreads.example.com/wp-content/uploads/2021/03/'
                           'gibbon-full.jpg"/><figcaption>Edward Gibbon in 1779</figcaption>'
                           '</figure>')
    assert "*Decline and Fall*.[^1] Grafton wrote a whole book about them.[^2]" in body
    assert "[^2]: Anthony Grafton, *The Footnote: A Curious History*, 1997." in body
    assert "> The footnote is the scholar's conscience.\n> — Anthony Grafton" in body
    assert "[A lecture on notes](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in body
    assert "wp:" not in body and "↩" not in body
    meta, body = docs["posts/classic.md"]
    assert "tags" not in meta  # "Uncategorized" is no tag
    assert meta["authors"] == ["Tomás Ferrer"]
    assert meta["aliases"] == ["/2012/05/01/classic/"]  # the query string is not a path
    assert "Written before blocks existed.\\\nTwo lines, one paragraph." in body
    assert ('<figure class="figure-image"><img alt="A writing desk" src="https://'
            'longreads.example.com/wp-content/uploads/2012/05/desk.jpg"/><figcaption>My desk '
            'in 2012</figcaption></figure>') in body
    assert "<https://vimeo.com/76979871>" in body and "## Afterwards" in body
    assert docs["posts/private-musings.md"][0]["draft"] is True
    assert docs["pages/about.md"][0]["title"] == "About"
    by_author = {c["author"]: c for c in docs["comments"]}
    assert set(by_author) == {"Lena", "Mara Quill", "Cheap Watches"}  # no pingback
    assert by_author["Cheap Watches"]["status"] == "spam"
    assert by_author["Mara Quill"]["reply_to"] == by_author["Lena"]["origin"]
    run_masthead("settings", "comments", "true", site=site)
    run_masthead("build", site=site)
    post = page(site, "/2021/03/the-uses-of-footnotes/")
    assert "2 comments" in post and "Cheap Watches" not in post
    # Yoast's title and description are the page's.
    assert "<title>Why footnotes matter | Long Reads</title>" in post
    assert ('<meta name="description" content="Gibbon, Grafton and the conscience of '
            'scholarship.">') in post
    assert "<title>A Classic-Editor Post · " in page(site, "/2012/05/classic/")
    assert 'href="/2021/03/the-uses-of-footnotes/"' in (
        site / "public/2021/03/14/the-uses-of-footnotes/index.html").read_text()


def test_wordpress_own_sample_export(site, tmp_path):
    done = run_masthead("import", "wordpress", IMPORTS / "wordpress-sample.xml", site=site)
    assert "4 posts and pages (4 new" in done.stdout
    assert "'My CPT Post': the custom post type 'customcpt' has no place here" in done.stdout
    docs = exported(site, tmp_path)
    assert docs["posts/basic-post.md"][0]["authors"] == ["Hermione Granger"]
    assert docs["posts/basic-post.md"][0]["aliases"] == ["/blog/basic-post.html"]
    # The featured image comes from the attachment listed after the post.
    assert "images.unsplash.com/photo-1601276861758-2d9c5ca69a17?ixlib=rb-1.2.1&amp;ixid=" \
        in docs["posts/basic-post.md"][1]
    assert docs["pages/services.md"][0]["title"] == "Services"


def test_a_ghost_export_with_its_settings(site, tmp_path):
    done = run_masthead("import", "ghost", IMPORTS / "ghost-6.65-export.json", site=site)
    assert "4 posts and pages (4 new" in done.stdout
    assert "Set the site's description, timezone, title from the export." in done.stdout
    run_masthead("build", site=site)  # its text has "[@source159, p. 10]": text, not a citation
    docs = exported(site, tmp_path)
    posts = {name: d for name, d in docs.items() if name.startswith("posts/")}
    assert len(posts) >= 3
    assert all(d[0]["imported_from"].startswith("ghost:") for d in posts.values())
    assert all(d[0]["aliases"] == [f"/{d[0]['slug']}/"] for d in posts.values())
    assert all(not t.startswith("#") for d in posts.values() for t in d[0].get("tags", []))
    assert "Bench Writer" in {a for d in posts.values() for a in d[0].get("authors", [])}
    shown = run_masthead("settings", "title", site=site).stdout
    assert "Benchmark Blog" in shown


@pytest.mark.parametrize("packed", [False, True])
def test_a_substack_export_as_folder_or_zip(site, tmp_path, packed):
    source = IMPORTS / "substack"
    if packed:
        source = tmp_path / "export.zip"
        with zipfile.ZipFile(source, "w") as z:
            for f in (IMPORTS / "substack").rglob("*"):
                if f.is_file():
                    z.write(f, "substack-export/" + f.relative_to(IMPORTS / "substack").as_posix())
    done = run_masthead("import", "substack", source, site=site)
    assert "5 posts and pages (5 new" in done.stdout
    assert "masthead subscribers import" in done.stdout and "email-list-subscribers.csv" in done.stdout
    docs = exported(site, tmp_path)
    meta, body = docs["posts/plain-text.md"]
    assert meta["summary"] == "“This quote’s rather short”"
    assert meta["aliases"] == ["/p/plain-text/"]
    assert "Sign up" not in body and "subscribe" not in body
    assert docs["posts/draft-text.md"][0]["draft"] is True
    assert "[Listen to the episode](https://example.com/my-audio/file.mp3)" in \
        docs["posts/podcast.md"][1]
    assert docs["pages/about-us.md"][0]["title"] == "About Us"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_importing_again_updates_and_a_dry_run_changes_nothing(site, tmp_path):
    dry = run_masthead("import", "wordpress", IMPORTS / "wordpress-essays.xml", "--dry-run",
                       site=site)
    assert dry.stdout.startswith("Would import 4 posts and pages (4 new")
    assert not [n for n in exported(site, tmp_path) if n != "comments"]
    run_masthead("import", "wordpress", IMPORTS / "wordpress-essays.xml", site=site)
    changed = tmp_path / "changed.xml"
    changed.write_text((IMPORTS / "wordpress-essays.xml").read_text()
                       .replace("So do I, Lena.", "So do I, Lena!")
                       .replace("<![CDATA[A Classic-Editor Post]]>", "<![CDATA[A Classic Post]]>"))
    again = run_masthead("import", "wordpress", changed, site=site)
    assert "4 posts and pages (0 new, 1 updated, 3 unchanged)" in again.stdout
    assert "3 comments (0 new, 1 updated, 2 unchanged)" in again.stdout
    docs = exported(site, tmp_path)
    assert docs["posts/classic.md"][0]["title"] == "A Classic Post"
    # A post written here is never overwritten by an imported one with the same slug.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "about.md").write_text("---\ntitle: My own About\ntype: page\n---\n\nMine.\n")
    other = make_site(tmp_path / "other")
    run_masthead("import", "markdown", mine, site=other)
    run_masthead("import", "wordpress", IMPORTS / "wordpress-essays.xml", site=other)
    pages = {n: d for n, d in exported(other, tmp_path / "o").items() if n.startswith("pages/")}
    assert pages["pages/about.md"][0]["title"] == "My own About"
    assert pages["pages/about-2.md"][0]["title"] == "About"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_exports_are_refused_with_the_file_and_line_and_nothing_is_stored(site, tmp_path):
    items = "".join(
        f"<item><title>Post {i}</title><wp:post_id>{i}</wp:post_id><wp:status>publish"
        f"</wp:status><wp:post_type>post</wp:post_type><wp:post_date_gmt>2020-01-01 00:00:00"
        f"</wp:post_date_gmt><content:encoded><![CDATA[<p>Text {i}.</p>]]></content:encoded>"
        "</item>\n" for i in range(1, 701))
    head = ('<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<link>https://x.example</link>\n")
    # Cut short after 700 posts: more than one chunk was already stored when it fails.
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(head + items + "<item><title>Cut")
    bad = run_masthead("import", "wordpress", truncated, site=site, check=False)
    assert bad.code == 1
    assert re.search(r"truncated\.xml, line 70[23]: the file ends too soon: expected a "
                     r"WordPress export", bad.stderr), bad.stderr
    assert not [n for n in exported(site, tmp_path) if n != "comments"]
    wrong = tmp_path / "feed.xml"
    wrong.write_text("<feed xmlns='http://www.w3.org/2005/Atom'></feed>")
    bad = run_masthead("import", "wordpress", wrong, site=site, check=False)
    assert "feed.xml, line 1: expected a WordPress export" in bad.stderr
    assert "starts with <feed>" in bad.stderr
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>&b;</channel></rss>')
    bad = run_masthead("import", "wordpress", bomb, site=site, check=False)
    assert bad.code == 1 and "declares entities" in bad.stderr
    external = tmp_path / "xxe.xml"
    external.write_text('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM '
                        '"file:///etc/passwd">]><feed>&x;</feed>')
    bad = run_masthead("import", "blogger", external, site=site, check=False)
    assert bad.code == 1 and "declares entities" in bad.stderr and "root:" not in bad.stderr
    broken = tmp_path / "ghost.json"
    broken.write_text('{"db": [{"data": {"posts": [}]}')
    bad = run_masthead("import", "ghost", broken, site=site, check=False)
    assert bad.code == 1 and "ghost.json, line 1: not JSON" in bad.stderr
    assert not [n for n in exported(site, tmp_path) if n != "comments"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nginx_serves_the_old_addresses_as_301s_from_the_map(site, tmp_path):
    """The snippet in docs/importing.md, run by Debian's nginx."""
    from tests.conftest import free_port, nginx

    run_masthead("import", "blogger", IMPORTS / "blogger-classic-comments.xml", site=site)
    run_masthead("build", site=site)
    public = site / "public"
    port = free_port()
    with nginx(tmp_path, port, f"""  map $uri $masthead_redirect {{ default ""; include {public}/_redirects.map; }}
  server {{
    listen 127.0.0.1:{port};
    root {public};
    if ($masthead_redirect) {{ return 301 $masthead_redirect; }}
  }}"""):
        r = httpx.get(f"http://127.0.0.1:{port}/p/about.html", follow_redirects=False)
        assert r.status_code == 301 and r.headers["location"].endswith("/about/")
        r = httpx.get(f"http://127.0.0.1:{port}/2020/04/on-licensing.html",
                      follow_redirects=False)
        assert r.status_code == 301 and r.headers["location"].endswith("/2020/04/on-licensing/")
        r = httpx.get(f"http://127.0.0.1:{port}/2020/04/on-licensing/")
        assert r.status_code == 200 and "On Licensing" in r.text
