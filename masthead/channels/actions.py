"""The channels' writes: adding and removing channels, and recording the events of a
post as deliveries. Each is one transaction; deliveries' jobs are queued in it, by name.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.channels.models import Channel, Delivery, Unannounced
from masthead.channels.webhooks import key_of
from masthead.config import load_config
from masthead.content.models import Post
from masthead.errors import MastheadError
from masthead.jobs.queue import enqueue

_NAME_RE = re.compile(r"^[\w.-]{1,60}$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_CHAT_RE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$")


class ChannelError(MastheadError):
    pass


def secret_for(channel: Channel) -> str:
    """The token or secret the channel names: the environment first, then masthead.toml's
    ``[secrets]``. Read at each delivery, never stored."""
    value = os.environ.get(channel.secret_env, "")
    if not value:
        value = load_config(settings.MASTHEAD_ROOT).secrets.get(channel.secret_env, "")
    if not value:
        raise ChannelError(f"channel '{channel.name}': {channel.secret_env} is not set (in "
                           "the environment, or under [secrets] in masthead.toml)")
    return value


@transaction.atomic
def add_channel(kind: str, target: str, secret_env: str, name: str = "") -> Channel:
    """A new channel: announces publications from now on, never those before."""
    target = target.strip()
    if kind == Channel.TELEGRAM:
        if not _CHAT_RE.match(target):
            raise ChannelError(f"'{target}' is not a Telegram channel: give @name or the "
                               "channel's numeric id (such as -1001234567890)")
        name = name or (target[1:] if target.startswith("@") else f"telegram{target}")
    elif kind == Channel.WEBHOOK:
        if not re.match(r"^https?://[^\s/]+", target):
            raise ChannelError(f"'{target}' is not an http(s) address")
        name = name or re.sub(r"[^\w.-]+", "-", target.split("://", 1)[1])[:60].strip("-")
    else:
        raise ChannelError(f"a channel is telegram or webhook, not '{kind}'")
    if not _NAME_RE.match(name):
        raise ChannelError(f"'{name}': a channel's name is letters, digits, '.', '_' or '-'")
    if not _ENV_RE.match(secret_env):
        raise ChannelError(f"'{secret_env}' is not an environment variable's name")
    if Channel.objects.filter(name=name).exists():
        raise ChannelError(f"there is already a channel named '{name}' (choose another "
                           "with --name)")
    channel = Channel(name=name, kind=kind, target=target, secret_env=secret_env,
                      created_at=timezone.now())
    secret = secret_for(channel)
    if kind == Channel.WEBHOOK:
        key_of(secret)
    channel.save()
    return channel


@transaction.atomic
def remove_channel(name: str) -> None:
    deleted, _ = Channel.objects.filter(name=name).delete()
    if not deleted:
        raise ChannelError(f"there is no channel named '{name}'")


@transaction.atomic
def resume_channel(name: str) -> int:
    """Start a paused channel again: its waiting deliveries are queued now."""
    channel = Channel.objects.select_for_update().filter(name=name).first()
    if channel is None:
        raise ChannelError(f"there is no channel named '{name}'")
    channel.paused, channel.failures = False, 0
    channel.save(update_fields=["paused", "failures"])
    pending = channel.deliveries.filter(state__in=[Delivery.QUEUED, Delivery.RETRYING])
    waiting = list(pending.values_list("id", flat=True))
    pending.update(next_at=None)  # now, not when their back-off would have ended
    for delivery_id in waiting:
        enqueue("channels.deliver", delivery_id)
    return len(waiting)


@transaction.atomic
def set_announce(post_id: int, announce: bool) -> None:
    """The editor's "do not announce" switch."""
    if announce:
        Unannounced.objects.filter(post_id=post_id).delete()
    else:
        Unannounced.objects.get_or_create(post_id=post_id)


def _queue(delivery: Delivery, now: dt.datetime, *, fresh: bool = False) -> None:
    if fresh:
        delivery.round += 1
    delivery.state, delivery.attempt, delivery.next_at = Delivery.QUEUED, 0, None
    delivery.queued_at, delivery.last_error = now, ""
    delivery.save()
    enqueue("channels.deliver", delivery.pk)


@transaction.atomic
def record_event(post_id: int, event: str, at: dt.datetime) -> int:
    """The deliveries an event of a post makes, one per channel (the announce job).

    A publication is announced on channels that existed at ``at``; a post already
    announced there is edited instead. An edit or an unpublication reaches only the
    channels where the post was announced. Returns how many deliveries were queued."""
    post = Post.objects.filter(pk=post_id, kind=Post.POST).first()
    if post is None:
        return 0
    now, queued = timezone.now(), 0
    for channel in Channel.objects.filter(created_at__lte=at).order_by("id"):
        rows = {d.event: d for d in Delivery.objects.select_for_update().filter(
            post=post, channel=channel)}
        first = rows.get(Delivery.PUBLISHED)
        gone = rows.get(Delivery.UNPUBLISHED)
        if event == Delivery.PUBLISHED and first is None:
            if Unannounced.objects.filter(post=post).exists():
                continue
            _queue(Delivery(post=post, channel=channel, event=event, queued_at=now), now)
        elif event == Delivery.PUBLISHED and gone is not None and gone.state != Delivery.CANCELLED:
            # Taken down, now back: a new announcement (the old message was deleted).
            gone.state = Delivery.CANCELLED
            gone.save(update_fields=["state"])
            first.remote_id = ""
            _queue(first, now, fresh=True)
        elif first is None:
            continue  # never announced here: nothing to edit or delete
        else:
            kind = Delivery.UPDATED if event == Delivery.PUBLISHED else event
            row = rows.get(kind) or Delivery(post=post, channel=channel, event=kind,
                                             round=0, queued_at=now)
            _queue(row, now, fresh=True)
        queued += 1
    return queued
