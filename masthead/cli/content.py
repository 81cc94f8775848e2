"""``masthead import ...`` and ``masthead export ...``: bring content and sources in, get
everything out.

Commands import the site's modules inside their bodies: Django must be configured by
``site.open()`` first, and ``masthead --help`` must not pay for Django.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from masthead.cli.common import SiteOption, cli, out, progress_bar
from masthead.errors import MastheadError


@cli.group(name="import")
def import_() -> None:
    """Bring content and sources in."""


@import_.command(name="markdown")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.pass_obj
def import_markdown(site: SiteOption, folder: Path, dry_run: bool) -> None:
    """Import Markdown files with Hugo/Jekyll front matter (updates posts by slug)."""
    from masthead.sites import setup as site_actions

    s = site.open()
    from masthead.importers import guard
    from masthead.importers.markdown import count_files

    with progress_bar("Reading", count_files(folder)) as advance, guard.reported(folder):
        result = site_actions.import_markdown_folder(s, folder, dry_run=dry_run,
                                                     progress=advance)
    verb = "Would import" if dry_run else "Imported"
    out.print(f"{verb} {result.files} files: {result.posts.created} new, {result.posts.updated} "
              f"updated, {result.posts.unchanged} unchanged; {result.sources.created} new "
              f"sources, {result.sources.updated} updated.")


PLATFORMS = {
    "blogger": "Blogger (the classic Atom backup or Takeout's feed.atom)",
    "wordpress": "WordPress (the WXR file of Tools > Export)",
    "ghost": "Ghost (the JSON file of Settings > Labs > Export)",
    "substack": "Substack (the export zip, or the folder it unpacks to)",
}


def _platform_command(platform: str, what: str) -> click.Command:
    @import_.command(name=platform, help=f"Import a whole blog from {what}: posts, pages, "
                     "drafts, tags, authors and comments; every old address redirects to its "
                     "new one. Running it again updates what it imported before.")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Read and check everything; store nothing.")
    @click.pass_obj
    def command(site: SiteOption, file: Path, dry_run: bool) -> None:
        _import_platform(site, platform, file, dry_run)

    return command


for _name, _what in PLATFORMS.items():
    _platform_command(_name, _what)


def _import_platform(site: SiteOption, platform: str, file: Path, dry_run: bool) -> None:
    site.open()
    from masthead.importers import guard
    from masthead.importers.convert import converted
    from masthead.importers.platform import Notes
    from masthead.importers.store import import_platform
    from masthead.importers.xmlstream import Repairs

    if not file.exists():
        raise MastheadError(f"{file}: no such file")
    reader = importlib.import_module(f"masthead.importers.{platform}")
    notes, repairs = Notes(), Repairs()
    # XML exports report bytes read; the others count their items.
    total = file.stat().st_size if platform in ("blogger", "wordpress") else None
    with progress_bar("Importing", total) as advance, guard.reported(file):
        records = converted(guard.reading(reader.read(file, notes, repairs, progress=advance)),
                            notes)
        summary = import_platform(records, dry_run=dry_run)
    s = summary.posts
    verb = "Would import" if dry_run else "Imported"
    total = s.created + s.updated + s.unchanged
    comments = summary.comments_created + summary.comments_updated + summary.comments_unchanged
    out.print(f"{verb} {total} posts and pages ({s.created} new, {s.updated} updated, "
              f"{s.unchanged} unchanged) and {comments} comments ({summary.comments_created} "
              f"new, {summary.comments_updated} updated, {summary.comments_unchanged} "
              f"unchanged) from {file}.", markup=False)
    if summary.settings:
        out.print(f"{'Would set' if dry_run else 'Set'} the site's "
                  f"{', '.join(summary.settings)} from the export.", markup=False)
    for where in summary.duplicates:
        out.print(f"Note: {where} has the id of an earlier entry; it was imported as a post "
                  "of its own.", markup=False)
    for line in summary.shared_urls:
        out.print(f"Note: {line}; it stays with that one.", markup=False)
    if summary.orphan_comments:
        out.print(f"Left out {summary.orphan_comments} comments whose post is not in the "
                  "export.", markup=False)
    if notes.skipped:
        out.print(f"Skipped {len(notes.skipped)}:", markup=False)
        for sk in notes.skipped:
            out.print(f"  {sk.where}: {sk.why}", markup=False)
    if repairs:
        out.print(f"Repaired {len(repairs)} places that were not well-formed XML:",
                  markup=False)
        for line in repairs.summary(file):
            out.print(f"  {line}", markup=False)
    for w in notes.warnings:
        out.print(f"Note: {w}", markup=False)
    if platform == "substack":
        from masthead.importers.substack import subscriber_files

        for name in subscriber_files(file):
            out.print(f"Subscribers: masthead subscribers import {file / name if file.is_dir() else name}"
                      + (" (unzip it first)" if not file.is_dir() else ""), markup=False)
    if not dry_run and (s.created or s.updated or summary.comments_created
                        or summary.comments_updated):
        out.print("Run `masthead build` to publish them.", markup=False)


@import_.command(name="bibtex")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def import_bibtex(site: SiteOption, file: Path) -> None:
    """Import bibliography entries from a BibTeX/BibLaTeX file."""
    _import_sources(site, file, "bibtex")


@import_.command(name="csl-json")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def import_csl_json(site: SiteOption, file: Path) -> None:
    """Import bibliography entries from a CSL-JSON file."""
    _import_sources(site, file, "csl-json")


def _import_sources(site: SiteOption, file: Path, kind: str) -> None:
    site.open()
    from masthead.importers import sources
    from masthead.publishing.store import import_sources

    items = sources.read_bibtex(file) if kind == "bibtex" else sources.read_csl_json(file)
    result = import_sources(items)
    out.print(f"Imported {len(items)} sources from {file}: {result.created} new, "
              f"{result.updated} updated, {result.unchanged} unchanged.")


@cli.group(name="export")
def export_() -> None:
    """Get everything out."""


@export_.command(name="markdown")
@click.argument("folder", type=click.Path(path_type=Path))
@click.pass_obj
def export_markdown(site: SiteOption, folder: Path) -> None:
    """Write every post and page as Markdown with YAML front matter, plus the bibliography."""
    site.open()
    from masthead.content.models import Post
    from masthead.mirror.export import export_markdown as run

    with progress_bar("Exporting", Post.objects.count()) as advance:
        n = run(folder, progress=advance)
    out.print(f"Exported {n} posts and pages to {folder}.")
