"""Format the citations of clean sources once per source and form, not once per text.

A *clean* source shares no name-and-year token with any other source in the library, so
no citation of it is ever disambiguated; in a style without position-dependent output, a
cluster citing only clean sources renders the same wherever it stands, and so does a
clean source's bibliography entry. So one Pandoc document renders them for every post,
as shapes (:mod:`masthead.render.cite_shapes`): one per source and form, whatever the
page. tests/content/test_citations_match_pandoc.py checks every form against Pandoc run
on each post alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from masthead.errors import CitationError
from masthead.render import citations
from masthead.render.citations import Cluster
from masthead.render.cite_shapes import _fill, _join, _Piece, plan_cluster, style_facts
from masthead.render.cite_style import Style, _conflict_tokens
from masthead.render.pandoc import Formatted, _batches_of, _pandoc_command, _pandoc_input


def _cite_all(keys: Sequence[str]) -> str:
    return "[" + "; ".join(f"@{k}" for k in keys) + "]"


# -------------------------------------------------------------------------- the shortcut


def shortcut_applies(style: Style) -> bool:
    """Whether clean sources' citations render the same in every post (see _Shortcut)."""
    return not (style.numbered or style.positional or style.is_note
                or style.substitutes_authors)


def _unclean_keys(sources: Mapping[str, Mapping], style: Style) -> set[str]:
    """Sources whose citations another source's could make ambiguous."""
    owners: dict[str, set[str]] = {}
    for key, csl in sources.items():
        for token in _conflict_tokens(csl, not style.names_globally):
            owners.setdefault(token, set()).add(key)
    return {k for keys in owners.values() if len(keys) > 1 for k in keys}


class _Names(dict):
    """Key -> every name (or title) token of the source, whatever the year."""

    def __init__(self, sources: Mapping[str, Mapping]):
        super().__init__()
        self.sources = sources

    def __missing__(self, key: str) -> frozenset[str]:
        tokens = self[key] = frozenset(_conflict_tokens(self.sources[key], with_year=False))
        return tokens


class _Planner:
    """Each clean cluster's pieces, worked out once per distinct text."""

    def __init__(self, style: Style, sources: Mapping[str, Mapping], language: str):
        self.language = language
        self.facts = style_facts(style)
        self.names = _Names(sources)
        self.plans: dict[str, tuple[list[_Piece], bool]] = {}

    def plan(self, c: Cluster) -> tuple[list[_Piece], bool]:
        raw = " ".join(c.raw.split())
        got = self.plans.get(raw)
        if got is None:
            got = self.plans[raw] = plan_cluster(raw, c.keys, self.facts, self.names,
                                                         self.language)
        return got

    def document(self, clusters: Iterable[Cluster], cite_all: Sequence[str],
                 ) -> tuple[dict[str, int], list[Cluster]]:
        """The shortcut's document: each distinct shape once (its keys put its sources
        in the run's bibliography: a partial post's clean cluster may cite a source no
        eligible post cites), then one cluster citing ``cite_all`` for their entries.
        Returns (shape -> position, document)."""
        shapes: dict[str, int] = {}
        document: list[Cluster] = []
        for c in clusters:
            for piece in self.plan(c)[0]:
                if piece.shape not in shapes:
                    shapes[piece.shape] = len(document)
                    document.append(Cluster(raw=piece.shape, keys=list(piece.keys), line=0))
        if cite_all:
            document.append(Cluster(raw=_cite_all(cite_all), keys=list(cite_all), line=0))
        return shapes, document

    def html_of(self, c: Cluster, rendered: ShortcutResult) -> str | None:
        """The cluster's HTML from the rendered shapes; None if something is missing
        or does not have the form that filling in or joining needs."""
        pieces, joined = self.plan(c)
        htmls = []
        for piece in pieces:
            html = rendered.shapes.get(piece.shape)
            html = _fill(html, piece.slots, self.facts.page_range_format) if html else None
            if html is None:
                return None
            htmls.append(html)
        if not joined:
            return htmls[0]
        assert self.facts.layout is not None
        return _join(pieces, htmls, self.facts.layout)


