"""A static search index the browser queries: no server, small downloads, cheap updates.

Like Pagefind, a reader downloads only what a query needs: a shard of terms (chosen by
the term's first two characters) and the descriptions of the hits shown. Unlike
Pagefind's CLI, an edit does not rebuild the index: documents live in *segments*, as in
Lucene. The base segment is written by a full rebuild and never changed; later changes go
to a small delta segment, rewritten each build, and the base copies they replace are
listed as deleted. When the delta grows past a tenth of the site, the base is rebuilt.

Layout under public/search/::

    meta.json              {"version", "chunk", "prefix", "segments": [{"name", "first",
                            "count"}], "deleted": [doc...], "docs": live documents}
    <segment>/t/<hex>.json {"term": [doc, weight, doc, weight, ...]}  (hex of the prefix)
    <segment>/d/<n>.json   [[path, title, date, excerpt], ...]  (its docs, CHUNK a file)

Weights are BM25's term-frequency part against a fixed average length, so a document's
postings never depend on other documents; the browser adds the idf. :class:`Reader`
is the reference query implementation (search.js does the same in the browser).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from masthead.render import markdown
from masthead.sitegen.files import write_files

VERSION = 4
PREFIX = 2
CHUNK = 100
AVGLEN = 1000.0
K1, B = 1.2, 0.75
TITLE_BOOST = 3
DELTA_SHARE = 0.1  # rebuild the base when the delta holds more than this share of docs
DELTA_MIN = 200  # ...or more documents than this
SEGMENT_MIN_DOCS = 400  # a base is split across cores only above this many docs each
SEGMENT_MAX_DOCS = 5_000  # ...and into more segments than cores above this many
_WORD_RE = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase and strip accents, the same way search.js does for queries."""
    text = text.lower()
    if text.isascii():
        return text
    # Only non-ASCII characters can be combining marks: look at those alone (a loop
    # over every character was a third of the cost of rendering a body).
    return _NON_ASCII_RE.sub(_drop_combining, unicodedata.normalize("NFKD", text))


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(m: re.Match[str]) -> str:
    return "".join(c for c in m.group() if not unicodedata.combining(c))


# ASCII characters that are not word characters (\w), as spaces.
_NOT_WORD = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")}


def words(folded: str) -> list[str]:
    r"""The runs of word characters (\w+): for ASCII text, by translate and split, twice
    as fast as the regular expression (a sixth of the time of rendering a body)."""
    if folded.isascii():
        return folded.translate(_NOT_WORD).split()
    return _WORD_RE.findall(folded)


def terms(text: str) -> list[str]:
    return [t for t in words(fold(text)) if len(t) <= 40]


def body_terms(body_html: str) -> str:
    """A body's term counts as JSON, stored with the post."""
    body = body_html.split('<section id="bibliography"', 1)[0]
    counts = Counter(words(fold(markdown.plain_text(body))))
    for term in [t for t in counts if len(t) > 40]:
        del counts[term]
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))


def weight(tf: int, length: int) -> int:
    return max(1, round(100 * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / AVGLEN))))


def shard_name(term: str) -> str:
    return term[:PREFIX].encode("utf-8").hex()


class Doc(NamedTuple):
    post_id: int
    signature: str  # changes when anything indexed or shown changes (PostView.search_key)
    path: str
    title: str
    date: str
    excerpt: str


