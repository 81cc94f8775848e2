"""Formatted citations are reused between builds, and only while nothing they depend on
has changed: the clusters, the cited sources, the style, the language."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from masthead.render import citeproc
from masthead.render.citecache import CitationCache
from masthead.render.engine import BodySource, RenderContext, render_bodies
from tests.content.test_citations_match_pandoc import SOURCES

POST = "Prose [see @doe2001, p. 3].\n\nMore prose, citing @roe1999 [ch. 2].[^n]\n\n[^n]: And [@anon].\n"


@pytest.fixture
def pandoc_runs(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = citeproc._run_pandoc

    def counting(text, folder):
        runs.append(1)
        return real(text, folder)

    monkeypatch.setattr(citeproc, "_run_pandoc", counting)
    return runs


def render(ctx: RenderContext, text: str) -> str:
    return render_bodies([BodySource("post", text)], ctx)[0]


def test_editing_prose_around_unchanged_citations_needs_no_pandoc_run(tmp_path, pandoc_runs):
    plain = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"))
    cached = replace(plain, cache=CitationCache(tmp_path / "citations.sqlite"))
    first = render(cached, POST)
    assert len(pandoc_runs) == 1
    edited = POST.replace("More prose", "Rewritten prose")
    again = render(cached, edited)
    assert len(pandoc_runs) == 1
    assert again == render(plain, edited)  # the same HTML as without a cache
    assert first.split('id="bibliography"')[1] == again.split('id="bibliography"')[1]


@pytest.mark.parametrize("change", ["source", "style", "locator", "language", "note"])
def test_a_change_that_affects_citations_formats_them_again(tmp_path, pandoc_runs, change):
    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"),
                        cache=CitationCache(tmp_path / "citations.sqlite"))
    render(ctx, POST)
    text = POST
    if change == "source":
        sources = copy.deepcopy(SOURCES)
        sources["doe2001"]["title"] = "A Retitled Book"
        ctx = replace(ctx, sources=sources)
    elif change == "style":
        ctx = replace(ctx, style=citeproc.resolve_style("apa"))
    elif change == "locator":
        text = POST.replace("p. 3", "p. 4")
    elif change == "language":
        ctx = replace(ctx, language="fr")
    elif change == "note":  # the same citation moved into a footnote
        text = POST.replace("[^n]: And [@anon].", "[^n]: And [see @doe2001, p. 3].")
    html = render(ctx, text)
    assert len(pandoc_runs) == 2
    assert html == render(replace(ctx, cache=None), text)
    if change == "source":
        assert "A Retitled Book" in html


def test_a_cleared_cache_formats_everything_again(tmp_path, pandoc_runs):
    cache = CitationCache(tmp_path / "citations.sqlite")
    ctx = RenderContext(sources=SOURCES, style=citeproc.resolve_style("chicago-author-date"),
                        cache=cache)
    render(ctx, POST)
    cache.clear()
    render(ctx, POST)
    assert len(pandoc_runs) == 2
