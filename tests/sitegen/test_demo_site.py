"""The built demo site: every kind of page, feed and file a reader or a crawler expects."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from masthead.sitegen.search_index import Reader

PUBLIC_POSTS = 12


@pytest.fixture(scope="module")
def public(demo_site) -> Path:
    return demo_site / "public"


def page(public: Path, path: str) -> HTMLParser:
    rel = path.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    return HTMLParser((public / rel).read_text())


def test_post_pages_live_at_the_permalink_with_metadata(public):
    tree = page(public, "/2025/10/orwell-and-the-windowpane/")
    assert tree.css_first("h1").text() == "The Free Press, Briefly (3): Orwell and the Windowpane"
    canonical = tree.css_first('link[rel="canonical"]').attributes["href"]
    assert canonical == "http://127.0.0.1:8000/2025/10/orwell-and-the-windowpane/"
    assert tree.css_first('meta[property="og:type"]').attributes["content"] == "article"
    ld = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    assert ld["@type"] == "Article" and ld["headline"].endswith("Windowpane")
    assert ld["datePublished"] == "2025-10-15T09:00:00+01:00"
    assert ld["author"] == [{"@type": "Person", "name": "Mara Ellison"}]
    # The series box lists all three parts, this one marked current.
    parts = tree.css("nav.series li")
    assert len(parts) == 3 and parts[2].css_first('[aria-current="page"]') is not None
    # The footer in Markdown is appended to every post.
    assert "support the work" in tree.css_first("aside.post-footer").text()


def test_citations_link_to_a_bibliography_at_the_end_of_the_post(public):
    tree = page(public, "/2025/10/orwell-and-the-windowpane/")
    cites = [c.text() for c in tree.css("span.citation")]
    assert "(Orwell 1946a)" in cites and "(Orwell 1946b)" in cites
    entries = tree.css("#bibliography .csl-entry")
    assert [e.attributes["id"] for e in entries] == ["ref-orwell1946politics", "ref-orwell1946why"]
    assert entries[0].text().startswith("Orwell, George. 1946a.")
    # Footnotes come after the bibliography, as in Pandoc's output.
    html = (public / "2025/12/footnotes-are-a-courtesy/index.html").read_text()
    assert 'id="bibliography"' in html and 'id="footnotes"' in html
    assert html.index('id="bibliography"') < html.index('id="footnotes"')


def test_home_is_paginated_with_stable_pages_numbered_from_the_oldest(public):
    home = page(public, "/")
    titles = [a.text() for a in home.css("article.card h2 a")]
    assert len(titles) == 5 and titles[0] == "Against the Feed"
    older = home.css_first('nav.pagination a[rel="next"]').attributes["href"]
    # 12 posts, 5 a page: /page/1/ and /page/2/ are full, /page/3/ holds the newest two.
    assert older == "/page/2/"
    first = page(public, "/page/1/")
    assert [a.text() for a in first.css("article.card h2 a")][-1] == "Why I Left the Platform"
    assert (public / "page/3/index.html").exists() and not (public / "page/4").exists()


def test_tag_pages_archives_and_pages(public):
    tag = page(public, "/tags/free-press/")
    assert len(tag.css("article.card")) == 3
    tags = page(public, "/tags/")
    assert "free press" in tags.text()
    year = page(public, "/2025/")
    assert len(year.css(".archive-list li")) == 9
    month = page(public, "/2025/10/")
    assert len(month.css("article.card")) == 4
    assert "2025" in page(public, "/archive/").text()
    about = page(public, "/about/")
    assert about.css_first("h1").text() == "About"
    # Pages appear in the navigation of every page.
    assert home_nav(public) == ["Archive", "Tags", "About", "Search", "Feed"]


def home_nav(public: Path) -> list[str]:
    return [a.text() for a in page(public, "/").css("nav.site-nav a")]


def test_drafts_are_not_published(public):
    """A draft's text is on no page; its title only on its book's contents, as a
    chapter "coming soon", without a link."""
    pages = {p.relative_to(public).as_posix(): p.read_text() for p in public.rglob("*.html")}
    assert not [name for name, text in pages.items() if "This essay is a draft" in text]
    titled = [name for name, text in pages.items() if "A Draft in Progress" in text]
    assert titled == ["books/reading-in-public/index.html"]
    soon = page(public, "/books/reading-in-public/").css_first("li.coming-soon")
    assert "A Draft in Progress" in soon.text() and soon.css_first("a") is None


@pytest.mark.parametrize("path", ["feed.xml", "rss.xml", "tags/reading/feed.xml",
                                  "tags/reading/rss.xml"])
def test_feeds_parse_and_carry_full_content(public, path):
    feed = feedparser.parse((public / path).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title.startswith("The Long Margin")
    entries = feed.entries
    assert entries and entries[0].published_parsed >= entries[-1].published_parsed
    full = entries[0].content[0].value if "content" in entries[0] else entries[0].description
    assert "<p>" in full and len(full) > 1000
    # Links inside the content are absolute so readers' apps can follow them.
    assert not re.search(r'href="/', full) and not re.search(r'href="#', full)
    if path == "feed.xml":
        assert len(entries) == PUBLIC_POSTS


def test_json_feed(public):
    feed = json.loads((public / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feed["items"]) == PUBLIC_POSTS
    assert feed["items"][0]["title"] == "Against the Feed"
    assert "Self-Reliance" in feed["items"][0]["content_html"]
    assert json.loads((public / "tags/reading/feed.json").read_text())["items"]


def test_sitemap_robots_and_404(public):
    sitemap = (public / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "http://127.0.0.1:8000/2025/09/on-reading-slowly/" in locs
    assert "http://127.0.0.1:8000/about/" in locs
    assert len([u for u in locs if re.search(r"/20\d\d/\d\d/[a-z]", u)]) == PUBLIC_POSTS
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (public / "robots.txt").read_text()
    assert "not here" in (public / "404.html").read_text()


def test_old_urls_get_a_redirect_page_and_a_redirects_rule(public):
    rules = (public / "_redirects").read_text().splitlines()
    assert "/2025/09/why-i-left.html /2025/09/why-i-left-the-platform/ 301" in rules
    old = HTMLParser((public / "2025/09/why-i-left.html").read_text())
    assert old.css_first('link[rel="canonical"]').attributes["href"].endswith(
        "/2025/09/why-i-left-the-platform/")
    assert "url=/2025/09/why-i-left-the-platform/" in old.css_first(
        'meta[http-equiv="refresh"]').attributes["content"]


def test_readers_comments_are_shown_threaded_under_their_post(public):
    doc = HTMLParser((public / "2025/12/footnotes-are-a-courtesy/index.html").read_text())
    items = doc.css("section.comments li.comment")
    assert [i.attributes["class"] for i in items] == ["comment depth-0", "comment depth-1",
                                                       "comment depth-0"]
    assert items[0].css_first("a[rel='nofollow ugc']").attributes["href"] == \
        "https://jonah.example.net/"
    assert items[1].css_first(".comment-body em").text() == "Gibbon"
    assert doc.css_first("#comments-heading").text() == "3 comments"
    nginx = (public / "_redirects.map").read_text()
    assert '"/2025/09/why-i-left.html" "/2025/09/why-i-left-the-platform/";' in nginx


def test_no_internal_link_is_broken(public):
    """Every href/src to this site resolves to a file, and every #fragment to an id."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = {n.attributes["id"] for n in HTMLParser(path.read_text()).css("[id]")}
        return ids[path]

    checked = 0
    for html in sorted(public.rglob("*.html")):
        tree = HTMLParser(html.read_text())
        for node in tree.css("a[href], link[href], script[src], img[src]"):
            url = node.attributes.get("href") or node.attributes.get("src")
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            if parts.path:
                target = public / unquote(parts.path).lstrip("/")
                if parts.path.endswith("/"):
                    target = target / "index.html"
                assert target.is_file(), f"{html.relative_to(public)} links to missing {url}"
            else:
                target = html
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids_of(target), f"{html}: no #{parts.fragment}"
            checked += 1
    assert checked > 500


def test_no_request_goes_to_a_third_party(public):
    """No web fonts, scripts, styles or images from elsewhere."""
    for html in public.rglob("*.html"):
        tree = HTMLParser(html.read_text())
        for node in tree.css("script[src], link[rel=stylesheet], img[src], iframe, link[rel=preload]"):
            url = node.attributes.get("src") or node.attributes.get("href") or ""
            assert not urlsplit(url).netloc, f"{html}: third-party {url}"
    css = "".join(p.read_text() for p in public.rglob("*.css"))
    assert "@import" not in css and "url(http" not in css


def test_search_index_covers_every_post_and_page(public):
    meta = json.loads((public / "search/meta.json").read_text())
    assert meta["docs"] == PUBLIC_POSTS + 1 and meta["deleted"] == []
    segment = meta["segments"][0]["name"]
    shard = json.loads((public / f"search/{segment}/t/{b'wi'.hex()}.json").read_text())
    assert "windowpane" in shard
    docs = json.loads((public / f"search/{segment}/d/0.json").read_text())
    hit = docs[shard["windowpane"][0]]
    assert hit[0] == "/2025/10/orwell-and-the-windowpane/"
    assert Reader(public).search("windowp")[0] == "/2025/10/orwell-and-the-windowpane/"