def _segment(docs: Sequence[Doc], first: int, stored: dict[int, str],
             out: Path | None = None) -> tuple[str, dict]:
    """One segment's files: returned as {relative path: bytes}, or, given ``out``,
    written under out/search/<name>/ as they are made and returned as {path: b""}."""
    # Postings as arrays of 32-bit numbers: a tenth of the memory of lists of ints. This
    # loop runs once per term of every document (millions of times): it is kept bare,
    # and terms are sorted into shards only afterwards, once each.
    postings_of: dict[str, array] = {}
    for n, doc in enumerate(docs, first):
        counts: dict[str, int] = json.loads(stored.get(doc.post_id) or "{}")
        for t in terms(doc.title):
            counts[t] = counts.get(t, 0) + TITLE_BOOST
        length = sum(counts.values())
        weights: dict[int, int] = {}  # most terms occur once or twice: compute once
        for term, tf in counts.items():
            w = weights.get(tf)
            if w is None:
                w = weights[tf] = weight(tf, length)
            postings = postings_of.get(term)
            if postings is None:
                postings = postings_of[term] = array("I")
            postings.append(n)
            postings.append(w)
    del stored
    shards: dict[str, dict[str, array]] = {}
    for term, postings in postings_of.items():
        shard = shards.get(term[:PREFIX])
        if shard is None:
            shard = shards[term[:PREFIX]] = {}
        shard[term] = postings
    del postings_of
    files: dict[str, bytes] = {}
    hashes: dict[str, bytes] = {}
    # The segment's name is a hash of its content, known only at the end: write into a
    # temporary folder and rename it.
    tmp = out / "search" / f".new-{first}-{id(docs)}" if out is not None else None

    def emit(rel: str, data: bytes) -> None:
        hashes[rel] = hashlib.sha256(data).digest()
        if tmp is None:
            files[rel] = data
        else:
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[rel] = b""

    for prefix in list(shards):
        shard = shards.pop(prefix)
        emit(f"t/{shard_name(prefix)}.json", json.dumps(
            {t: p.tolist() for t, p in shard.items()}, ensure_ascii=False,
            separators=(",", ":")).encode())
    for c in range(math.ceil(len(docs) / CHUNK)):
        emit(f"d/{c}.json", json.dumps(
            [[d.path, d.title, d.date, d.excerpt] for d in docs[c * CHUNK : (c + 1) * CHUNK]],
            ensure_ascii=False, separators=(",", ":")).encode())
    digest = hashlib.sha256()
    for rel in sorted(hashes):
        digest.update(rel.encode() + b"\0" + hashes[rel])
    name = "s" + digest.hexdigest()[:12]
    if tmp is not None:
        final = out / "search" / name
        if final.exists():  # the same content, already there (its name is its hash)
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, final)
    return name, files


@dataclass
class Update:
    written: list[str]  # files written into the output folder, relative to it
    owned: list[str]  # every file the index now consists of
    state: dict  # remembered for the next build


def update(docs: Sequence[Doc], previous: dict | None,
           load_terms: Callable[[Iterable[int]], dict[int, str]], out: Path, *,
           full: bool) -> Update | None:
    """Write the index for these documents into ``out``, reusing the previous base
    where it can. Returns None when nothing changed since ``previous``.
    """
    previous = previous if previous and previous.get("version") == VERSION else None
    if full or previous is None:
        return _rebuild(docs, load_terms, out)
    base = {pid: (n, sig) for n, (pid, sig) in enumerate(previous["base_docs"])}
    deleted: set[int] = set()
    delta: list[Doc] = []
    seen: set[int] = set()
    for doc in docs:
        seen.add(doc.post_id)
        if doc.post_id in base:
            n, sig = base[doc.post_id]
            if sig == doc.signature:
                continue
            deleted.add(n)
        delta.append(doc)
    deleted |= {n for pid, (n, _) in base.items() if pid not in seen}
    if len(delta) > max(DELTA_MIN, DELTA_SHARE * len(docs)) or len(deleted) > len(base) / 4:
        return _rebuild(docs, load_terms, out)
    delta_docs = [[d.post_id, d.signature] for d in delta]
    if delta_docs == previous["delta_docs"] and sorted(deleted) == previous["deleted"]:
        return None
    first = len(previous["base_docs"])
    files: dict[str, bytes] = {}
    segments = list(previous["base"])
    delta_name = None
    if delta:
        delta_name, seg_files = _segment(delta, first, load_terms(d.post_id for d in delta))
        segments.append({"name": delta_name, "first": first, "count": len(delta)})
        files.update({f"search/{delta_name}/{rel}": data for rel, data in seg_files.items()})
    files["search/meta.json"] = _meta(segments, sorted(deleted), len(docs))
    written = write_files(out, files)
    owned = sorted({*previous["base_files"], *written})
    state = dict(previous, delta=delta_name, delta_docs=delta_docs, deleted=sorted(deleted))
    return Update(written, owned, state)


def _rebuild(docs: Sequence[Doc], load_terms, out: Path) -> Update:
    from masthead.sitegen import parallel

    rebuild = Rebuild.plan(docs, load_terms, out)
    return rebuild.finish(parallel.map_chunks(rebuild.part, rebuild.bounds))


