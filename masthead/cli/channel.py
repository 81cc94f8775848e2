"""``masthead channel ...``: the Telegram channels and webhooks every publication is
announced to (docs/channels.md). Secrets stay in the environment or masthead.toml's
``[secrets]``: a channel stores only the name of the variable that holds its own."""

from __future__ import annotations

import click

from masthead.cli.common import SiteOption, cli, out


@cli.group(name="channel")
def channel_() -> None:
    """Telegram channels and webhooks that announce new posts."""


@channel_.group(name="add")
def channel_add() -> None:
    """Add a channel: publications from now on are announced there."""


@channel_add.command(name="telegram")
@click.option("--token-env", required=True, metavar="VAR",
              help="The environment variable (or [secrets] entry) holding the bot's token.")
@click.option("--chat", required=True, metavar="@NAME|ID",
              help="The channel: @name, or its numeric id (-100...).")
@click.option("--name", default="", help="What to call it here (default: the chat).")
@click.pass_obj
def add_telegram(site: SiteOption, token_env: str, chat: str, name: str) -> None:
    """Announce new posts in a Telegram channel, through a bot that is its admin."""
    site.open(studio=True)
    from masthead.channels.actions import add_channel

    channel = add_channel("telegram", chat, token_env, name)
    out.print(f"Added channel {channel.name}: Telegram {channel.target}, token from "
              f"{channel.secret_env}. Try it with `masthead channel test {channel.name}`.",
              markup=False)


@channel_add.command(name="webhook")
@click.argument("url")
@click.option("--secret-env", required=True, metavar="VAR",
              help="The environment variable (or [secrets] entry) holding the whsec_ secret.")
@click.option("--name", default="", help="What to call it here (default: from the URL).")
@click.pass_obj
def add_webhook(site: SiteOption, url: str, secret_env: str, name: str) -> None:
    """Send post.published, post.updated and post.unpublished to URL, signed by the
    Standard Webhooks scheme."""
    site.open(studio=True)
    from masthead.channels.actions import add_channel

    channel = add_channel("webhook", url, secret_env, name)
    out.print(f"Added channel {channel.name}: webhook {channel.target}, signed with "
              f"{channel.secret_env}.", markup=False)


@channel_.command(name="list")
@click.pass_obj
def channel_list(site: SiteOption) -> None:
    """Each channel, its state and its deliveries."""
    site.open(studio=True)
    from django.db.models import Count

    from masthead.channels.models import Channel

    for channel in Channel.objects.order_by("name"):
        counts = dict(channel.deliveries.values_list("state").annotate(n=Count("id")))
        state = "paused" if channel.paused else "active"
        tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no deliveries"
        line = f"{channel.name}\t{channel.kind}\t{channel.target}\t{state}\t{tally}"
        if channel.last_error:
            line += f"\tlast error: {channel.last_error}"
        click.echo(line)  # tab-separated, for scripts (rich would expand the tabs)


@channel_.command(name="deliveries")
@click.argument("name")
@click.option("--last", default=20, show_default=True, help="How many, newest first.")
@click.pass_obj
def channel_deliveries(site: SiteOption, name: str, last: int) -> None:
    """A channel's last deliveries: post, event, state, attempts, next try, last error."""
    site.open(studio=True)
    from django.utils import timezone

    from masthead.channels.models import Delivery

    now = timezone.now()
    for d in Delivery.objects.filter(channel__name=name).select_related("post").order_by(
            "-queued_at", "-id")[:last]:
        line = f"{d.post.slug}\t{d.event}\t{d.state}\tattempt {d.attempt}"
        if d.next_at and d.state == Delivery.RETRYING:
            line += f"\tnext in {max(0, (d.next_at - now).total_seconds()):.0f} s"
        if d.remote_id:
            line += f"\tmessage {d.remote_id}"
        if d.last_error:
            line += f"\t{d.last_error}"
        click.echo(line)


@channel_.command(name="test")
@click.argument("name")
@click.pass_obj
def channel_test(site: SiteOption, name: str) -> None:
    """Send a test message (Telegram) or test event (webhook) now and say what came back."""
    site.open(studio=True)
    from masthead.channels.testing import send_test

    out.print(send_test(name), markup=False)


@channel_.command(name="quiet")
@click.argument("slug")
@click.option("--undo", is_flag=True, help="Announce it after all.")
@click.pass_obj
def channel_quiet(site: SiteOption, slug: str, undo: bool) -> None:
    """Do not announce the post SLUG when it is published (the editor's switch)."""
    site.open(studio=True)
    from masthead.channels.actions import ChannelError, set_announce
    from masthead.content.models import Post

    post = Post.objects.filter(kind=Post.POST, slug=slug).first()
    if post is None:
        raise ChannelError(f"there is no post with the slug '{slug}'")
    set_announce(post.pk, undo)
    out.print(f"'{post.title}' will {'' if undo else 'not '}be announced when published.",
              markup=False)


@channel_.command(name="resume")
@click.argument("name")
@click.pass_obj
def channel_resume(site: SiteOption, name: str) -> None:
    """Start a channel paused after failures again; its waiting deliveries go out."""
    site.open(studio=True)
    from masthead.channels.actions import resume_channel

    out.print(f"Resumed {name}: {resume_channel(name)} deliveries queued.", markup=False)


@channel_.command(name="remove")
@click.argument("name")
@click.pass_obj
def channel_remove(site: SiteOption, name: str) -> None:
    """Remove a channel and its delivery records (its messages stay where they are)."""
    site.open(studio=True)
    from masthead.channels.actions import remove_channel

    remove_channel(name)
    out.print(f"Removed channel {name}.", markup=False)
