"""Keep every post's rendered body current (the expensive part of a build).

A body is re-rendered only when its key changes: the Markdown (by the hash stored with
the post), the sources it cites, the citation style or the renderer version. The HTML is
stored beside the post with what the build derives from it: the opening words for
listings, and the search terms for the index.

A body that cannot be rendered (a citation of a key no source has: a source deleted
since, an import) stops nothing else: its problem is stored with the post
(``render_problem``, shown in the studio), the post keeps its last good body or, if it
never had one, stays off the site (:mod:`masthead.sitegen.snapshot` leaves it out), and
the build says so in one line a post (the ``masthead.sitegen`` log: stderr for the CLI).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from masthead import translation
from masthead.content.image_variants import MediaLibrary
from masthead.render import cite_shortcut, citeproc
from masthead.render.citecache import CitationCache
from masthead.render.engine import (
    RENDERER_VERSION,
    BodySource,
    RenderContext,
    RenderProblem,
    render_each,
    render_key,
    source_fingerprints,
    words_key,
)
from masthead.render.excerpts import excerpt_of
from masthead.sitegen import parallel, search_index, snapshot

log = logging.getLogger("masthead.sitegen")

CHUNK = 2500  # most posts rendered by one task: bounds memory on very large sites
PARALLEL_FROM = 200


def context_for(site, site_root: Path | None = None) -> RenderContext:
    """What rendering a body needs besides its text; with a site folder, the citation
    cache in its ``.masthead/`` too."""
    return RenderContext(
        sources=snapshot.sources(),
        style=citeproc.resolve_style(site.citation_style, site_root),
        language=site.language,
        workers=max(1, min(2, os.cpu_count() or 1)),
        cache=CitationCache(site_root / ".masthead" / "citations.sqlite") if site_root else None,
        media=MediaLibrary(Path(site_root) / "media") if site_root else None,
        words=translation.load(site.language or "en", site_root),
    )


def inputs_fingerprint(ctx: RenderContext, fingerprints: dict[str, str]) -> str:
    """Everything besides a post's own body that its rendering depends on."""
    import hashlib


    h = hashlib.sha256(f"{RENDERER_VERSION}\0{ctx.style.fingerprint}\0{ctx.language}".encode())
    if words_key(ctx):
        h.update(f"\0words:{words_key(ctx)}".encode())
    for key in sorted(fingerprints):
        h.update(f"\0{key}:{fingerprints[key]}".encode())
    if ctx.media is not None:  # stored images given their variants since
        h.update(f"\0{ctx.media.fingerprint}".encode())
    return h.hexdigest()


def refresh(site_root: Path | None = None, *, force: bool = False, progress=None,
            since: tuple[str, dt.datetime] | None = None) -> tuple[list[int], str]:
    """Render every stale body of a published post or page.

    ``since`` is what the last build recorded: (inputs fingerprint, start time). If the
    inputs are unchanged, only posts saved since then can be stale, and only they are
    checked. Returns the ids rendered and the current inputs fingerprint; a body that
    cannot be rendered is not among them (see the module's docstring, and
    :func:`left_out`).
    """

    ctx = context_for(snapshot.site_row(), site_root)
    if force and ctx.cache is not None:
        ctx.cache.clear()
    fingerprints = source_fingerprints(ctx)
    inputs = inputs_fingerprint(ctx, fingerprints)
    # Unless the inputs changed, only posts saved since the last build can be stale (a
    # margin for clocks: saves in the second before it are rechecked).
    quick = since and since[0] == inputs and not force
    saved_since = since[1] - dt.timedelta(seconds=5) if quick else None
    stale: list[tuple[int, str]] = []
    for pid, body_hash, cited, old, failed_before in snapshot.bodies_to_check(saved_since):
        key = render_key(body_hash, cited, ctx, fingerprints)
        if force or failed_before or key != old:
            stale.append((pid, key))
    if not stale:
        _report_left_out()
        return [], inputs
    # Large renders: one process per core, each with its own Pandoc, in as few chunks
    # as memory allows (each chunk formats its citations in one or a few Pandoc runs);
    # each worker stores what it rendered, so writing overlaps with rendering. The
    # citations every chunk would format alike are formatted once, by a Pandoc run this
    # process starts while the workers render Markdown.
    many = len(stale) >= PARALLEL_FROM
    folder = tempfile.TemporaryDirectory(prefix="masthead-shared-") \
        if many and cite_shortcut.shortcut_applies(ctx.style) else contextlib.nullcontext(None)
    with folder as tmp:
        shared = cite_shortcut.SharedShortcut(Path(tmp)) if tmp else None
        task_ctx = replace(ctx, workers=1, shared=shared) if many else ctx
        if many:
            n = parallel.workers()
            chunks = n * -(-len(stale) // (n * CHUNK))
            size = -(-len(stale) // chunks)
        else:
            size = len(stale)

        def start_shared() -> None:
            if shared is not None:
                shared.start(snapshot.markdown_of([pid for pid, _ in stale]), ctx.sources,
                             ctx.style,
                             ctx.language)

        failed: set[int] = set()
        try:
            for done, problems in parallel.map_chunks(
                    lambda part: _render_chunk(part, task_ctx), parallel.chunked(stale, size),
                    processes=None if many else 1, meanwhile=start_shared):
                failed.update(problems)
                if progress:
                    progress(done)
        finally:
            if shared is not None:
                shared.close()
    _report_left_out()
    return [pid for pid, _ in stale if pid not in failed], inputs


def left_out() -> list[str]:
    """One line per published post or page whose body the last build could not render:
    what a build reports ("post left out: 'slug': line 3: no source with the key 'x'")."""
    lines = []
    for kind, slug, good, problem in snapshot.render_problems():
        fate = "kept at its last good version" if good else "left out"
        lines.append(f"{kind} {fate}: '{slug}': {problem}")
    return lines


def _report_left_out() -> None:
    for line in left_out():
        log.warning("%s", line)


def _render_chunk(part, ctx: RenderContext) -> tuple[int, list[int]]:
    """Render and store some posts (in a worker): how many rendered, and the ids of those
    that could not be (their problem is stored with them; their last good body stays)."""
    keys = dict(part)
    rows = snapshot.bodies_to_render(list(keys))
    results = render_each(
        [BodySource(f"{kind} '{slug}'", body) for _, slug, kind, body in rows], ctx)
    updates, problems = [], []
    for (pid, *_), h in zip(rows, results, strict=True):
        if isinstance(h, RenderProblem):
            problems.append((str(h), pid))
        else:
            updates.append((keys[pid], h, excerpt_of("", h), search_index.body_terms(h), pid))
    snapshot.store_bodies(updates, problems)
    return len(updates), [pid for _, pid in problems]


class BodyStore:
    """Rendered bodies, fetched from the database a window at a time as pages need them,
    so a build never holds every body in memory."""

    def __init__(self, order: Iterable[int], window: int = 500):
        self.order = list(order)
        self.position = {pid: i for i, pid in enumerate(self.order)}
        self.window = window
        self.cache: dict[int, str] = {}

    def get(self, pid: int) -> str:
        if pid not in self.cache:
            i = self.position.get(pid, 0)
            self.cache = snapshot.rendered_bodies([*self.order[i : i + self.window], pid])
        return self.cache.get(pid, "")

    def many(self, ids: Iterable[int]) -> dict[int, str]:
        return snapshot.rendered_bodies(ids)