@dataclass
class Rebuild:
    """A new base, in parts: segments of at most SEGMENT_MAX_DOCS documents, each
    written by the worker that built it (memory stays bounded). A full build runs the
    parts in the same worker pool as its pages (see :mod:`masthead.sitegen.pipeline`), so
    neither waits for the other's last task."""

    docs: Sequence[Doc]
    load_terms: Callable[[Iterable[int]], dict[int, str]]
    out: Path
    bounds: list[tuple[int, int]]

    @classmethod
    def plan(cls, docs: Sequence[Doc], load_terms: Callable[[Iterable[int]], dict[int, str]],
             out: Path) -> Rebuild:
        from masthead.sitegen import parallel

        parts = max(1, min(parallel.workers(), len(docs) // SEGMENT_MIN_DOCS))
        parts = max(parts, -(-len(docs) // SEGMENT_MAX_DOCS))
        size = -(-len(docs) // parts) if docs else 1
        bounds = [(start, min(start + size, len(docs))) for start in range(0, len(docs), size)]
        return cls(docs, load_terms, out, bounds)

    def part(self, bound: tuple[int, int]) -> tuple[int, str, list[str]]:
        """Build and write one segment (in a worker): (first doc, name, files)."""
        part = self.docs[bound[0] : bound[1]]
        name, files = _segment(part, bound[0], self.load_terms(d.post_id for d in part),
                               self.out)
        return bound[0], name, [f"search/{name}/{rel}" for rel in files]

    def finish(self, built: Iterable[tuple[int, str, list[str]]]) -> Update:
        """Write meta.json over the segments the parts built, in any order."""
        segments, base_files = [], []
        for (first, name, written), (start, end) in zip(sorted(built), self.bounds,
                                                         strict=True):
            base_files += written
            segments.append({"name": name, "first": first, "count": end - start})
        meta = write_files(self.out, {"search/meta.json": _meta(segments, [], len(self.docs))})
        state = {"version": VERSION, "base": segments, "base_files": sorted(base_files),
                 "base_docs": [[d.post_id, d.signature] for d in self.docs],
                 "delta": None, "delta_docs": [], "deleted": []}
        return Update(sorted(base_files) + meta, sorted(base_files) + meta, state)


def _meta(segments: list[dict], deleted: list[int], live: int) -> bytes:
    return json.dumps({"version": VERSION, "chunk": CHUNK, "prefix": PREFIX,
                       "segments": segments, "deleted": deleted, "docs": live},
                      separators=(",", ":")).encode()


class Reader:
    """Query a built index from disk, exactly as search.js does in the browser."""

    def __init__(self, public: Path):
        self.root = public / "search"
        self.meta = json.loads((self.root / "meta.json").read_text())
        self.deleted = set(self.meta["deleted"])

    def _json(self, rel: str):
        path = self.root / rel
        return json.loads(path.read_text()) if path.exists() else None

    def postings(self, term: str, is_prefix: bool) -> dict[int, float]:
        out: dict[int, float] = {}
        for seg in self.meta["segments"]:
            shard = self._json(f"{seg['name']}/t/{shard_name(term)}.json") or {}
            for t, flat in shard.items():
                if t == term or (is_prefix and len(term) >= 2 and t.startswith(term)):
                    factor = 1 if t == term else 0.6
                    for i in range(0, len(flat), 2):
                        if flat[i] not in self.deleted:
                            out[flat[i]] = max(out.get(flat[i], 0), flat[i + 1] * factor)
        return out

    def search(self, query: str, limit: int = 20) -> list[str]:
        words = terms(query)
        scores: dict[int, float] = {}
        hits: Counter[int] = Counter()
        n = self.meta["docs"]
        for i, word in enumerate(words):
            p = self.postings(word, i == len(words) - 1)
            idf = math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            for doc, w in p.items():
                scores[doc] = scores.get(doc, 0) + idf * w / 100
                hits[doc] += 1
        ranked = sorted(scores.items(), key=lambda e: (-round(e[1], 9), e[0]))
        every = [e for e in ranked if hits[e[0]] == len(words)]
        return [self.describe(doc)[0] for doc, _ in (every or ranked)[:limit]]

    def describe(self, doc: int) -> list:
        for seg in self.meta["segments"]:
            if seg["first"] <= doc < seg["first"] + seg["count"]:
                k = doc - seg["first"]
                return self._json(f"{seg['name']}/d/{k // CHUNK}.json")[k % CHUNK]
        raise KeyError(doc)
