"""``masthead build``, ``serve`` and ``worker``: render the site, serve it, run its jobs.

Commands import the site's modules inside their bodies: Django must be configured by
``site.open()`` first, and ``masthead --help`` must not pay for Django, nor for the
modules only one command uses (logging, subprocess, masthead.children).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from masthead.cli.common import SiteOption, cli, err, out, progress_bar

if TYPE_CHECKING:
    from masthead.site import SiteDir
    from masthead.sitegen.pipeline import BuildReport


@cli.command()
@click.option("--full", is_flag=True, help="Rebuild everything, not only what changed.")
@click.option("--timings", is_flag=True, help="Also print how long each phase took.")
@click.pass_obj
def build(site: SiteOption, full: bool, timings: bool) -> None:
    """Render the website into public/ (only what changed, unless --full)."""
    report = run_build(site.open(), full=full)
    kind = "Full build" if report.full else "Incremental build"
    out.print(f"{kind}: {report.rendered} of {report.outputs} outputs rendered "
              f"({report.written} files written, {report.removed} removed, "
              f"{report.bodies} posts re-rendered) in {report.seconds:.2f} s.")
    if timings:
        for phase, seconds in report.phases.items():
            out.print(f"  {phase:<30} {seconds:6.2f} s")
    # Done: skip tearing down a big site's objects one by one (a tenth of a second).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_build(site: SiteDir, *, full: bool) -> BuildReport:
    """Build with a progress bar, saying so when another build of the site makes this
    one wait (otherwise the command would seem to hang)."""
    from masthead.sitegen.pipeline import build as run

    def waiting() -> None:
        err.print("Another build of this site is running: waiting for it to finish.",
                  markup=False)

    with progress_bar("Building", None) as advance:
        return run(site, full=full, progress=advance, waiting=waiting)


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default from masthead.toml).")
@click.option("--port", default=None, type=int, help="Port (default from masthead.toml).")
@click.option("--no-worker", is_flag=True,
              help="Do not run background jobs here (a `masthead worker` runs them).")
@click.pass_obj
def serve(site: SiteOption, host: str | None, port: int | None, no_worker: bool) -> None:
    """Serve the website (public/) and the studio (/studio/) over HTTP.

    Unless --no-worker is given, a background worker runs beside the server: it
    publishes scheduled posts and rebuilds the site after changes made in the studio.
    """
    s = site.open(studio=True)
    serve_site(s, host or s.config.server_host, port or s.config.server_port,
               worker=not no_worker)


def serve_site(site: SiteDir, host: str, port: int, *, worker: bool = True) -> None:
    """Build the site if it never was, then become the web server (it never returns):
    the server runs in a fresh process so that Django does not stay loaded in it."""
    from masthead.sitegen.snapshot import current_site

    if not site.public.is_dir():
        out.print("The site has not been built yet: building it first.")
        report = run_build(site, full=True)
        out.print(f"Built {report.rendered} outputs in {report.seconds:.1f} s.")
    base_path = current_site().base_path
    out.print(f"Serving {site.root.name} at http://{host}:{port}/ (Ctrl-C to stop); "
              f"the studio is at http://{host}:{port}/studio/")
    sys.stdout.flush()
    if worker:
        _start_worker_beside(site.root)
    # Replace this process with a lean one: Django stays behind.
    os.execv(sys.executable, [sys.executable, "-m", "masthead.web.server", str(site.public),
                              base_path, host, str(port), str(site.root)])


def _start_worker_beside(root: Path) -> None:
    """A `masthead worker` child that ends when the server (this process, once it has
    exec'd) ends: Linux sends it SIGTERM when its parent dies, and the worker stops
    the build it is running, with all its processes."""
    import signal
    import subprocess

    from masthead.children import die_with_parent

    subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(root), "worker"],
                     preexec_fn=lambda: die_with_parent(signal.SIGTERM),
                     stdin=subprocess.DEVNULL)


@cli.command()
@click.option("--burst", is_flag=True, help="Run the jobs that are due, then exit.")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None,
              help="Exit after running this many jobs.")
@click.pass_obj
def worker(site: SiteOption, burst: bool, max_jobs: int | None) -> None:
    """Run background jobs: scheduled posts, rebuilds after studio changes.

    Jobs wait in the site's database, so they survive restarts; a job that a killed
    worker left unfinished runs again (every job is safe to repeat).
    """
    import logging

    from masthead.jobs.worker import run

    site.open(studio=True)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s worker %(levelname)s %(message)s")
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    run(burst=burst, max_jobs=max_jobs)
