"""Whole-site operations the CLI offers: create a site, fill it from a folder, the demo.

These run before the site, and so Django, exists (``masthead init`` makes the folder,
then opens it): the imports of anything that needs Django wait inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from masthead.errors import SiteError
from masthead.site import SiteDir, create_site_dir, open_site

if TYPE_CHECKING:
    from masthead.publishing.store import ImportSummary

DEMO_CONTENT = Path(__file__).resolve().parent.parent / "demo" / "content"


def init_site(directory: Path, *, title: str, url: str,
              database_url: str | None = None) -> SiteDir:
    from masthead.content import site_settings

    # Check the settings before anything is written.
    site_settings.validate("title", title, source="--title")
    site_settings.validate("url", url, source="--url")
    create_site_dir(directory, database_url)
    try:
        site = open_site(directory)
    except Exception:
        (directory / "masthead.toml").unlink(missing_ok=True)
        raise
    from masthead.publishing.store import create_site

    create_site(title=title, url=url)
    return site


@dataclass
class FolderImport:
    files: int
    posts: ImportSummary
    sources: ImportSummary


def import_markdown_folder(site: SiteDir, folder: Path, *, dry_run: bool = False,
                           progress=None) -> FolderImport:
    from django.db import transaction

    from masthead.books.actions import store_books
    from masthead.content.models import Source, get_site
    from masthead.importers.markdown import read_folder
    from masthead.publishing.store import import_posts, import_sources, update_settings

    current = get_site()
    existing = set(Source.objects.values_list("key", flat=True))
    content = read_folder(folder, timezone=current.timezone, existing_keys=existing,
                          progress=progress)

    class DryRun(Exception):
        pass

    try:
        with transaction.atomic():
            if content.settings:
                update_settings(content.settings, source=str(folder / "site.yaml"))
            sources = import_sources(content.sources)
            posts = import_posts(content.posts, authors=content.authors)
            if content.comments:
                _store_comments(content.comments)
            if content.books:
                store_books(content.books)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return FolderImport(files=len(content.posts), posts=posts, sources=sources)


def _store_comments(comments: list) -> None:
    from masthead.content.models import Post
    from masthead.importers.store import link_replies, upsert_comments

    ids = {f"{'pages' if kind == Post.PAGE else 'posts'}/{slug}": pk
           for kind, slug, pk in Post.objects.values_list("kind", "slug", "id")}
    parents: list[tuple[str, str]] = []
    upsert_comments(comments, ids, parents)
    link_replies(parents)


def make_demo(directory: Path, *, url: str) -> SiteDir:
    """A site with essays written to show what Masthead does (rebuilt if it exists)."""
    if (directory / "masthead.toml").exists():
        site = open_site(directory)
    else:
        if directory.exists() and any(directory.iterdir()):
            raise SiteError(f"{directory} exists and is not empty; choose another folder")
        site = init_site(directory, title="The Long Margin", url=url)
    from masthead.publishing.store import update_settings

    import_markdown_folder(site, DEMO_CONTENT)
    update_settings({"url": url})
    _demo_mail(site)
    _demo_books(site)
    return site


def _demo_books(site: SiteDir) -> None:
    """The demo book's EPUB and PDFs in books/SLUG/, so that its page's downloads work
    (the site's build copies them to public/books/SLUG/). Without Pango the PDFs are
    left out and the demo says why; the EPUB and the rest of the demo go on."""
    import logging

    from masthead.books.actions import build_book
    from masthead.content.books import Book
    from masthead.errors import ContentError

    for slug in Book.objects.order_by("slug").values_list("slug", flat=True):
        build_book(slug, site.root, ("epub",))
        try:
            build_book(slug, site.root, ("pdf", "screen-pdf"))
        except ContentError as exc:
            logging.getLogger("masthead.sites").warning(
                f"warning: the demo book's PDFs were not made: {exc}")


DEMO_MAIL = """
# The demo has no mail server: every message the site sends (sign-up confirmations,
# newsletters, invitations) is written to this folder instead, and the studio's Outbox
# shows it. For real mail, replace this section (see docs/newsletter.md).
[smtp]
folder = ".masthead/outbox"
from_address = "The Long Margin <letters@demo.invalid>"
"""


def _demo_mail(site: SiteDir) -> None:
    """The whole newsletter without a mail server: a folder outbox in masthead.toml (a
    site that names a mail server of its own keeps it)."""
    import os
    import tomllib

    from django.conf import settings

    from masthead.config import load_config

    path = site.root / "masthead.toml"
    text = path.read_text(encoding="utf-8")
    if "smtp" in tomllib.loads(text):
        return
    tmp = path.with_name(f".masthead.toml.{os.getpid()}.tmp")
    tmp.write_text(text.rstrip("\n") + "\n" + DEMO_MAIL, encoding="utf-8")
    os.replace(tmp, path)
    # This process read the file before: the build it runs next must see the outbox too
    # (pages carry the sign-up form when the site can send mail).
    settings.MASTHEAD_SMTP = load_config(site.root).smtp


DEMO_EMAIL = "writer@demo.invalid"


def demo_account(site: SiteDir) -> tuple[str, str] | None:
    """An owner account for the demo's studio, with a random password written to
    ``.masthead/demo-login.txt`` (readable by its owner only); None if it exists."""
    import os
    import secrets

    from masthead.accounts.actions import create_user
    from masthead.accounts.models import User

    if User.objects.filter(email=DEMO_EMAIL).exists():
        path = site.state_dir / "demo-login.txt"
        if path.exists():
            email, password = path.read_text(encoding="utf-8").split()[:2]
            return email, password
        return None
    password = "-".join(secrets.token_urlsafe(4) for _ in range(4))
    create_user(DEMO_EMAIL, role="owner", password=password, name="Demo Writer")
    site.state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(site.state_dir / "demo-login.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{DEMO_EMAIL} {password}\n")
    return DEMO_EMAIL, password
