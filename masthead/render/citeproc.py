"""Format citation clusters with Pandoc's citeproc, in as few Pandoc runs as possible.

Pandoc is the reference CSL implementation, so Pandoc formats every citation that
:mod:`masthead.render.citations` found; the work here is to do it in few Pandoc runs.

Each post is its own citation document (disambiguation, positions and the bibliography
are per post), and one citeproc run costs about 20 ms just to load a large style such as
Chicago's. So posts are packed into *batches*, one citeproc run each, chosen so that every
post gets exactly what a run of its own would give:

* Disambiguation (year suffixes, added names or initials) only happens between sources
  whose names (or, without names, titles) collide. Group the sources a post cites by those
  *tokens*; two posts may share a batch only if every token they share stands for the same
  set of sources in both. Then nothing in the batch is ambiguous that was not ambiguous in
  each post alone, and each bibliography entry renders as it would alone.
* Styles whose output depends on position (``position="subsequent"``, ibid) would see one
  post's citations as repeats of another's: their batches take only posts citing disjoint
  sources with disjoint tokens.
* Styles that number citations (``citation-number``) depend on order across the whole
  document: their posts are never batched.

tests/content/test_citations_match_pandoc.py checks the result against Pandoc run on each
post alone.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from masthead.render.citations import Cluster
from masthead.render.cite_shortcut import SharedShortcut, _Shortcut
from masthead.render.cite_style import DEFAULT_STYLE, Style, _conflict_tokens, resolve_style
from masthead.render.pandoc import (
    Formatted,
    _pandoc_input,
    _run_pandoc,
    pandoc_path,
)

__all__ = ["DEFAULT_STYLE", "Formatted", "SharedShortcut", "Style", "format_citations",
           "pandoc_path", "plan_batches", "resolve_style"]


def plan_batches(
    docs: Sequence[list[Cluster]],
    sources: Mapping[str, Mapping],
    *,
    numbered: bool,
    positional: bool = True,
    with_year: bool = True,
    max_batch: int = 400,
    open_batches: int = 32,
) -> list[list[int]]:
    """Group documents (by index) so that batch members cannot influence each other."""
    if numbered:
        return [[i] for i, clusters in enumerate(docs) if clusters]
    batches: list[list[int]] = []
    # An open batch: its members, and for each token the set of sources it stands for.
    open_: list[tuple[list[int], dict[str, frozenset[str]]]] = []
    token_cache: dict[str, set[str]] = {}
    for i, clusters in enumerate(docs):
        if not clusters:
            continue
        by_token: dict[str, set[str]] = {}
        for key in {k for c in clusters for k in c.keys}:
            tokens = token_cache.get(key)
            if tokens is None:
                tokens = token_cache[key] = _conflict_tokens(sources[key], with_year)
            for t in tokens:
                by_token.setdefault(t, set()).add(key)
            if positional:
                by_token.setdefault("k:" + key, set()).add(key)
        mine = {t: frozenset(keys) for t, keys in by_token.items()}
        for members, used in open_:
            if positional:
                fits = used.keys().isdisjoint(mine)
            else:
                fits = all(used.get(t, keys) == keys for t, keys in mine.items())
            if fits:
                members.append(i)
                used.update(mine)
                break
        else:
            open_.append(([i], dict(mine)))
        full = [b for b in open_ if len(b[0]) >= max_batch]
        for b in full:
            open_.remove(b)
            batches.append(b[0])
        if len(open_) > open_batches:
            batches.append(open_.pop(0)[0])
    batches.extend(members for members, _ in open_)
    return batches


# ----------------------------------------------------------------------------- pandoc


def format_citations(
    docs: Sequence[list[Cluster]],
    sources: Mapping[str, Mapping],
    style: Style,
    *,
    language: str = "en",
    workers: int = 1,
    shortcut: bool = True,
    shared: SharedShortcut | None = None,
) -> list[Formatted | None]:
    """Format every document's clusters; ``None`` for documents that cite nothing.

    All of it takes one Pandoc run per worker (starting Pandoc and loading a style is
    most of the cost of a few hundred posts): the shortcut's document (cite_shortcut)
    is one more batch beside the others, unless ``shared`` formats it for the build.
    """
    results: list[Formatted | None] = [None] * len(docs)
    docs = list(docs)
    fast = _Shortcut.plan(docs, sources, style, language) if shortcut else None
    rest = [fast.remainder(i, d) for i, d in enumerate(docs)] if fast else docs
    batches = plan_batches(rest, sources, numbered=style.numbered, positional=style.positional,
                           with_year=not style.names_globally)
    local = fast is not None and shared is None
    if fast and local:
        rest.append(fast.clusters)
        batches.append([len(rest) - 1])
    if not batches and not fast:
        return results
    outputs = _format_batches(batches, rest, sources, style, language, workers)
    shortcut_item = None
    for item in (x for out in outputs for x in out):
        members = batches[item["batch"]]
        if local and members == [len(rest) - 1]:
            shortcut_item = item
            continue
        clusters = item["clusters"]
        notes = item["notes"]
        entries = item["entries"]
        pos = 0
        clusters = clusters + [None] * (sum(len(rest[i]) for i in members) - len(clusters))
        notes = notes + [False] * (len(clusters) - len(notes))
        for i in members:
            n_c = len(rest[i])
            keys = {k for c in rest[i] for k in c.keys}
            results[i] = Formatted(
                clusters=list(clusters[pos : pos + n_c]),
                notes=[bool(x) for x in notes[pos : pos + n_c]],
                entries=[(k, h) for k, h in entries if k in keys],
                refs_class=item["refs_class"],
            )
            pos += n_c
    if fast is not None:
        rendered = shared.result() if shared is not None else (
            fast.result_of(shortcut_item) if shortcut_item is not None else None)
        fast.complete(docs, rendered, results, lambda retry: format_citations(
            retry, sources, style, language=language, workers=workers, shortcut=False))
    return results


def _format_batches(batches: list[list[int]], rest: Sequence[list[Cluster]],
                    sources: Mapping[str, Mapping], style: Style, language: str,
                    workers: int) -> list[list[dict]]:
    """Run the batches through Pandoc, split between ``workers`` Pandoc processes."""
    if not batches:
        return []
    with tempfile.TemporaryDirectory(prefix="masthead-cite-") as tmp:
        # Split the batches between workers: one Pandoc process each.
        n = max(1, min(workers, len(batches)))
        shares = [list(range(w, len(batches), n)) for w in range(n)]
        outputs: list[list[dict]] = [[] for _ in range(n)]
        errors: list[BaseException] = []

        def run(w: int) -> None:
            try:
                chosen = [batches[b] for b in shares[w]]
                folder = Path(tmp) / str(w)
                folder.mkdir()
                got = _run_pandoc(_pandoc_input(chosen, rest, style, language, sources,
                                                folder), folder)
                # Batch ids are local to the worker's document: map them back.
                for item in got:
                    item["batch"] = shares[w][int(item["batch"][1:])]
                outputs[w] = got
            except BaseException as exc:  # re-raised below, in the caller's thread
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(w,)) for w in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
    return outputs