@dataclass
class ShortcutResult:
    """What Pandoc made of a shortcut document."""

    shapes: dict[str, str | None]  # shape -> HTML
    entries: list[tuple[str, str]]  # (key, HTML), in the style's bibliography order
    refs_class: str

    @classmethod
    def of(cls, shapes: Mapping[str, int], size: int, item: dict) -> ShortcutResult:
        rendered = item["clusters"] + [None] * (size - len(item["clusters"]))
        return cls({shape: rendered[n] for shape, n in shapes.items()},
                   [tuple(e) for e in item["entries"]], item["refs_class"])


@dataclass
class _Shortcut:
    """Format the citations of clean sources once for all posts (see the module's doc).

    One document renders every distinct shape of every post's clean clusters, and the
    bibliography entries of the posts that cite only clean sources, in the style's
    order. A post that also cites unclean sources keeps only those clusters in the
    batched path, plus one cluster citing its clean sources: its batch then cites
    exactly the sources the post does (the same disambiguation, the same bibliography),
    while its clean clusters come from here.
    """

    eligible: set[int]  # posts whose clusters all cite clean sources
    partial: dict[int, list[int]]  # other posts: the positions of their clean clusters
    shapes: dict[str, int]  # shape -> position in the document
    clusters: list[Cluster]  # the document: the shapes, then one citing all
    planner: _Planner

    @classmethod
    def plan(cls, docs: list[list[Cluster]], sources: Mapping[str, Mapping],
             style: Style, language: str) -> _Shortcut | None:
        if not shortcut_applies(style):
            return None
        unclean = _unclean_keys(sources, style)
        eligible: set[int] = set()
        partial: dict[int, list[int]] = {}
        for i, d in enumerate(docs):
            clean = [j for j, c in enumerate(d) if not any(k in unclean for k in c.keys)]
            if d and len(clean) == len(d):
                eligible.add(i)
            elif clean:
                partial[i] = clean
        if len(eligible) + len(partial) < 2:
            return None
        chosen = (docs[i][j] for i in sorted([*eligible, *partial])
                  for j in partial.get(i, range(len(docs[i]))))
        # Cite every source of the eligible posts once more, for its bibliography entry.
        used = sorted({k for i in eligible for c in docs[i] for k in c.keys})
        planner = _Planner(style, sources, language)
        shapes, clusters = planner.document(chosen, used)
        return cls(eligible, partial, shapes, clusters, planner)

    def remainder(self, i: int, doc: list[Cluster]) -> list[Cluster]:
        """What of a post the batched path formats."""
        if i in self.eligible:
            return []
        clean = self.partial.get(i)
        if not clean:
            return doc
        clean_set = set(clean)
        keep = [c for j, c in enumerate(doc) if j not in clean_set]
        keys = sorted({k for j in clean for k in doc[j].keys})
        return [*keep, Cluster(raw=_cite_all(keys), keys=keys, line=0)] if keys else keep

    def result_of(self, item: dict) -> ShortcutResult:
        """The result of this shortcut's own document, formatted as one batch."""
        return ShortcutResult.of(self.shapes, len(self.clusters), item)

    def complete(self, docs: list[list[Cluster]], rendered: ShortcutResult | None,
                 results: list[Formatted | None],
                 reformat: Callable[[list[list[Cluster]]], list[Formatted | None]]) -> None:
        """Fill in the posts this shortcut touched; those it cannot (a form rendered
        unusually, a shared run that failed or lacks them) go to ``reformat``, the
        ordinary way."""
        touched = self.eligible | set(self.partial)
        failed = touched if rendered is None else self.finish(docs, rendered, results)
        if failed:
            again = reformat([d if i in failed else [] for i, d in enumerate(docs)])
            for i in failed:
                results[i] = again[i]

    def finish(self, docs: list[list[Cluster]], rendered: ShortcutResult,
               results: list[Formatted | None]) -> set[int]:
        """Fill in the posts this shortcut touched, the partial ones' batched results
        already in ``results``; returns those it could not (``rendered`` lacks
        something they need, or the style renders it in a form not filled in here)."""
        failed: set[int] = set()
        with_entry = {k for k, _ in rendered.entries}
        for i in self.eligible:
            keys = {k for c in docs[i] for k in c.keys}
            htmls = [self.planner.html_of(c, rendered) for c in docs[i]]
            if not keys <= with_entry or None in htmls:
                failed.add(i)
                continue
            results[i] = Formatted(clusters=htmls,  # type: ignore[arg-type]
                                   notes=[False] * len(docs[i]),
                                   entries=[(k, h) for k, h in rendered.entries if k in keys],
                                   refs_class=rendered.refs_class)
        for i, clean in self.partial.items():
            batched = results[i]
            assert batched is not None
            from_batch = iter(batched.clusters)
            clean_set = set(clean)
            htmls = [self.planner.html_of(c, rendered) if j in clean_set
                     else next(from_batch, None) for j, c in enumerate(docs[i])]
            if any(htmls[j] is None for j in clean):
                failed.add(i)
                continue
            results[i] = Formatted(clusters=htmls, notes=[False] * len(htmls),
                                   entries=batched.entries, refs_class=batched.refs_class)
        return failed


