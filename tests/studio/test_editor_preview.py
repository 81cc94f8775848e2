"""The editor's preview is the published page: the theme's stylesheet and fonts, the post
template's article, the same headings; its images come from the studio at once."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from masthead.sitegen.theme import THEME_DIR
from tests.studio.conftest import log_in

BODY = ("An opening paragraph [@milton1644, p. 4].[^1]\n\n## Why it matters\n\n"
        "> The words quoted.\n> -- Jane Doe\n\n### A smaller point\n\n- one\n- two\n\n"
        "[^1]: Areopagitica was printed without a licence.\n")

ARTICLE_JS = """(doc) => {
    const article = doc.querySelector('article');
    const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
    return {
        body: article.querySelector('.post-body').innerHTML.replace(/\\s+/g, ' ').trim(),
        title: article.querySelector('h1').textContent,
        headings: [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')]
            .filter(visible).map((h) => h.tagName + ' ' + h.textContent.trim()),
        anchors: [...article.querySelectorAll('.heading-anchor')]
            .map((a) => getComputedStyle(a).opacity),
        font: getComputedStyle(doc.body).fontFamily,
        background: getComputedStyle(doc.body).backgroundColor,
        quoteBackground: getComputedStyle(article.querySelector('blockquote')).backgroundColor,
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_preview_shows_what_the_published_page_shows(context, studio, browser):
    owner = studio.session("owner")
    post_id = owner.new_post("Why It Matters", BODY, action="publish")
    path = f"/{dt.datetime.now(dt.UTC):%Y/%m}/why-it-matters/"
    studio.wait_for(path, "Areopagitica")
    # The published page as it stands before its scripts run: the preview runs none
    # (a sandboxed frame), so the notes stay in their list there.
    reader = browser.new_context(java_script_enabled=False)
    reading = reader.new_page()
    reading.goto(studio.url + path)
    published = reading.evaluate(f"() => ({ARTICLE_JS})(document)")
    reader.close()
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    frame = page.frame_locator("#preview")
    frame.locator("section.footnotes").wait_for()
    # The frame's stylesheet in (a loaded machine paints the text before it arrives).
    page.wait_for_function("""() => {
        const doc = document.getElementById('preview').contentDocument;
        return doc && doc.readyState === 'complete' && doc.body
            && getComputedStyle(doc.body).backgroundColor !== 'rgba(0, 0, 0, 0)';
    }""")
    shown = page.evaluate(
        f"() => ({ARTICLE_JS})(document.getElementById('preview').contentDocument)")
    assert shown == published
    # The text's own headings (each with its hidden anchor, "#") and the references';
    # the notes' heading is for screen readers only, there as on the page.
    assert shown["headings"] == ["H1 Why It Matters", "H2 Why it matters #",
                                 "H3 A smaller point #", "H2 References"]
    assert set(shown["anchors"]) == {"0"}  # there, as on the page, but not shown
    assert shown["font"].startswith('"Masthead Serif"')  # the theme's own face
    # The studio's own page keeps the studio's look.
    assert "Masthead Serif" not in page.evaluate("getComputedStyle(document.body).fontFamily")
    # A note's mark jumps within the preview; a link to elsewhere opens a tab of its own.
    page.get_by_label("Text (Markdown").fill(
        BODY.replace("## Why", "\n\n".join(["Filler."] * 60) + "\n\n## Why")
        + "\nSee [the archive](/archive/).\n")
    frame.locator("section.footnotes").wait_for()
    frame.get_by_text("See the archive").wait_for()
    frame.locator("a.footnote-ref").click()
    in_view = page.evaluate("""() => { const w = document.getElementById('preview').contentWindow;
        const r = w.document.getElementById('fn-1').getBoundingClientRect();
        return [w.location.href, w.scrollY > 0, r.top >= 0 && r.top < w.innerHeight]; }""")
    assert in_view == ["about:srcdoc", True, True]
    with context.expect_page() as opened:
        frame.get_by_role("link", name="the archive").click()
    opened.value.wait_for_load_state()
    assert opened.value.url == studio.url + "/archive/"
    opened.value.close()
    assert page.evaluate("document.getElementById('preview').contentWindow.location.href"
                         ) == "about:srcdoc"
    # Edits replace the preview's text in place.
    page.get_by_label("Text (Markdown").fill(BODY + "\nA new last line.\n")
    frame.get_by_text("A new last line.").wait_for()
    page.get_by_label("Title").fill("A better title")
    frame.get_by_role("heading", name="A better title", level=1).wait_for()


def test_the_preview_is_a_theme_page_with_the_draft_in_it(studio):
    author = studio.session("author")
    author.get("/studio/")
    r = author.post("/studio/preview/", {"body": "## Part one\n\nText.\n",
                                         "title": "<script>alert(1)</script>"})
    doc = r.json()["document"]
    assert re.search(r'<link rel="stylesheet" href="/studio/preview/theme/style\.css\?v=\w+">',
                     doc)
    assert '<article class="post h-entry">' in doc
    assert "<script>" not in doc and "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert '<span class="p-author">The Author</span>' in doc  # the writer's byline
    css = author.get("/studio/preview/theme/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.content == (THEME_DIR / "static" / "style.css").read_bytes()
    assert author.get("/studio/preview/theme/../templates/post.html").status_code == 404
    assert studio.session(None).get("/studio/preview/theme/style.css").status_code == 302


def test_media_addresses_in_the_preview_are_served_by_the_studio_to_writers(studio):
    from PIL import Image

    folder = studio.site / "media" / "2026" / "12"
    folder.mkdir(parents=True)
    buf = io.BytesIO()
    Image.new("RGB", (20, 10)).save(buf, "PNG")
    (folder / "pic-0123abcd-20.png").write_bytes(buf.getvalue())
    (folder / "notes.html").write_text("<script>alert(1)</script>")
    author = studio.session("author")
    author.get("/studio/")
    r = author.post("/studio/preview/", {
        "body": "![A picture](/media/2026/12/pic-0123abcd-20.png)\n\n"
                '<img src="/media/2026/12/pic-0123abcd-20.png" '
                'srcset="/media/2026/12/pic-0123abcd-20.png 20w, https://elsewhere.example/x.png 40w" '
                'alt="Raw">\n\n![Far](https://elsewhere.example/y.png)\n'})
    html = r.json()["html"]
    assert 'src="/studio/media/files/2026/12/pic-0123abcd-20.png"' in html
    assert ('srcset="/studio/media/files/2026/12/pic-0123abcd-20.png 20w, '
            'https://elsewhere.example/x.png 40w"') in html
    assert 'src="https://elsewhere.example/y.png"' in html
    assert "/studio/media/files/" in r.json()["document"]
    got = author.get("/studio/media/files/2026/12/pic-0123abcd-20.png")
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.content == buf.getvalue()
    assert author.get("/studio/media/files/2026/12/notes.html").status_code == 404
    assert author.get("/studio/media/files/2026/12/missing.png").status_code == 404
    assert author.get("/studio/media/files/../masthead.toml").status_code == 404
    assert studio.session(None).get(
        "/studio/media/files/2026/12/pic-0123abcd-20.png").status_code == 302
