"""Citations and bibliographies must be exactly what Pandoc makes of the same post.

Pandoc is the oracle: each post is rendered by `pandoc --citeproc` as a document of its
own, and every citation and every bibliography entry Masthead renders is compared with
Pandoc's. The posts are rendered by Masthead together, so this also checks that batching
many posts into one citeproc run changes nothing (disambiguation stays per post).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from bench.corpus import write_corpus
from masthead.content.frontmatter import split
from masthead.importers.sources import read_bibtex
from masthead.render import cite_shapes, cite_shortcut, citeproc
from masthead.render.engine import BodySource, RenderContext, render_bodies
from tests.conftest import DEMO_CONTENT

SOURCES = {
    "doe2001": {"type": "book", "title": "First Book", "publisher": "Pub",
                "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001]]}},
    "doe2001b": {"type": "book", "title": "Second Book", "publisher": "Pub",
                 "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001]]}},
    "doe2001c": {"type": "book", "title": "Third Book", "publisher": "Pub",
                 "author": [{"family": "Doe", "given": "John"}], "issued": {"date-parts": [[2001]]}},
    "roe1999": {"type": "article-journal", "title": "An Article", "container-title": "Journal",
                "volume": "3", "page": "1-10", "issued": {"date-parts": [[1999]]},
                "author": [{"family": "Roe", "given": "Rita"}, {"family": "Poe", "given": "P."},
                           {"family": "Moe", "given": "M."}, {"family": "Low", "given": "L."}]},
    "anon": {"type": "webpage", "title": "A Page Without Author", "URL": "https://example.org/p",
             "issued": {"date-parts": [[2020, 5, 1]]}},
}

EDGE_CASES = [
    "As argued [see @doe2001, p. 3; @roe1999, chap. 2] and later [@doe2001b].\n",
    "@doe2001 [p. 33] says so, and @doe2001c agrees.[^n]\n\n[^n]: Compare [-@doe2001b, 12].\n",
    "Many [*cf.* @doe2001, pp. 33--35, and passim; @anon].\n\nAgain [@roe1999].\n",
    "Just one [@doe2001c]. Then @roe1999 again [@roe1999, 4].\n",
]


def pandoc_render(markdown: str, bib: Path, style: citeproc.Style, language: str = "en") -> str:
    meta = ["--metadata", "link-citations=true"]
    if language != "en":
        meta += ["--metadata", f"lang={language}"]
    if style.path is not None:
        meta += ["--csl", str(style.path)]
    return subprocess.run(
        [citeproc.pandoc_path(), "--from", "markdown", "--to", "html", "--wrap=none",
         "--citeproc", "--bibliography", str(bib), *meta],
        input=markdown, capture_output=True, text=True, check=True).stdout


def normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def cites_and_entries(html: str) -> tuple[list[str], dict[str, str]]:
    tree = HTMLParser(html)
    cites = [normalise(n.html) for n in tree.css("span.citation")]
    entries = {n.attributes["id"]: normalise(n.inner_html or "")
               for n in tree.css("div.csl-entry")}
    return cites, entries


def check_against_pandoc(posts: list[str], sources: dict, style_name: str, tmp_path: Path,
                         shared: cite_shortcut.SharedShortcut | None = None,
                         language: str = "en"):
    style = citeproc.resolve_style(style_name)
    bib = tmp_path / "bib.json"
    bib.write_text(json.dumps([dict(v, id=k) for k, v in sources.items()]))
    ctx = RenderContext(sources=sources, style=style, shared=shared, language=language)
    ours = render_bodies([BodySource(f"post {i}", p) for i, p in enumerate(posts)], ctx)
    compared = 0
    for text, html in zip(posts, ours, strict=True):
        want_cites, want_entries = cites_and_entries(pandoc_render(text, bib, style, language))
        got_cites, got_entries = cites_and_entries(html)
        assert got_cites == want_cites, text[:200]
        # The same entries, in the same order.
        assert list(got_entries.items()) == list(want_entries.items()), text[:200]
        compared += len(want_cites)
    return compared


@pytest.mark.parametrize("style", ["chicago-author-date", "apa", "modern-language-association",
                                   "ieee"])
def test_edge_cases_match_pandoc(style, tmp_path):
    assert check_against_pandoc(EDGE_CASES, SOURCES, style, tmp_path) == 10


def test_same_author_same_year_is_disambiguated_per_post(tmp_path):
    # Doe 2001 is "2001a" only in a post that also cites another Doe 2001.
    posts = ["[@doe2001] and [@doe2001b].\n", "Only [@doe2001].\n"]
    check_against_pandoc(posts, SOURCES, "chicago-author-date", tmp_path)
    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"))
    first, second = render_bodies([BodySource("a", posts[0]), BodySource("b", posts[1])], ctx)
    assert "Doe 2001a" in first and "Doe 2001b" in first
    assert "(<a" in second and "Doe 2001)" in HTMLParser(second).text()


def test_demo_posts_match_pandoc(tmp_path):
    sources = read_bibtex(DEMO_CONTENT / "bibliography.bib")
    posts = [split(p.read_text(), p)[1] for p in sorted((DEMO_CONTENT / "posts").glob("*.md"))]
    assert check_against_pandoc(posts, sources, "chicago-author-date", tmp_path) > 20


def test_benchmark_corpus_posts_match_pandoc(tmp_path):
    """Posts from the benchmark corpus share 200 sources, so batching is really tested."""
    write_corpus(tmp_path / "c", 80, words=400)
    sources = read_bibtex(tmp_path / "c" / "bibliography.bib")
    files = sorted((tmp_path / "c" / "posts").glob("*.md"))
    posts = [split(p.read_text(), p)[1] for p in random.Random(4).sample(files, 60)]
    assert check_against_pandoc(posts, sources, "chicago-author-date", tmp_path) > 25
    # Most of these posts cite only sources that collide with no other, so they took the
    # shortcut (one Pandoc run, locator templates): the comparison above covered it.
    from masthead.render.engine import _prepare

    ctx = RenderContext(sources=sources, style=citeproc.resolve_style("chicago-author-date"))
    docs = [[p.clusters[n] for n in p.live] for p in (_prepare(BodySource("p", t), ctx)
                                                      for t in posts)]
    shortcut = cite_shortcut._Shortcut.plan(docs, sources, ctx.style, "en")
    assert shortcut is not None and len(shortcut.eligible) > 40
    # The others cite some colliding sources: only those clusters went to batches.
    assert shortcut.partial


def test_a_build_formats_clean_citations_once_and_still_matches_pandoc(tmp_path, monkeypatch):
    """A large build formats the clean sources' citations once for all its workers
    (SharedShortcut, started from every post's Markdown). The posts must come out as
    Pandoc makes them whether that run covers them, covers only some of them, or fails;
    only in the first case is nothing formatted twice."""
    write_corpus(tmp_path / "c", 80, words=400)
    sources = read_bibtex(tmp_path / "c" / "bibliography.bib")
    style = citeproc.resolve_style("chicago-author-date")
    everything = [split(p.read_text(), p)[1]
                  for p in sorted((tmp_path / "c" / "posts").glob("*.md"))]
    posts = random.Random(5).sample(everything, 40)
    retries = []
    real = citeproc.format_citations

    def counting(docs, *args, **kwargs):
        if kwargs.get("shortcut") is False:
            retries.append(sum(1 for d in docs if d))
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(citeproc, "format_citations", counting)

    def shared_from(texts: list[str], name: str) -> cite_shortcut.SharedShortcut:
        folder = tmp_path / name
        folder.mkdir()
        shared = cite_shortcut.SharedShortcut(folder)
        shared.start(texts, sources, style, "en")
        return shared

    covering = shared_from(everything, "all")  # a superset of what the posts cite
    assert check_against_pandoc(posts, sources, style.name, tmp_path, covering) > 25
    assert covering.result() is not None and retries == []
    covering.close()

    partial = shared_from(everything[:3], "some")  # lacks most of what the posts cite
    assert check_against_pandoc(posts, sources, style.name, tmp_path, partial) > 25
    assert retries and retries[-1] > 20
    partial.close()

    failed = cite_shortcut.SharedShortcut(tmp_path / "failed")
    (tmp_path / "failed").mkdir()
    (tmp_path / "failed" / "failed").touch()  # what start() leaves when Pandoc fails
    retries.clear()
    assert check_against_pandoc(posts, sources, style.name, tmp_path, failed) > 25
    assert retries and failed.result() is None


def test_posts_mixing_clean_and_colliding_sources_match_pandoc(tmp_path):
    """roe1999 and anon collide with nothing, the three Doe 2001 books with each other:
    the clean clusters of these posts take the shortcut, the Doe ones batches."""
    posts = [
        "Roe [@roe1999, p. 4], Doe [@doe2001, p. 7], Roe again [@roe1999, 9].\n",
        "Doe [@doe2001b, 3] and [@doe2001, 5]; the page [@anon]; Roe [@roe1999, p. 12].\n",
        "Only Roe [@roe1999, 2] and the page [see @anon].\n",
        "John Doe [@doe2001c, 8] with Roe [@roe1999, 8] and Jane [@doe2001].\n",
    ]
    assert check_against_pandoc(posts, SOURCES, "chicago-author-date", tmp_path) == 12
    from masthead.render.engine import _prepare

    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"))
    docs = [[p.clusters[n] for n in p.live] for p in (_prepare(BodySource("p", t), ctx)
                                                      for t in posts)]
    shortcut = cite_shortcut._Shortcut.plan(docs, SOURCES, ctx.style, "en")
    assert shortcut is not None
    assert shortcut.eligible == {2} and set(shortcut.partial) == {0, 1, 3}


def test_a_source_cited_only_beside_colliding_ones_still_matches_pandoc(tmp_path):
    """The first post cites a colliding Doe 2001 and, in a note, the clean page: the
    clean cluster takes the shortcut, whose run must know that source although no post
    citing clean sources alone cites it."""
    posts = ["Doe [@doe2001, 7] says so.[^1]\n\n[^1]: See the page [@anon].\n",
             "Roe [@roe1999, 4].\n"]
    assert check_against_pandoc(posts, SOURCES, "chicago-author-date", tmp_path) == 3


def test_a_note_style_turns_citations_into_footnotes():
    ctx = RenderContext(sources=SOURCES,
                        style=citeproc.resolve_style("chicago-notes-bibliography"))
    html = render_bodies([BodySource("p", "Text [@doe2001, 12] and more [@roe1999].[^1]\n\n"
                                          "[^1]: A note citing [@anon].\n")], ctx)[0]
    tree = HTMLParser(html)
    # The punctuation comes before the note mark, as Pandoc puts it.
    assert "and more.<a" in html.replace("\n", "")
    notes = [li.text().strip() for li in tree.css("section.footnotes li")]
    assert notes[0].startswith("Jane Doe, First Book (Pub, 2001), 12.")
    assert notes[1].startswith("Rita Roe et al.")
    # A citation inside the writer's own footnote stays in that note's text.
    assert notes[2].startswith("A note citing “A Page Without Author,”")
    assert len(notes) == 3
    assert [e.attributes["id"] for e in tree.css(".csl-entry")] == [
        "ref-anon", "ref-doe2001", "ref-roe1999"]


# Sources that collide with nothing (no family name shared, whatever the year), so every
# citation of them takes the shortcut; an anonymous page and a corporate author too.
CLEAN = {
    "ash1987": {"type": "book", "title": "Rivers", "publisher": "Pub",
                "author": [{"family": "Ash", "given": "Ada"}], "issued": {"date-parts": [[1987]]}},
    "birch2003": {"type": "article-journal", "title": "Locks and Weirs", "page": "201-230",
                  "container-title": "Canal Review", "volume": "12",
                  "author": [{"family": "Birch", "given": "Ben"}, {"family": "Cole", "given": "C."}],
                  "issued": {"date-parts": [[2003]]}},
    "dunn1950": {"type": "chapter", "title": "Ferries", "container-title": "Water Ways",
                 "editor": [{"family": "Eyre", "given": "E."}], "publisher": "Pub",
                 "author": [{"family": "Dunn", "given": "Dora"}, {"family": "Finch", "given": "F."},
                            {"family": "Gale", "given": "G."}],
                 "page": "33-58", "issued": {"date-parts": [[1950]]}},
    "commission2011": {"type": "report", "title": "Inland Waterways",
                       "author": [{"literal": "Commission on Inland Waterways"}],
                       "issued": {"date-parts": [[2011]]}},
    "page2020": {"type": "webpage", "title": "A Page Without Author",
                 "URL": "https://example.org/p", "issued": {"date-parts": [[2020, 5, 1]]}},
}

# Every form the shortcut fills in from shapes, with pages that differ between posts.
EVERY_FORM = [
    "Plain [@ash1987, p. 12], bare [@birch2003], no label [@dunn1950, 7]. As @ash1987 [p. 40] "
    "puts it, and @birch2003 [9] too; @dunn1950 alone.\n",
    "Ash argues [-@ash1987, 15] and [-@birch2003, p. 3]. See [see @ash1987, pp. 321--328; "
    "@birch2003] and [cf. @dunn1950, chap. 4].[^1]\n\n[^1]: Compare [see @birch2003, pp. 33--35;"
    " @commission2011] and [@page2020, sec. 3--4].\n",
    "> A quotation.\n>\n> — Ada Ash, [-@ash1987, p. 118]\n\nThree at once [@ash1987, p. 2; "
    "@dunn1950, pp. 1496--1504; see also @page2020]. A note [@commission2011, n. 4] and a "
    "range written short [@birch2003, pp. 101--8] or with one hyphen [@dunn1950, pp. 45-49].\n",
    "Again [@ash1987, p. 99], [@birch2003, 230], [-@dunn1950, 41], @commission2011 [p. 6], "
    "[see @dunn1950, pp. 1100--1113; @ash1987], [cf. @birch2003, chap. 11], "
    "[@commission2011; @ash1987, p. 5], [-@ash1987, 3; @birch2003], [@birch2003; -@dunn1950].\n",
]


def _no_retries(monkeypatch) -> list[int]:
    """Posts that the shortcut could not fill in and formatted the ordinary way."""
    retries: list[int] = []
    real = citeproc.format_citations

    def counting(docs, *args, **kwargs):
        if kwargs.get("shortcut") is False:
            retries.append(sum(1 for d in docs if d))
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(citeproc, "format_citations", counting)
    return retries


@pytest.mark.parametrize("style", ["chicago-author-date", "apa", "harvard-cite-them-right",
                                   "american-sociological-association"])
def test_every_form_of_a_clean_citation_takes_the_shortcut_and_matches_pandoc(
        style, tmp_path, monkeypatch):
    """Locators with every label, ranges, a suppressed author, author-in-text, prefixes,
    clusters of two and three sources, in notes and quotation captions: each as Pandoc
    makes it of the post alone, and none formatted a second time."""
    retries = _no_retries(monkeypatch)
    assert check_against_pandoc(EVERY_FORM, CLEAN, style, tmp_path) == 26
    assert retries == []


def test_the_shortcut_formats_a_source_once_per_form_whatever_the_pages(tmp_path):
    """The build's shared run gets one shape per source and form, not one text per page:
    [@a, p. 12] and [@a, p. 40] are one shape, and a cluster of sources is made of its
    items' shapes in a style that keeps the writer's order."""
    posts = [f"[@ash1987, p. {n}] [-@birch2003, {n}] @dunn1950 [p. {n}] "
             f"[see @ash1987, pp. {n}--{n + 3}; @birch2003] [cf. @page2020, chap. {n}]\n"
             for n in range(1, 41)]
    style = citeproc.resolve_style("chicago-author-date")
    (tmp_path / "run").mkdir()
    shared = cite_shortcut.SharedShortcut(tmp_path / "run")
    shared.start(posts, CLEAN, style, "en")
    try:
        layout = json.loads((tmp_path / "run" / "layout.json").read_text())
        assert sorted(layout["shapes"]) == [
            "@dunn1950 [p. 999991]", "[-@birch2003, 999991]", "[@ash1987, p. 999991]",
            "[@birch2003]", "[cf. @page2020, chap. 999991]", "[see @ash1987, pp. 100--999991]"]
        assert check_against_pandoc(posts[::8], CLEAN, style.name, tmp_path, shared) == 25
    finally:
        shared.close()


def test_clusters_whose_sources_share_a_name_are_not_joined_from_items():
    """Two works of one author (different years, so both clean) collapse into
    "(Doe 2001, 2005)" in chicago-author-date: such a cluster keeps its own shape."""
    sources = {"doe2001": SOURCES["doe2001"],
               "doe2005": dict(SOURCES["doe2001b"], issued={"date-parts": [[2005]]})}
    facts = cite_shapes.style_facts(citeproc.resolve_style("chicago-author-date"))
    names = cite_shortcut._Names(sources)
    pieces, joined = cite_shapes.plan_cluster("[@doe2001, p. 3; @doe2005]",
                                              ["doe2001", "doe2005"], facts, names, "en")
    assert not joined and [p.shape for p in pieces] == ["[@doe2001, p. 999991; @doe2005]"]
    apa = cite_shapes.style_facts(citeproc.resolve_style("apa"))  # sorts within a cluster
    pieces, joined = cite_shapes.plan_cluster("[@ash1987; @birch2003]", ["ash1987", "birch2003"],
                                              apa, cite_shortcut._Names(CLEAN), "en")
    assert not joined


def test_a_cluster_not_joined_from_its_items_is_formatted_whole_and_matches_pandoc(
        tmp_path, monkeypatch):
    """An item starting with a quotation mark could meet citeproc's punctuation rules at
    the delimiter: that post is formatted the ordinary way, the others still take the
    shortcut. (A title standing for the author is not joined at all: two short titles
    may be one, and citeproc would group them.)"""
    retries = _no_retries(monkeypatch)
    quoted = dict(CLEAN, quoted={"type": "book", "title": "Book", "publisher": "Pub",
                                 "author": [{"literal": "“Quoted” Society"}],
                                 "issued": {"date-parts": [[1990]]}})
    posts = ["[@quoted; @ash1987, p. 5]\n", "[@ash1987, p. 7] [see @birch2003; @ash1987]\n",
             "[@page2020; @ash1987, p. 9]\n"]
    assert check_against_pandoc(posts, quoted, "chicago-author-date", tmp_path) == 4
    assert retries == [1]
    names = cite_shortcut._Names(CLEAN)
    facts = cite_shapes.style_facts(citeproc.resolve_style("chicago-author-date"))
    assert not cite_shapes.plan_cluster("[@page2020; @ash1987]", ["page2020", "ash1987"],
                                        facts, names, "en")[1]


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_site_in_another_language_gets_pandoc_s_reading_of_its_labels(
        language, tmp_path, monkeypatch):
    """Pandoc reads locator labels in the site's language: in German "pp." is text and
    its range is printed as written, while a range without a label is still a page
    range (and in French joined by a non-breaking hyphen)."""
    retries = _no_retries(monkeypatch)
    posts = ["[@ash1987, pp. 321--328] [@birch2003, 321--328] [@dunn1950, chap. 3--4]\n",
             "@ash1987 [p. 12] [-@ash1987, 3; @birch2003] [@birch2003, pp. 7] [@ash1987]\n"]
    assert check_against_pandoc(posts, CLEAN, "chicago-author-date", tmp_path,
                                language=language) == 7
    assert retries == []


def test_a_style_that_shortens_repeated_names_sees_each_post_alone(tmp_path):
    """ASA names three authors in full the first time, "et al." after: a post's first
    citation must not count as a repeat of another post's, in a batch or the shortcut."""
    three = dict(CLEAN, doe2001=SOURCES["doe2001"], doe2001b=SOURCES["doe2001b"])
    posts = ["[@dunn1950] [@doe2001]\n", "[@dunn1950, 4] [@doe2001b]\n", "[@dunn1950, 5]\n",
             "[@dunn1950, 6] [@ash1987]\n"]
    assert check_against_pandoc(posts, three, "american-sociological-association",
                                tmp_path) == 7


RANGES = ["1--9", "12--19", "42--45", "99--104", "100--104", "101--108", "107--113",
          "321--328", "321--28", "498--532", "1087--1089", "1100--1113", "1496--1504",
          "1503--1509", "2787--2816", "11564--11568", "12345--12399", "5-7", "109--9"]


@pytest.mark.parametrize("fmt", ["expanded", "minimal", "minimal-two", "chicago",
                                 "chicago-16", None])
def test_page_ranges_are_shortened_as_pandoc_shortens_them(fmt, tmp_path, monkeypatch):
    """A range's digits are put back as the style's page-range-format says, in every
    format CSL has (and none); a chapter range is never shortened."""
    default = subprocess.run([citeproc.pandoc_path(), "--print-default-data-file",
                              "default.csl"], capture_output=True, text=True, check=True).stdout
    csl = re.sub(r' page-range-format="[^"]*"',
                 f' page-range-format="{fmt}"' if fmt else "", default, count=1)
    (tmp_path / "style.csl").write_text(csl)
    style = str(tmp_path / "style.csl")
    assert cite_shapes.style_facts(citeproc.resolve_style(style)).page_range_format == (
        {"chicago": "chicago-15"}.get(fmt, fmt))
    posts = [" ".join(f"[@ash1987, pp. {r}] [see @birch2003, pp. {r}; @commission2011]"
                      f" [@dunn1950, chap. {r}]" for r in RANGES[i::3]) + "\n"
             for i in range(3)]
    retries = _no_retries(monkeypatch)
    assert check_against_pandoc(posts, CLEAN, style, tmp_path) == 3 * len(RANGES)
    assert retries == []
