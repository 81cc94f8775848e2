"""Run a build: render what changed beside public/, then move it in.

A failed build leaves public/ as it was: a full build renders into a fresh directory
and swaps it in; an incremental build renders changed files into a staging directory
and only then moves them into place, one atomic rename per file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from masthead.build import bodies, snapshot
from masthead.build.outputs import Output, plan
from masthead.build.state import MARKER, BuildState, new_build_id
from masthead.build.theme import Theme
from masthead.errors import BuildError, MastheadError
from masthead.site import SiteDir


@dataclass
class BuildReport:
    full: bool
    outputs: int
    rendered: int
    written: int
    removed: int
    bodies: int
    seconds: float


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


def _write_all(outputs: list[Output], root: Path, progress=None) -> tuple[dict, int]:
    """Render outputs into root; return {name: (key, files)} and the number of files."""
    made: dict[str, tuple[str, list[str]]] = {}
    count = 0
    dirs: set[Path] = set()
    for out in outputs:
        try:
            files = out.render()
        except MastheadError:
            raise
        except Exception as exc:
            raise BuildError(f"rendering /{out.name} failed: {_describe(exc)}") from exc
        for rel, data in files.items():
            target = root / rel
            if target.parent not in dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                dirs.add(target.parent)
            target.write_bytes(data)
            count += 1
        made[out.name] = (out.key, sorted(files))
        if progress:
            progress(1)
    return made, count


def build(site: SiteDir, *, full: bool = False, progress=None) -> BuildReport:
    started = time.perf_counter()
    n_bodies = bodies.refresh(site.root, force=full)
    theme = Theme(site.templates, site.static)
    outputs = plan(snapshot.load(), theme)
    state = BuildState.load(site.state_dir, site.public)
    full = full or not state.build_id or not site.public.is_dir()
    site.state_dir.mkdir(parents=True, exist_ok=True)
    staging = site.state_dir / f"staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        if full:
            report = _full(site, outputs, staging, progress)
        else:
            report = _incremental(site, outputs, state, staging, progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.bodies = n_bodies
    report.seconds = time.perf_counter() - started
    return report


def _full(site: SiteDir, outputs: list[Output], staging: Path, progress) -> BuildReport:
    made, written = _write_all(outputs, staging, progress)
    build_id = new_build_id()
    (staging / MARKER).write_text(build_id + "\n", encoding="utf-8")
    old = site.state_dir / f"old-public-{os.getpid()}"
    if site.public.exists():
        os.replace(site.public, old)
    os.replace(staging, site.public)
    shutil.rmtree(old, ignore_errors=True)
    BuildState(build_id, made).save(site.state_dir)
    return BuildReport(True, len(outputs), len(outputs), written, 0, 0, 0.0)


def _incremental(site: SiteDir, outputs: list[Output], state: BuildState, staging: Path,
                 progress) -> BuildReport:
    changed = [o for o in outputs if state.outputs.get(o.name, ("",))[0] != o.key]
    made, written = _write_all(changed, staging, progress)
    wanted = {o.name for o in outputs}
    keep_files = {f for name, (_, files) in made.items() for f in files}
    stale: set[str] = set()
    for name, (_, files) in state.outputs.items():
        if name not in wanted or name in made:
            stale.update(f for f in files if f not in keep_files)
    # Everything rendered: now move it in, file by file (each rename is atomic).
    for rel in sorted(keep_files):
        target = site.public / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    for rel in sorted(stale):
        with contextlib.suppress(FileNotFoundError):
            (site.public / rel).unlink()
        _prune_dirs(site.public, (site.public / rel).parent)
    new_outputs = {name: v for name, v in state.outputs.items() if name in wanted}
    new_outputs.update(made)
    BuildState(state.build_id, new_outputs).save(site.state_dir)
    return BuildReport(False, len(outputs), len(changed), written, len(stale), 0, 0.0)


def _prune_dirs(public: Path, d: Path) -> None:
    while d != public and d.is_dir():
        try:
            d.rmdir()
        except OSError:
            return
        d = d.parent
