"""``masthead subscribers ...`` and ``masthead newsletter ...``: the list and the mailings.

Commands import the site's modules inside their bodies: Django must be configured by
``site.open()`` first, and ``masthead --help`` must not pay for Django (nor for imaplib,
which only the bounces command needs).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from masthead.cli.common import SiteOption, cli, err, out
from masthead.errors import MastheadError


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
    site.open(studio=True)
    from masthead.content.models import Post
    from masthead.mail import server as mail_server
    from masthead.newsletter import sending
    from masthead.newsletter.actions import queue_newsletter

    if not mail_server.configured():
        raise MastheadError("no mail server: add an [smtp] section to masthead.toml, or set "
                            "one up on the studio's Email page (see docs/newsletter.md)")
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
