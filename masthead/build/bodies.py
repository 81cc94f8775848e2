"""Keep every post's rendered body current (the expensive part of a build).

A body is re-rendered only when its key changes: the Markdown, the cited sources,
the citation style or the renderer version. Results are stored beside the post.
"""

from __future__ import annotations

import os
from pathlib import Path

from masthead.content import citations
from masthead.content.render import BodySource, RenderContext, render_bodies, render_key


def context_for(site, site_root: Path | None = None) -> RenderContext:
    from masthead.content.models import Source

    sources = {key: csl for key, csl in Source.objects.values_list("key", "csl")}
    return RenderContext(
        sources=sources,
        style=citations.resolve_style(site.citation_style, site_root),
        language=site.language,
        workers=max(1, min(2, os.cpu_count() or 1)),
    )


def refresh(site_root: Path | None = None, *, force: bool = False,
            progress=None) -> int:
    """Render every stale body of a published post or page; return how many."""
    from django.db import transaction

    from masthead.content.models import Post, Site

    site = Site.objects.get()
    ctx = context_for(site, site_root)
    rows = Post.objects.filter(status=Post.PUBLISHED).values_list(
        "id", "slug", "kind", "body", "render_key")
    stale = []
    for pid, slug, kind, body, old_key in rows:
        key = render_key(body, ctx)
        if force or key != old_key:
            stale.append((pid, f"{kind} '{slug}'", body, key))
    if not stale:
        return 0
    chunk = 2000  # bounded memory for very large sites
    for start in range(0, len(stale), chunk):
        part = stale[start : start + chunk]
        html = render_bodies([BodySource(where, body) for _, where, body, _ in part], ctx)
        with transaction.atomic():
            Post.objects.bulk_update(
                [Post(id=pid, body_html=h, render_key=key)
                 for (pid, _, _, key), h in zip(part, html, strict=True)],
                ["body_html", "render_key"], batch_size=500,
            )
        if progress:
            progress(len(part))
    return len(stale)
