"""Running Pandoc's citeproc: the document a run reads (batches of clusters, each with its
bibliography), the command, and reading its HTML back into clusters and entries."""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from masthead.errors import BuildError
from masthead.render.citations import Cluster
from masthead.render.cite_style import Style


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
