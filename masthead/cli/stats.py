"""``masthead stats ...``: views of the site's pages, without tracking anyone.

`masthead serve` counts by itself; ``import-log`` is for a site whose pages another server
serves. The command imports the stats modules inside its body: `masthead --help` does
without Django.
"""

from __future__ import annotations

from pathlib import Path

import click

from masthead.cli.common import SiteOption, cli, out


@cli.group(name="stats")
def stats_() -> None:
    """Views of the site's pages, counted without cookies, scripts or addresses."""


@stats_.command(name="import-log")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def import_log(site: SiteOption, file: Path) -> None:
    """Count the views in an nginx (combined) or Caddy (JSON) access log (.gz too).

    The same rules as `masthead serve`: pages only, no bots or prefetches, referrers
    as hosts. Importing a log again, or after it has grown, counts each line once.
    """
    site.open(studio=True)
    from masthead.stats.logs import import_log as read_log

    r = read_log(file)
    again = f"; {r.already} lines were counted by an earlier import" if r.already else ""
    out.print(f"Read {file}: {r.lines} lines, {r.views} views of {r.pages} pages "
              f"counted{again}.", markup=False)
