"""The ``masthead`` command. Each command parses its arguments and calls one action.

Exit status 0 on success; on failure a one-line reason on stderr and status 1.

One module a group of commands, each registering on the group in common.py:
site (init, demo, settings), content (import, export), build (build, serve, worker),
newsletter (subscribers, newsletter), accounts (user), post (the studio's
publishing buttons), stats (stats import-log), book (books made of posts) and channel (Telegram
and webhook announcements).
"""

from __future__ import annotations

import sys

import click

# Importing a command module registers its commands on the group.
from masthead.cli import (  # noqa: F401
    accounts,
    book,
    build,
    channel,
    content,
    newsletter,
    post,
    site,
    stats,
)
from masthead.cli.common import SiteOption, cli, err, out, progress_bar
from masthead.errors import MastheadError

__all__ = ["SiteOption", "cli", "err", "main", "out", "progress_bar"]


def main() -> None:
    """Run the command line; a MastheadError becomes one line on stderr and status 1."""
    try:
        cli.main(standalone_mode=False)
    except MastheadError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        sys.exit(1)
    except click.exceptions.Abort:
        err.print("aborted", markup=False)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
