"""Titles keep their capitals and publishers stay whole, in the styles writers pick.

BibTeX writes titles in title case with braces around what must keep its capitals;
sentence-case styles (APA) must print "Letters on the English nation", title-case
styles (Chicago, MLA) "Letters on the English Nation", and the studio's Sources page the
title as the writer wrote it. A BibTeX publisher "Parker and Son" is one publisher.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from masthead.importers.sources import read_bibtex
from tests.conftest import make_site, run_masthead, serving
from tests.content.test_citations_match_pandoc import check_against_pandoc
from tests.studio.conftest import PASSWORD, StudioSession, add_accounts, email

BIB = """\
@book{voltaire1733,
  author = {Voltaire},
  title = {Letters on the {English} Nation},
  publisher = {Parker and Son},
  address = {London},
  year = {1733}
}
@book{hill1887,
  author = {Hill, George Birkbeck},
  title = {Why I Read the Life of Johnson, LL.D. and the U.S. Editions},
  publisher = {Clarendon Press},
  year = {1887}
}
"""

POST = """\
---
title: On Voltaire
slug: on-voltaire
date: 2025-03-01T09:00:00+00:00
---

Voltaire admired the English [@voltaire1733, 12]; Hill read Boswell [@hill1887].
"""


def entries(public: Path) -> dict[str, str]:
    """Every bibliography entry of the built site, by key, as a reader reads it."""
    found = {}
    for page in public.rglob("index.html"):
        for node in HTMLParser(page.read_text(encoding="utf-8")).css("div.csl-entry"):
            found[node.attributes["id"].removeprefix("ref-")] = " ".join(
                node.text(separator="").split())
    return found


@pytest.fixture
def voltaire(tmp_path) -> Path:
    """A site whose one post cites a BibTeX book, imported and built as a writer would."""
    site = make_site(tmp_path, url="http://127.0.0.1/")
    (tmp_path / "voltaire.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "on-voltaire.md").write_text(POST, encoding="utf-8")
    run_masthead("import", "bibtex", tmp_path / "voltaire.bib", site=site)
    run_masthead("import", "markdown", tmp_path / "posts", site=site)
    return site


def build_in(site: Path, style: str) -> dict[str, str]:
    run_masthead("settings", "citation_style", style, site=site)
    run_masthead("build", site=site)
    return entries(site / "public")


def test_apa_keeps_braced_capitals_and_one_publisher_named_with_and(voltaire):
    entry = build_in(voltaire, "apa")["voltaire1733"]
    assert entry == "Voltaire. (1733). Letters on the English nation. Parker and Son."


def test_apa_keeps_the_pronoun_i_and_initialisms_without_braces(voltaire):
    assert build_in(voltaire, "apa")["hill1887"] == (
        "Hill, G. B. (1887). Why I read the life of johnson, LL.D. and the U.S. editions. "
        "Clarendon Press.")


def test_chicago_and_mla_print_the_title_in_title_case(voltaire):
    assert build_in(voltaire, "chicago-author-date")["voltaire1733"] == (
        "Voltaire. 1733. Letters on the English Nation. Parker and Son.")
    assert build_in(voltaire, "modern-language-association")["voltaire1733"] == (
        "Voltaire. Letters on the English Nation. Parker and Son, 1733.")


@pytest.mark.parametrize("style", ["apa", "chicago-author-date",
                                   "modern-language-association"])
def test_the_imported_source_renders_as_pandoc_renders_it(style, tmp_path):
    bib = tmp_path / "voltaire.bib"
    bib.write_text(BIB, encoding="utf-8")
    sources = read_bibtex(bib)
    assert check_against_pandoc([POST.split("---\n", 2)[2]], sources, style, tmp_path) == 2


def test_the_sources_page_shows_the_title_as_written(voltaire):
    add_accounts(voltaire)
    with serving(voltaire, worker=False) as url:
        s = StudioSession(httpx.Client(base_url=url, timeout=30))
        s.login(email("author"), PASSWORD)
        page = s.get("/studio/sources/")
    rows = [" ".join(r.text(separator=" ").split()) for r in HTMLParser(page.text).css("tbody tr")]
    assert rows == [
        "@hill1887 Hill 1887: Why I Read the Life of Johnson, LL.D. and the U.S. Editions",
        "@voltaire1733 Voltaire 1733: Letters on the English Nation"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo-styles") / "site"
    run_masthead("demo", root, "--no-serve")
    return root


# Known entries of the demo's bibliography, as each style must print them.
DEMO_ENTRIES = {
    "apa": {
        "orwell1946politics": "Orwell, G. (1946a). Politics and the English language. "
                              "Horizon, 13(76), 252–265.",
        "orwell1946why": "Orwell, G. (1946b). Why I write. Gangrel, (4).",
        "boswell1791": "Boswell, J. (1791). The life of Samuel Johnson, LL.D. Charles Dilly.",
        "mill1859": "Mill, J. S. (1859). On liberty. John W. Parker and Son.",
        "paine1776": "Paine, T. (1776). The American crisis. Styner and Cist.",
    },
    "chicago-author-date": {
        "thoreau1854": "Thoreau, Henry David. 1854. Walden; or, Life in the Woods. "
                       "Ticknor and Fields.",
        "emerson1841": "Emerson, Ralph Waldo. 1841. Essays: First Series. "
                       "James Munroe and Company.",
        "boswell1791": "Boswell, James. 1791. The Life of Samuel Johnson, LL.D. Charles Dilly.",
    },
    "modern-language-association": {
        "orwell1946politics": "Orwell, George. “Politics and the English Language.” Horizon, "
                              "vol. 13, no. 76, 1946, pp. 252–65.",
        "ruskin1865": "Ruskin, John. Sesame and Lilies. Smith, Elder and Co., 1865.",
        "paine1776": "Paine, Thomas. The American Crisis. Styner and Cist, 1776.",
    },
}


@pytest.mark.parametrize("style", list(DEMO_ENTRIES))
def test_the_demo_bibliography_has_its_titles_and_publishers_right(demo, style):
    got = build_in(demo, style)
    for key, entry in DEMO_ENTRIES[style].items():
        assert got[key] == entry
