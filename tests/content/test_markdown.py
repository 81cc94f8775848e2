"""The Markdown pipeline for long-form writing (pure functions, no database)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from masthead.render import citeproc
from masthead.render.engine import RenderContext, render_body

CTX = RenderContext(sources={}, style=citeproc.resolve_style("chicago-author-date"))


def render(text: str) -> HTMLParser:
    return HTMLParser(render_body(text, CTX))


def test_footnotes_are_numbered_in_reading_order_and_gathered_at_the_end():
    tree = render("First[^b] then second[^a].\n\n[^a]: Note A.\n\n[^b]: Note B.\n\nAfter.\n")
    refs = [a.attributes["href"] for a in tree.css("a.footnote-ref")]
    assert refs == ["#fn-1", "#fn-2"]
    items = tree.css("section.footnotes li")
    assert [li.attributes["id"] for li in items] == ["fn-1", "fn-2"]
    assert "Note B." in items[0].text() and "Note A." in items[1].text()
    # Each note links back to where the reader was.
    assert items[0].css_first("a.footnote-back").attributes["href"] == "#fnref-1"
    # The notes come after the text, even when defined in the middle.
    html = tree.html
    assert html.index("After.") < html.index('class="footnotes"')


def test_a_note_referred_to_twice_has_two_distinct_backlink_targets():
    tree = render("One[^n] and two[^n].\n\n[^n]: Shared.\n")
    ids = [a.attributes["id"] for a in tree.css("a.footnote-ref")]
    assert ids == ["fnref-1", "fnref-1-2"]


def test_a_quotation_ending_in_an_em_dash_line_becomes_an_attributed_figure():
    tree = render("> The words quoted.\n> — Jane Doe, *A Book*\n")
    figure = tree.css_first("figure.quotation")
    assert figure is not None
    assert figure.css_first("blockquote").text().strip() == "The words quoted."
    assert figure.css_first("figcaption").text().strip() == "— Jane Doe, A Book"
    assert figure.css_first("figcaption em").text() == "A Book"


def test_attribution_may_be_its_own_paragraph_and_typed_with_three_hyphens():
    tree = render("> Line one.\n>\n> Line two.\n>\n> --- Somebody\n")
    figure = tree.css_first("figure.quotation")
    assert [p.text() for p in figure.css("blockquote p")] == ["Line one.", "Line two."]
    assert figure.css_first("figcaption").text() == "— Somebody"


def test_attribution_typed_with_two_hyphens_reads_as_an_em_dash_one():
    for text in ("> The words quoted.\n> -- Jane Doe, *A Book*\n",
                 "> The words quoted.\n>\n> -- Jane Doe, *A Book*\n",
                 "> The words quoted.\n> --- Jane Doe, *A Book*\n",
                 "> The words quoted.\n> — Jane Doe, *A Book*\n"):
        figure = render(text).css_first("figure.quotation")
        assert figure is not None, text
        assert figure.css_first("blockquote").text().strip() == "The words quoted.", text
        assert figure.css_first("figcaption").text() == "— Jane Doe, A Book", text


def test_two_hyphens_inside_a_quotation_are_no_attribution():
    tree = render("> Wait -- for it.\n> And -- again.\n")
    assert tree.css_first("figure") is None
    assert "Wait – for it." in tree.css_first("blockquote").text()


def test_a_plain_quotation_stays_a_plain_blockquote():
    tree = render("> Just a quote, with a dash — inside.\n")
    assert tree.css_first("figure") is None
    assert tree.css_first("blockquote") is not None


def test_sic_inside_a_quotation_is_kept_verbatim():
    tree = render("> more often then [sic] I would like.\n> — A reader\n")
    assert "then [sic] I" in tree.css_first("blockquote").text()


def test_headings_get_unique_ids_and_a_link_to_themselves():
    tree = render("## Why it *matters*\n\ntext\n\n## Why it matters\n\n### Ça va?\n")
    ids = [h.attributes["id"] for h in tree.css("h2, h3")]
    assert ids == ["why-it-matters", "why-it-matters-2", "ça-va"]
    assert tree.css_first("h2 a.heading-anchor").attributes["href"] == "#why-it-matters"


def test_smart_punctuation_tables_and_strikethrough():
    tree = render('"Quoted" -- and --- dashes...\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~gone~~\n')
    text = tree.css_first("p").text()
    assert "“Quoted”" in text and "–" in text and "—" in text and "…" in text
    assert tree.css_first("table td:last-child").attributes["style"].replace(" ", "") == "text-align:right"
    assert tree.css_first("del").text() == "gone"


def test_raw_html_is_sanitised():
    html = render_body(
        '<script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">x</a><iframe src="https://evil.example"></iframe>'
        '<p style="color:red" onclick="y()">kept <abbr title="t">text</abbr></p>\n', CTX)
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html and "javascript:" not in html and "<iframe" not in html
    assert "onclick" not in html and "color:red" not in html
    assert "kept" in html and '<abbr title="t">' in html


def test_citation_syntax_in_code_is_left_alone():
    ctx = RenderContext(sources={"doe": {"type": "book", "title": "T",
                                         "author": [{"family": "Doe", "given": "J"}],
                                         "issued": {"date-parts": [[2000]]}}},
                        style=CTX.style)
    html = render_body("Use `[@doe]` to cite.\n\n```\n[@doe]\n```\n\nReal: [@doe].\n", ctx)
    tree = HTMLParser(html)
    assert [c.text() for c in tree.css("code")] == ["[@doe]", "[@doe]\n"]
    assert [s.text() for s in tree.css("span.citation")] == ["(Doe 2000)"]


def test_links_that_run_code_are_removed_even_without_raw_html():
    for text in ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
                 "[x](&#106;avascript:alert(1))", "[x]\n\n[x]: javascript:alert(1)",
                 "[x](data:text/html;base64,PHNjcmlwdD4=)", "<javascript:alert(1)>"]:
        html = render_body(text + "\n", CTX).lower()
        assert not re.search(r'(href|src)="\s*(javascript|data):', html), text
