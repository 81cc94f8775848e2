"""The search index's segments: a base split across cores, deltas, deletions, rebuilds.

Queried with search_index.Reader, which does what search.js does in the browser.
"""

from __future__ import annotations

import json

import pytest

from masthead.sitegen import search_index
from masthead.sitegen.search_index import Doc, Reader


def make_docs(n: int, version: str = "1", words: dict[int, str] | None = None) -> list[Doc]:
    words = words or {}
    return [Doc(i, f"{i}-{version}", f"/p/{i}/", f"Post {i}", "2024-01-01",
                words.get(i, f"common word{i}")) for i in range(n)]


def terms_for(docs: list[Doc]):
    text = {d.post_id: d.excerpt for d in docs}
    return lambda ids: {i: json.dumps({t: 1 for t in search_index.terms(text[i])}) for i in ids}




@pytest.fixture
def small_segments(monkeypatch):
    # Split the base into segments even for a handful of documents.
    monkeypatch.setattr(search_index, "SEGMENT_MIN_DOCS", 2)
    monkeypatch.setattr(search_index, "CHUNK", 3)
    monkeypatch.setattr(search_index, "DELTA_MIN", 2)


def test_a_base_split_into_segments_answers_like_one(tmp_path, small_segments, monkeypatch):
    monkeypatch.setattr(search_index, "SEGMENT_MAX_DOCS", 4)  # more segments than cores
    docs = make_docs(9)
    search_index.update(docs, None, terms_for(docs), tmp_path, full=True)
    meta = json.loads((tmp_path / "search/meta.json").read_text())
    assert len(meta["segments"]) == 3
    reader = Reader(tmp_path)
    assert reader.search("word7") == ["/p/7/"]
    assert set(reader.search("common", limit=100)) == {f"/p/{i}/" for i in range(9)}


def test_edits_go_to_a_delta_and_hide_the_old_version(tmp_path, small_segments):
    docs = make_docs(30)
    first = search_index.update(docs, None, terms_for(docs), tmp_path, full=True)
    edited = make_docs(29, words={3: "rivers flow"})  # post 3 edited, post 29 removed
    edited[3] = Doc(3, "3-2", "/p/3/", "Post 3", "2024-01-01", "rivers flow")
    again = search_index.update(edited, first.state, terms_for(edited), tmp_path, full=False)
    assert not any("/" + name in "".join(again.written) for name in
                   (s["name"] for s in first.state["base"]))  # the base is not rewritten
    reader = Reader(tmp_path)
    assert reader.search("rivers") == ["/p/3/"]
    assert reader.search("word3") == []  # the old version is gone
    assert reader.search("word29") == []  # so is the removed post
    assert reader.meta["docs"] == 29
    # Nothing changed since: nothing to write.
    assert search_index.update(edited, again.state, terms_for(edited), tmp_path,
                               full=False) is None


def test_a_large_delta_triggers_a_new_base(tmp_path, small_segments):
    docs = make_docs(20)
    first = search_index.update(docs, None, terms_for(docs), tmp_path, full=True)
    changed = [Doc(d.post_id, d.signature + "x", d.path, d.title, d.date, d.excerpt)
               for d in docs]
    again = search_index.update(changed, first.state, terms_for(changed), tmp_path,
                                full=False)
    assert again.state["delta"] is None and again.state["deleted"] == []


def test_words_are_the_runs_of_word_characters_whatever_the_text():
    """The index's tokens are \\w+ runs, as search.js finds them in queries; ASCII text
    takes a faster path that must find exactly the same."""
    import re
    import string

    from masthead.sitegen.search_index import fold, words

    samples = [string.printable, "a_b c-d e.f 3.14 x\ty\nz", "end.", "", "___", "\x00a\x7fb",
               "naïve café – “quoted” words", "日本語のテキスト and text", "ﬁne ﬂow"]
    rng = __import__("random").Random(7)
    samples += ["".join(rng.choice(string.printable) for _ in range(200)) for _ in range(200)]
    for text in samples:
        assert words(fold(text)) == re.findall(r"\w+", fold(text)), text
