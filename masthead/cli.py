"""The ``masthead`` command. Each command parses its arguments and calls one action.

Exit status 0 on success; on failure a one-line reason on stderr and status 1.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from masthead.errors import MastheadError

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


@contextlib.contextmanager
def progress_bar(label: str, total: int | None) -> Iterator:
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
        self._site = None

    def open(self, *, studio: bool = False):
        """The site, with Django set up; ``studio`` for commands that use accounts or
        the job queue (the others start faster without them)."""
        if self._site is None:
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


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default="My Masthead", show_default=True, help="The site's name.")
@click.option("--url", default="http://127.0.0.1:8000/", show_default=True,
              help="The public address of the site.")
@click.option("--database-url", default=None,
              help="PostgreSQL instead of SQLite: postgresql://user:pass@host:port/name")
def init(directory: Path, title: str, url: str, database_url: str | None) -> None:
    """Create a site in DIRECTORY."""
    from masthead import site_actions

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
    from masthead import site_actions

    site = site_actions.make_demo(directory, url=f"http://{host}:{port}/")
    report = _run_build(site, full=True)
    out.print(f"Demo site in {directory}: {report.rendered} files built in {report.seconds:.1f} s.")
    login = site_actions.demo_account(site)
    if login:
        out.print(f"Studio: log in at http://{host}:{port}/studio/ as {login[0]} with the "
                  f"password {login[1]} (kept in {directory}/.masthead/demo-login.txt).",
                  markup=False)
    if not no_serve:
        _serve(site, host, port)


@cli.group(name="import")
def import_() -> None:
    """Bring content and sources in."""


@import_.command(name="markdown")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.pass_obj
def import_markdown(site: SiteOption, folder: Path, dry_run: bool) -> None:
    """Import Markdown files with Hugo/Jekyll front matter (updates posts by slug)."""
    from masthead import site_actions

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


def _platform_command(platform: str, what: str):
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
    import importlib

    from masthead.content.imports import import_platform
    from masthead.importers import guard
    from masthead.importers.convert import converted
    from masthead.importers.platform import Notes
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
    from masthead.content.actions import import_sources
    from masthead.importers import sources

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


@cli.command()
@click.option("--full", is_flag=True, help="Rebuild everything, not only what changed.")
@click.option("--timings", is_flag=True, help="Also print how long each phase took.")
@click.pass_obj
def build(site: SiteOption, full: bool, timings: bool) -> None:
    """Render the website into public/ (only what changed, unless --full)."""
    report = _run_build(site.open(), full=full)
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


def _run_build(site, *, full: bool):
    from masthead.sitegen.pipeline import build as run_build

    def waiting() -> None:
        err.print("Another build of this site is running: waiting for it to finish.",
                  markup=False)

    with progress_bar("Building", None) as advance:
        return run_build(site, full=full, progress=advance, waiting=waiting)


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
    _serve(s, host or s.config.server_host, port or s.config.server_port,
           worker=not no_worker)


def _serve(site, host: str, port: int, *, worker: bool = True) -> None:
    from masthead.sitegen.snapshot import current_site

    if not site.public.is_dir():
        out.print("The site has not been built yet: building it first.")
        report = _run_build(site, full=True)
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


@cli.group(name="subscribers")
def subscribers_() -> None:
    """The newsletter's subscribers."""


@subscribers_.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--confirmed", is_flag=True,
              help="These people opted in elsewhere: no confirmation email (Ghost and "
                   "Substack lists say who is subscribed themselves).")
@click.pass_obj
def subscribers_import(site: SiteOption, file: Path, confirmed: bool) -> None:
    """Import subscribers from Masthead's CSV, a Ghost member export or a Substack list.

    A bad row is reported with its line number and the rest are imported. New addresses
    are sent a confirmation email unless --confirmed (or the file says they subscribed);
    an address that unsubscribed, bounced or complained here stays that way.
    """
    site.open(studio=True)
    from masthead.newsletter import actions, csvfiles

    flavour, rows, problems = csvfiles.read(file)
    result = actions.import_subscribers(rows, where=str(file), confirmed=confirmed,
                                        source=f"import:{flavour}")
    for line in [*problems, *result.problems]:
        err.print(f"skipped: {line}", markup=False, soft_wrap=True)
    out.print(f"Imported {file} ({flavour}): {result.created} new, {result.updated} updated, "
              f"{result.unchanged} unchanged, {len(problems) + len(result.problems)} skipped; "
              f"{result.confirmations} confirmation emails queued.", markup=False)


