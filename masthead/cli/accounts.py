"""``masthead user ...``: the studio's accounts.

Commands import the site's modules inside their bodies: Django must be configured by
``site.open()`` first, and ``masthead --help`` must not pay for Django.
"""

from __future__ import annotations

import sys

import click

from masthead.cli.common import SiteOption, cli, out
from masthead.errors import MastheadError


@cli.group(name="user")
def user_() -> None:
    """Studio accounts."""


@user_.command(name="create")
@click.argument("email")
@click.option("--role", type=click.Choice(["owner", "editor", "author", "contributor"]),
              required=True, help="owner: everything; editor: publishes any post; author: "
                                  "publishes their own; contributor: drafts only.")
@click.option("--name", default="", help="The name shown as the byline.")
@click.pass_obj
def user_create(site: SiteOption, email: str, role: str, name: str) -> None:
    """Create an account; asks for its password (or reads it from standard input)."""
    site.open(studio=True)
    from masthead.accounts.actions import create_user

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    user = create_user(email, role=role, password=password, name=name)
    out.print(f"Created {user.email} ({user.get_role_display().lower()}). "
              "Log in at /studio/ on the server (`masthead serve`).")


@user_.command(name="password")
@click.argument("email")
@click.pass_obj
def user_password(site: SiteOption, email: str) -> None:
    """Set an account's password; asks for it (or reads it from standard input)."""
    site.open(studio=True)
    from masthead.accounts.actions import set_password
    from masthead.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise MastheadError(f"{email} has no account (see `masthead user create`)")
    if sys.stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    set_password(user, password)
    out.print(f"The password of {user.email} is changed.")
