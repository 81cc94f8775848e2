"""A static search index the browser queries: no server, small downloads.

Like Pagefind, a reader downloads only what a query needs: a shard of terms (chosen by
the term's first two characters) and the descriptions of the hits shown. Layout under
public/search/::

    meta.json                 {"version", "docs", "segments": [...], "chunk", "avglen"}
    <segment>/t/<hex>.json    {"term": [doc, weight, doc, weight, ...]}  (hex of the prefix)
    <segment>/d/<n>.json      [[path, title, date, excerpt], ...]  (docs n*chunk...)

Weights are BM25's term-frequency part against a fixed average length, so a document's
postings do not change when other documents do; the browser adds the idf.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from masthead.build.snapshot import PostView
from masthead.content import markdown

VERSION = 1
PREFIX = 2
CHUNK = 100
AVGLEN = 1000.0
K1, B = 1.2, 0.75
TITLE_BOOST = 3
_WORD_RE = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase and strip accents, the same way search.js does for queries."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def terms(text: str) -> list[str]:
    return [t for t in _WORD_RE.findall(fold(text)) if len(t) <= 40]


def document_terms(post: PostView) -> Counter[str]:
    body = post.body_html.split('<section id="bibliography"', 1)[0]
    counts = Counter(terms(markdown.plain_text(body)))
    for t in terms(post.title):
        counts[t] += TITLE_BOOST
    return counts


def weight(tf: int, length: int) -> int:
    return max(1, round(100 * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / AVGLEN))))


def shard_name(term: str) -> str:
    return term[:PREFIX].encode("utf-8").hex()


def build(posts: Sequence[PostView]) -> dict[str, bytes]:
    """Every file of the index, keyed by path relative to public/."""
    shards: dict[str, dict[str, list[int]]] = {}
    docs = []
    for n, post in enumerate(posts):
        counts = document_terms(post)
        length = sum(counts.values())
        for term, tf in counts.items():
            shard = shards.setdefault(shard_name(term), {})
            shard.setdefault(term, []).extend((n, weight(tf, length)))
        docs.append([post.path, post.title,
                     post.published.date().isoformat() if post.published else "", post.excerpt])
    digest = hashlib.sha256()
    files: dict[str, bytes] = {}
    seg_files: dict[str, bytes] = {}
    for name, shard in sorted(shards.items()):
        data = json.dumps(shard, ensure_ascii=False, separators=(",", ":")).encode()
        seg_files[f"t/{name}.json"] = data
    for c in range(math.ceil(len(docs) / CHUNK)):
        data = json.dumps(docs[c * CHUNK : (c + 1) * CHUNK], ensure_ascii=False,
                          separators=(",", ":")).encode()
        seg_files[f"d/{c}.json"] = data
    for rel, data in sorted(seg_files.items()):
        digest.update(rel.encode() + b"\0" + data)
    segment = "s" + digest.hexdigest()[:12]
    for rel, data in seg_files.items():
        files[f"search/{segment}/{rel}"] = data
    files["search/meta.json"] = json.dumps({
        "version": VERSION, "docs": len(docs), "segments": [segment], "chunk": CHUNK,
        "prefix": PREFIX, "avglen": AVGLEN,
    }).encode()
    return files