@subscribers_.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def subscribers_export(site: SiteOption, file: Path) -> None:
    """Write every subscriber, with their status, to a CSV file."""
    site.open(studio=True)
    from masthead.newsletter import csvfiles
    from masthead.newsletter.models import Subscriber

    n = csvfiles.write(file, Subscriber.objects.order_by("id").iterator())
    out.print(f"Wrote {n} subscribers to {file}.", markup=False)


@cli.group(name="newsletter")
def newsletter_() -> None:
    """Email posts to subscribers."""


@newsletter_.command(name="send")
@click.argument("slug")
@click.option("--queue-only", is_flag=True,
              help="Only queue it: a running `masthead worker` sends it.")
@click.pass_obj
def newsletter_send(site: SiteOption, slug: str, queue_only: bool) -> None:
    """Email a published post to every confirmed subscriber (once per post).

    Sends it here and now unless --queue-only; delivery is resumable: run the command
    again after an interruption and only the remaining subscribers get it.
    """
    s = site.open(studio=True)
    from masthead.content.models import Post
    from masthead.newsletter import sending
    from masthead.newsletter.actions import queue_newsletter

    if s.config.smtp is None:
        raise MastheadError("no mail server: add an [smtp] section to masthead.toml "
                            "(see docs/settings.md)")
    post = Post.objects.filter(kind=Post.POST, slug=slug).first()
    if post is None:
        raise MastheadError(f"no post has the slug '{slug}'")
    send_id = queue_newsletter(post.pk)
    if not queue_only:
        from masthead.jobs.worker import run

        run(burst=True)
    c = sending.counts(send_id)
    out.print(f"'{post.title}': {c['sent']} sent, {c['queued']} waiting, {c['failed']} failed.",
              markup=False)


@newsletter_.command(name="bounces")
@click.option("--maildir", type=click.Path(path_type=Path),
              help="A maildir that receives the from address's mail.")
@click.option("--imap", "imap_host", help="An IMAP server whose folder receives it.")
@click.option("--imap-port", type=int, help="Default: 993 with tls, 143 otherwise.")
@click.option("--imap-security", type=click.Choice(["tls", "starttls", "none"]),
              default="tls", show_default=True,
              help="none only for a server on this machine.")
@click.option("--imap-user", default="", help="IMAP login (password: MASTHEAD_IMAP_PASSWORD).")
@click.option("--folder", default="INBOX", show_default=True)
@click.option("--keep", is_flag=True, help="Leave the messages acted on in the mailbox.")
@click.pass_obj
def newsletter_bounces(site: SiteOption, maildir: Path | None, imap_host: str | None,
                       imap_port: int | None, imap_security: str, imap_user: str, folder: str,
                       keep: bool) -> None:
    """Read bounce reports, spam complaints and emailed unsubscribe requests.

    Hard bounces (DSN, 5.x.x) mark an address bounced, complaints (ARF) complained;
    neither is mailed again. Mail to a reader's unsubscribe address (the mailto: link
    of every newsletter) unsubscribes them. Those messages are deleted; anything else
    (readers' replies) is left alone. Run it from cron, or after a send.
    """
    site.open(studio=True)
    import imaplib

    from masthead.newsletter import bounces

    if (maildir is None) == (imap_host is None):
        raise MastheadError("give one of --maildir DIR or --imap HOST")
    if maildir is not None:
        if not (maildir / "cur").is_dir() and not (maildir / "new").is_dir():
            raise MastheadError(f"{maildir} is not a maildir (no cur/ or new/)")
        summary = bounces.from_maildir(maildir, remove=not keep)
    else:
        port = imap_port or (993 if imap_security == "tls" else 143)
        try:
            summary = bounces.from_imap(imap_host, port, imap_user,
                                        os.environ.get("MASTHEAD_IMAP_PASSWORD", ""), folder,
                                        security=imap_security, remove=not keep)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MastheadError(f"IMAP {imap_host}:{port}: {exc}") from None
    out.print(f"Read {summary.read} messages: {summary.bounces} hard bounces, "
              f"{summary.complaints} complaints, {summary.unsubscribes} unsubscribe requests; "
              f"{summary.ignored} left in the mailbox.", markup=False)


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
    from masthead.content.actions import get_site, update_settings

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


def main() -> None:
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