class SharedShortcut:
    """The shortcut's document for a whole build, formatted once.

    Each worker process of a large build would otherwise format the same document: every
    clean source's bibliography entry and shapes, a third of a second of Pandoc for a
    library of 200 sources, once per chunk of posts. Instead the build's parent process,
    while the workers render Markdown, gathers the clean clusters of every post to
    render (from their Markdown: a superset of what the workers find, which is harmless)
    and starts one Pandoc run on their shapes. A worker that needs the result waits for
    its file; if anything is missing from it or the run failed, the worker formats those
    posts itself (:meth:`_Shortcut.finish` says which), so the result never depends on
    this.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._proc: subprocess.Popen | None = None
        self._result: ShortcutResult | None = None
        self._read = False

    @property
    def _done(self) -> Path:
        return self.folder / "done"

    @property
    def _failed(self) -> Path:
        return self.folder / "failed"

    def start(self, markdowns: Iterable[str], sources: Mapping[str, Mapping], style: Style,
              language: str) -> None:
        """In the parent: find the clean clusters and start Pandoc on them (no wait)."""
        import shlex


        try:
            unclean = _unclean_keys(sources, style)
            clean: list[Cluster] = []
            for text in markdowns:
                try:
                    found = citations.extract(text, sources).clusters
                except CitationError:
                    continue  # the worker rendering this post reports it
                clean += [c for c in found if not any(k in unclean for k in c.keys)]
            used = sorted({k for c in clean for k in c.keys})
            shapes, document = _Planner(style, sources, language).document(clean, used)
            (self.folder / "layout.json").write_text(json.dumps(
                {"shapes": shapes, "size": len(document)}), encoding="utf-8")
            src = self.folder / "clusters.md"
            src.write_text(_pandoc_input([[0]], [document], style, language, sources,
                                         self.folder), encoding="utf-8")
            # Pandoc's output appears under its final name only once complete.
            script = (f"{shlex.join(_pandoc_command(src))} > out.part 2> errors.txt"
                      " && mv out.part done || touch failed")
            self._proc = subprocess.Popen(["sh", "-c", script], cwd=self.folder,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        except Exception:
            self._failed.touch()

    def result(self, timeout: float = 600.0) -> ShortcutResult | None:
        """In a worker: wait for the run, then read it (once per process)."""
        import time

        if self._read:
            return self._result
        deadline = time.monotonic() + timeout
        while not self._done.exists():
            if self._failed.exists() or time.monotonic() > deadline:
                self._read = True
                return None
            time.sleep(0.005)
        layout = json.loads((self.folder / "layout.json").read_text(encoding="utf-8"))
        items = _batches_of(self._done.read_text(encoding="utf-8"))
        self._result = ShortcutResult.of(layout["shapes"], layout["size"],
                                         items[0]) if items else None
        self._read = True
        return self._result

    def close(self) -> None:
        """In the parent, once the workers are done: stop the run if it still goes."""
        if self._proc is not None:
            if self._proc.poll() is None:
                import signal

                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._proc.pid, signal.SIGKILL)  # the shell and its Pandoc
            self._proc.wait()
