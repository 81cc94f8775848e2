"""``masthead init``, ``demo`` and ``settings``: make a site and set what it says of itself.

Commands import the site's modules inside their bodies: Django must be configured by
``site.open()`` first, and ``masthead --help`` must not pay for Django (nor for json).
"""

from __future__ import annotations

from pathlib import Path

import click

from masthead.cli.build import run_build, serve_site
from masthead.cli.common import SiteOption, cli, out
from masthead.errors import MastheadError


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default="My Masthead", show_default=True, help="The site's name.")
@click.option("--url", default="http://127.0.0.1:8000/", show_default=True,
              help="The public address of the site.")
@click.option("--database-url", default=None,
              help="PostgreSQL instead of SQLite: postgresql://user:pass@host:port/name")
def init(directory: Path, title: str, url: str, database_url: str | None) -> None:
    """Create a site in DIRECTORY."""
    from masthead.sites import setup as site_actions

    site_actions.init_site(directory, title=title, url=url, database_url=database_url)
    out.print(f"Created a site in {directory}. Next: masthead --site {directory} import "
              "markdown FOLDER, then build and serve.")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path), default="masthead-demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Create and build the demo, do not serve it.")
def demo(directory: Path, host: str, port: int, no_serve: bool) -> None:
    """Create a demo site with sample essays, build it and serve it."""
    from masthead.sites import setup as site_actions

    site = site_actions.make_demo(directory, url=f"http://{host}:{port}/")
    report = run_build(site, full=True)
    out.print(f"Demo site in {directory}: {report.rendered} files built in {report.seconds:.1f} s.")
    login = site_actions.demo_account(site)
    if login:
        out.print(f"Studio: log in at http://{host}:{port}/studio/ as {login[0]} with the "
                  f"password {login[1]} (kept in {directory}/.masthead/demo-login.txt).",
                  markup=False)
    if not no_serve:
        serve_site(site, host, port)


@cli.command()
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.pass_obj
def settings(site: SiteOption, name: str | None, value: str | None) -> None:
    """Show all settings, show one (NAME), or change one (NAME VALUE).

    support_links takes JSON: '[{"label": "Patreon", "url": "https://..."}]'.
    """
    import json

    site.open()
    from masthead.content import site_settings
    from masthead.content.models import get_site
    from masthead.publishing.store import update_settings

    current = get_site()
    if name is None:
        for s in site_settings.SETTINGS:
            out.print(f"{s.name} = {json.dumps(getattr(current, s.name), ensure_ascii=False)}")
        return
    if name not in site_settings.BY_NAME:
        raise MastheadError(f"unknown setting '{name}'; known: {', '.join(site_settings.BY_NAME)}")
    if value is None:
        out.print(json.dumps(getattr(current, name), ensure_ascii=False))
        return
    parsed: object = value
    if name == "support_links":
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise MastheadError(f"support_links must be JSON: {exc}") from None
    update_settings({name: parsed}, source="masthead settings")
    out.print(f"{name} updated. Run `masthead build` to publish the change.")
