"""What every command shares: the ``masthead`` group with its --site option, the
consoles commands print to, and the progress bar.

The command modules register on ``cli``; masthead/cli/__init__.py imports them all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from masthead.site import SiteDir

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


@contextlib.contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A progress bar on a terminal; silence elsewhere (CI logs, pipes)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


class SiteOption:
    """Resolve --site lazily: opening a site connects the database."""

    def __init__(self, root: Path):
        self.root = root
        self._site: SiteDir | None = None

    def open(self, *, studio: bool = False) -> SiteDir:
        """The site, with Django set up; ``studio`` for commands that use accounts or
        the job queue (the others start faster without them)."""
        if self._site is None:
            # Imported here, not above: reading masthead.toml needs the config module,
            # which `masthead --help` does without.
            from masthead.site import open_site

            self._site = open_site(self.root, studio=studio)
        return self._site


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--site", "site_root", type=click.Path(path_type=Path), envvar="MASTHEAD_SITE",
              default=".", show_default=True,
              help="The site directory (holds masthead.toml). Also MASTHEAD_SITE.")
@click.version_option(package_name="masthead")
@click.pass_context
def cli(ctx: click.Context, site_root: Path) -> None:
    """Masthead: publish long-form writing from a site you own."""
    ctx.obj = SiteOption(site_root)
