"""Run a build: render what changed beside public/, then turn public/ to it at once.

A failed or killed build leaves public/ as it was, and readers never see half of a
build: public/ is a link to one of two complete trees (:mod:`masthead.sitegen.releases`).
A full build renders a fresh tree; an incremental one renders the changed files into a
staging folder, moves them into the spare tree (kept equal to the live one), and only
then turns the link. Large renders are spread over both cores
(:mod:`masthead.sitegen.parallel`).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from masthead.content import image_variants
from masthead.errors import BuildError, MastheadError
from masthead.site import SiteDir
from masthead.sitegen import bodies, parallel, releases, search_index, snapshot
from masthead.sitegen.files import write_files
from masthead.sitegen.lock import build_lock
from masthead.sitegen.plan import Output, plan
from masthead.sitegen.state import (
    MARKER,
    BuildState,
    new_build_id,
    record_live,
    record_progress,
)
from masthead.sitegen.theme import Theme

SEARCH = "search/meta.json"
PARALLEL_FROM = 400  # outputs; fewer render faster in one process


@dataclass
class BuildReport:
    full: bool
    outputs: int
    rendered: int
    written: int
    removed: int
    bodies: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)


def _describe(exc: Exception) -> str:
    """The error, and where in which template it happened, if in one."""
    import traceback

    import jinja2

    where = ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}: "
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith((".html", ".xml", ".txt"))]
        if frames:
            where = f"{frames[-1].filename}:{frames[-1].lineno}: "
    return f"{where}{type(exc).__name__}: {exc}"


def _render_chunk(outputs: Sequence[Output], root: Path,
                  indexes: Sequence[int]) -> list[tuple[str, str, list[str]]] | str:
    """Render some outputs into root; an error comes back as its message."""
    done = []
    dirs: set[Path] = set()
    for i in indexes:
        out = outputs[i]
        try:
            files = out.render()
        except MastheadError as exc:
            return str(exc)
        except Exception as exc:
            return f"rendering /{out.name} failed: {_describe(exc)}"
        write_files(root, files, dirs)
        done.append((out.name, out.key, sorted(files)))
    return done


def _write_all(outputs: Sequence[Output], root: Path, progress=None,
               index: search_index.Rebuild | None = None,
               ) -> tuple[dict[str, tuple[str, list[str]]], list]:
    """Render outputs into root, and the search index's parts beside them, in one pool
    of workers; return ({name: (key, files)}, the index parts built)."""
    made: dict[str, tuple[str, list[str]]] = {}
    built: list = []
    # The index's parts are the longest tasks: they go first, so that no worker is
    # left finishing one while the other has nothing to do.
    jobs = [("index", bound) for bound in (index.bounds if index else ())]
    jobs += [("pages", chunk) for chunk in parallel.chunked(range(len(outputs)), 200)]

    def run(job: tuple[str, object]) -> tuple[str, object]:
        kind, payload = job
        if kind == "index":
            assert index is not None
            return kind, index.part(payload)  # type: ignore[arg-type]
        return kind, _render_chunk(outputs, root, payload)  # type: ignore[arg-type]

    parallel_ = len(outputs) >= PARALLEL_FROM or (index is not None and len(index.bounds) > 1)
    for kind, result in parallel.map_chunks(run, jobs, processes=None if parallel_ else 1):
        if kind == "index":
            built.append(result)
            continue
        if isinstance(result, str):
            raise BuildError(result)
        for name, key, files in result:
            made[name] = (key, files)
        if progress:
            progress(len(result))
    return made, built


def _template_cache(site: SiteDir) -> Path:
    folder = site.state_dir / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _search_docs(snap: snapshot.Snapshot, theme: Theme) -> list[search_index.Doc]:
    """The index's documents, each with its date as the site's pages print it (in the
    signature too: a change of the date's format re-indexes the documents)."""
    dated = _dates(snap, theme)
    return [search_index.Doc(p.id, p.search_key + dated[p.id], p.path, p.title, dated[p.id],
                             p.excerpt)
            for p in (*snap.posts, *snap.pages)]


_printed_days: dict[tuple, dict[object, str]] = {}  # the last build's, for the next


def _dates(snap: snapshot.Snapshot, theme: Theme) -> dict[int, str]:
    """Every post's date, printed by the theme's own ``human_date`` filter (so search
    results read like the post pages), once per distinct day; a process that builds
    again and again (the worker's warm child) keeps the days printed for the next build
    while the theme and the site's settings are the same."""
    filter_ = theme.env.filters["human_date"]
    if getattr(filter_, "jinja_pass_arg", None) is None:  # a plain function: call it
        def print_(published):
            return filter_(published)
    else:  # it wants the template's context or environment: print through a template
        template = theme.env.from_string("{{ published | human_date }}")

        def print_(published):
            return template.render(site=snap.site, published=published)
    context = (theme.fingerprint, snap.site)
    by_day = _printed_days.get(context, {})
    _printed_days.clear()
    _printed_days[context] = by_day
    dated: dict[int, str] = {}
    for p in (*snap.posts, *snap.pages):
        if p.published is None:
            dated[p.id] = ""
            continue
        day = p.published.date()
        text = by_day.get(day)
        if text is None:
            text = by_day[day] = print_(p.published)
        dated[p.id] = text
    return dated


class _Clock:
    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.last
        self.last = now


def build(site: SiteDir, *, full: bool = False, progress=None,
          waiting: Callable[[], None] | None = None,
          as_of: dt.datetime | None = None) -> BuildReport:
    """Build the site; one build at a time per site (a second one calls ``waiting``,
    then waits for the first).

    Once live, the build records that the site includes every change committed before
    ``as_of`` (by default, before it started reading; the worker gives the moment it
    claimed the job), and, while it runs, what it is doing: the studio shows both
    (:func:`masthead.sitegen.state.live_as_of`, :func:`~masthead.sitegen.state.build_progress`).
    """
    as_of = as_of or dt.datetime.now(dt.UTC)
    with build_lock(site.state_dir, waiting):
        state_dir = site.state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        record_progress(state_dir, "reading the site")
        try:
            releases.sweep(state_dir)
            report = _build(site, full=full, progress=_progress_to(state_dir, progress))
            # "Live" only once every server has turned to the new tree too.
            time.sleep(max(0.0, releases.FOLLOWED_WITHIN - releases.seconds_since_turned()))
            record_live(state_dir, as_of)
            return report
        finally:
            record_progress(state_dir, "")


def _progress_to(state_dir: Path, progress):
    """A progress callback that also tells the studio (at most ten times a second)."""
    counted = {"done": 0, "at": 0.0}

    def advance(n: int, total: int | None = None) -> None:
        counted["done"] += n
        now = time.monotonic()
        if total is not None or now - counted["at"] > 0.1:
            counted["at"] = now
            record_progress(state_dir, "rendering pages", counted["done"],
                            total or counted.get("total", 0))
        if total is not None:
            counted["total"] = total
        if progress and n:
            progress(n)

    return advance


def tidy_between_builds() -> None:
    """In a process that builds again and again (the worker's warm child), after a
    build: let the cyclic collector see what the last build froze away from it (see
    :func:`_build`), free what is garbage, and freeze the rest again. Done after the
    build is live, so no reader waits for it."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _build(site: SiteDir, *, full: bool, progress) -> BuildReport:
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    clock = _Clock()
    state = BuildState.load(site.state_dir, site.public)
    clock("the last build's record")
    since = (state.inputs, dt.datetime.fromisoformat(state.started)) if state.started else None
    image_variants.refresh_variants(site.media)  # for images stored before variants were
    clock("image variants")
    rendered_bodies, inputs = bodies.refresh(site.root, force=full, since=since)
    clock("bodies (Markdown, citations)")
    # The snapshot and the plan are tens of thousands of long-lived objects made in a
    # burst: the cyclic garbage collector would rescan them again and again (a third of
    # the time of a small incremental build) and find nothing. Collect nothing while
    # they are made, then freeze them out of later collections (and out of the workers'
    # copy-on-write pages).
    gc.disable()
    try:
        snap = snapshot.load()
        store = bodies.BodyStore(p.id for p in (*snap.posts, *snap.pages))
        theme = Theme(site.templates, site.static, cache=_template_cache(site))
        clock("snapshot")
        outputs = plan(snap, theme, store, site.media, book_files=site.root / "books")
    finally:
        gc.freeze()
        gc.enable()
    try:
        theme.compile_all()
    except Exception as exc:
        raise BuildError(f"a template does not compile: {_describe(exc)}") from exc
    clock("plan")
    full = full or not state.build_id or not site.public.is_dir()
    site.state_dir.mkdir(parents=True, exist_ok=True)
    for leftover in site.state_dir.glob("staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = site.state_dir / f"staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        stamp = {"inputs": inputs, "started": started_at.isoformat()}
        docs = _search_docs(snap, theme)
        report = _full(site, outputs, docs, staging, progress, clock, stamp) if full else \
            _incremental(site, outputs, docs, state, staging, progress, clock, stamp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    clock("swap in")
    report.phases = clock.phases
    report.bodies = len(rendered_bodies)
    report.seconds = time.perf_counter() - started
    return report


def _full(site: SiteDir, outputs: list[Output], docs: list[search_index.Doc], staging: Path,
          progress,
          clock, stamp: dict) -> BuildReport:
    rebuild = search_index.Rebuild.plan(docs, snapshot.search_terms, staging)
    progress(0, len(outputs))
    made, built = _write_all(outputs, staging, progress, index=rebuild)
    index = rebuild.finish(built)
    made[SEARCH] = ("", index.owned)
    clock("pages and search index")
    build_id = new_build_id()
    (staging / MARKER).write_text(build_id + "\n", encoding="utf-8")
    releases.Releases(site.public, site.state_dir).publish_full(staging)
    BuildState(build_id, made, index.state, **stamp).save(site.state_dir)
    written = sum(len(files) for _, files in made.values())
    return BuildReport(True, len(outputs) + 1, len(outputs) + 1, written, 0, 0, 0.0)


def _incremental(site: SiteDir, outputs: list[Output], docs: list[search_index.Doc],
                 state: BuildState,
                 staging: Path, progress, clock, stamp: dict) -> BuildReport:
    changed = [o for o in outputs if state.outputs.get(o.name, ("",))[0] != o.key]
    progress(0, len(changed))
    made, _ = _write_all(changed, staging, progress)
    clock("pages")
    written = {f for _, files in made.values() for f in files}
    search_state = state.search
    index = search_index.update(docs, state.search, snapshot.search_terms, staging,
                                full=False)
    if index is not None:
        written |= set(index.written)
        made[SEARCH] = ("", index.owned)
        search_state = index.state
    clock("search index")
    wanted = {o.name for o in outputs} | {SEARCH}
    owned_now = {f for _, files in made.values() for f in files}
    stale: set[str] = set()
    for name, (_, files) in state.outputs.items():
        if name not in wanted or name in made:
            stale.update(f for f in files if f not in owned_now)
    if written or stale:
        _swap_in(site, staging, written, stale)
    new_outputs = {name: v for name, v in state.outputs.items() if name in wanted}
    new_outputs.update(made)
    BuildState(state.build_id, new_outputs, search_state, **stamp).save(site.state_dir)
    return BuildReport(False, len(outputs) + 1, len(changed) + (index is not None),
                       len(written), len(stale), 0, 0.0)


def _swap_in(site: SiteDir, staging: Path, written: set[str], stale: set[str]) -> None:
    """Everything rendered: into the spare tree, then public/ turns to it at once."""
    tree = releases.Releases(site.public, site.state_dir)
    spare = tree.prepare_spare()
    for rel in sorted(written):
        target = spare / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    for rel in sorted(stale):
        releases.remove_file(spare, rel)
    tree.publish_spare(written, stale)
