"""``masthead post ...``: the studio's publishing buttons, for writers in a terminal.

Each command calls the same action as the studio's button (masthead/publishing/), so
it starts the same jobs: a build, the newsletter's send. The jobs run in the worker
(``masthead serve`` starts one; ``masthead worker`` is one). Commands import the site's
modules inside their bodies: ``masthead --help`` loads no Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from masthead.cli.common import SiteOption, cli, out
from masthead.errors import MastheadError

if TYPE_CHECKING:
    from masthead.content.models import Post

STATUSES = ["draft", "scheduled", "published", "unpublished", "trashed"]
JOBS_RUN = "the worker of `masthead serve` (or `masthead worker`) makes it live"


@cli.group(name="post")
def post_() -> None:
    """Posts and pages: list, publish, schedule, unpublish, trash, restore."""


def _find(slug: str, page: bool) -> Post:
    """The post (or, with --page, the page) with this slug, or one line saying why not."""
    from masthead.content.models import Post

    found = list(Post.objects.filter(slug=slug.strip().lower(),
                                     **({"kind": Post.PAGE} if page else {})))
    if not found:
        what = "page" if page else "post or page"
        raise MastheadError(f"no {what} has the slug '{slug}' (see `masthead post list`)")
    if len(found) > 1:
        raise MastheadError(f"'{slug}' is the slug of a post and of a page: add --page "
                            "for the page, or give the post another slug")
    return found[0]


def _act(slug: str, what):
    """Run an action on a post; its refusal becomes one line naming the post."""
    from masthead.errors import ContentError

    try:
        return what()
    except ContentError as exc:
        raise MastheadError(f"'{slug}': {exc.reason}") from None


def _when(post: Post) -> str:
    from masthead.content.models import get_site
    from masthead.studio.dates import site_time

    return site_time(post.published_at, get_site().timezone)


_page = click.option("--page", is_flag=True, help="The page with this slug, not the post.")


@post_.command(name="list")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Only posts with this status (trashed: those in the Trash).")
@click.pass_obj
def post_list(site: SiteOption, status: str | None) -> None:
    """Posts and pages, newest first: status, date (the site's time zone: a draft's is
    its last change), slug, title and byline. The Trash is listed with --status trashed."""
    site.open()
    from django.db.models.functions import Coalesce

    from masthead.content.models import Post, PostAuthor, get_site
    from masthead.studio.dates import site_time

    site_row = get_site()
    zone = site_row.timezone
    posts = Post.objects.exclude(status=Post.TRASHED) if status is None else \
        Post.objects.filter(status=status)
    # Newest first by the date shown: the publishing date, or a draft's last change.
    posts = posts.annotate(shown=Coalesce("published_at", "modified_at")).order_by(
        "-shown", "-id")
    rows = list(posts.values_list("id", "kind", "status", "shown", "slug", "title"))
    authors: dict[int, list[str]] = {}
    for post_id, name in PostAuthor.objects.filter(post_id__in=[r[0] for r in rows]) \
            .order_by("position").values_list("post_id", "author__name"):
        authors.setdefault(post_id, []).append(name)
    if not rows:
        out.print("No posts." if status is None else f"No {status} posts.")
        return
    for post_id, kind, state, when, slug, title in rows:
        byline = ", ".join(authors.get(post_id, [])) or site_row.author or "no author"
        shown = site_time(when, zone) if when else "-"
        label = state if kind == Post.POST else f"{state} page"
        out.print(f"{label:<16} {shown:<24} {slug:<32} {title} ({byline})", markup=False)


@post_.command(name="publish")
@click.argument("slug")
@click.option("--email", is_flag=True, help="Also send it to the newsletter's subscribers.")
@_page
@click.pass_obj
def post_publish(site: SiteOption, slug: str, email: bool, page: bool) -> None:
    """Publish now (or update a published post's page)."""
    site.open(studio=True)
    from django.conf import settings

    from masthead.publishing.actions import publish_post

    post = _find(slug, page)
    if email and settings.MASTHEAD_SMTP is None:
        raise MastheadError(f"'{slug}': --email needs a mail server: add an [smtp] section "
                            "to masthead.toml")
    post = _act(slug, lambda: publish_post(None, post.pk, email=email))
    out.print(f"Published '{post.title}' at {post.address()}"
              + (", and queued for the subscribers" if email else "") + f"; {JOBS_RUN}.",
              markup=False)


@post_.command(name="schedule")
@click.argument("slug")
@click.option("--at", "at", required=True, metavar='"YYYY-MM-DD HH:MM"',
              help="When, in the site's time zone.")
@click.option("--email", is_flag=True, help="Also send it to the subscribers then.")
@_page
@click.pass_obj
def post_schedule(site: SiteOption, slug: str, at: str, email: bool, page: bool) -> None:
    """Publish at a time to come (a time already past publishes now)."""
    site.open(studio=True)
    import datetime as dt
    import zoneinfo

    from django.conf import settings

    from masthead.content.models import get_site
    from masthead.publishing.actions import schedule_post

    post = _find(slug, page)
    try:
        naive = dt.datetime.fromisoformat(at.strip())
    except ValueError:
        raise MastheadError(f"'{slug}': --at must be a date and time such as "
                            f'"2026-12-24 09:00", not "{at}"') from None
    if email and settings.MASTHEAD_SMTP is None:
        raise MastheadError(f"'{slug}': --email needs a mail server: add an [smtp] section "
                            "to masthead.toml")
    when = naive if naive.tzinfo else naive.replace(
        tzinfo=zoneinfo.ZoneInfo(get_site().timezone))
    post = _act(slug, lambda: schedule_post(None, post.pk, when, email=email))
    if post.status == post.SCHEDULED:
        out.print(f"Scheduled '{post.title}' for {_when(post)}.", markup=False)
    else:
        out.print(f"That time has passed: published '{post.title}' now; {JOBS_RUN}.",
                  markup=False)


@post_.command(name="unpublish")
@click.argument("slug")
@_page
@click.pass_obj
def post_unpublish(site: SiteOption, slug: str, page: bool) -> None:
    """Take a post off the site (it stays a draft you can publish again)."""
    site.open(studio=True)
    from masthead.publishing.actions import unpublish_post

    post = _find(slug, page)
    post = _act(slug, lambda: unpublish_post(None, post.pk))
    out.print(f"Unpublished '{post.title}'.", markup=False)


@post_.command(name="trash")
@click.argument("slug")
@click.option("--replace-with", "replacement", default=None, metavar="SLUG",
              help="A published post whose address readers are sent to instead of "
                   "410 Gone.")
@_page
@click.pass_obj
def post_trash(site: SiteOption, slug: str, replacement: str | None, page: bool) -> None:
    """Move a post to the Trash (restorable for 30 days); its address answers 410 Gone."""
    site.open(studio=True)
    from masthead.publishing.trash import KEPT_FOR, trash_post

    post = _find(slug, page)
    other = _find(replacement, False) if replacement else None
    post = _act(slug, lambda: trash_post(None, post.pk,
                                         replacement_id=other.pk if other else None))
    out.print(f"Moved '{post.title}' to the Trash; `masthead post restore {post.slug}` "
              f"brings it back within {KEPT_FOR.days} days.", markup=False)


@post_.command(name="restore")
@click.argument("slug")
@_page
@click.pass_obj
def post_restore(site: SiteOption, slug: str, page: bool) -> None:
    """Take a post out of the Trash, as it was (a published post back at its address)."""
    site.open(studio=True)
    from masthead.publishing.trash import restore_post

    post = _find(slug, page)
    post = _act(slug, lambda: restore_post(None, post.pk))
    out.print(f"Restored '{post.title}' ({post.get_status_display()}).", markup=False)
