"""One delivery, one attempt: what it sends, and what its answer does to the record.

Telegram's 429 is honoured with its ``retry_after`` (a webhook's with ``Retry-After``);
a 5xx, a timeout or a refused connection is tried again after ``[channels] first_retry``
seconds, doubling each time, for a day; any other refusal (a 4xx: a wrong token, a chat
the bot is not in) fails at once. A channel whose attempts fail ten times in a row is
paused until resumed. A delivery already sent is done: re-running never posts twice.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.channels import telegram, webhooks
from masthead.channels.actions import ChannelError, secret_for
from masthead.channels.models import Channel, Delivery
from masthead.channels.outbound import OutboundError, RefusedAddress
from masthead.config import load_config
from masthead.content.models import Post, get_site
from masthead.render import markdown

GIVE_UP_AFTER = dt.timedelta(days=1)
MAX_WAIT = dt.timedelta(hours=6)
PAUSE_AFTER = 10  # failed attempts in a row
_IMG_RE = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


def announcement_of(post: Post) -> telegram.Announcement:
    """The title, the opening of the text (longer than a listing's excerpt: the message
    has room), the post's address and its first image."""
    site = get_site()
    url = urljoin(site.url, post.address(site))
    if post.excerpt:
        text = markdown.plain_text(markdown.render_fragment(post.excerpt))
    else:
        main = post.body_html.split('<section id="footnotes"', 1)[0].split(
            '<section id="bibliography"', 1)[0]
        text = " ".join(markdown.plain_text(p) for p in main.split("<p>")[1:12])
        text = text or post.auto_excerpt
    found = _IMG_RE.search(post.body_html)
    image = urljoin(url, found.group(1).replace("&amp;", "&")) if found else ""
    return telegram.Announcement(title=post.title, excerpt=" ".join(text.split())[:6000],
                                 url=url, image=image)


def event_data(post: Post) -> dict:
    item = announcement_of(post)
    return {"id": post.pk, "title": post.title, "url": item.url, "excerpt": post.auto_excerpt
            or item.excerpt[:280], "image": item.image or None,
            "published_at": post.published_at.isoformat() if post.published_at else None,
            "updated_at": post.updated_at.isoformat() if post.updated_at else None}


class Outcome:
    def __init__(self, ok: bool, *, remote_id: str = "", photo: bool = False,
                 error: str = "", wait: float | None = None, permanent: bool = False):
        self.ok, self.remote_id, self.photo = ok, remote_id, photo
        self.error, self.wait, self.permanent = error, wait, permanent


def _from_reply(reply: telegram.Reply, photo: bool = False) -> Outcome:
    return Outcome(reply.ok, remote_id=reply.message_id, photo=photo, error=reply.error,
                   wait=reply.retry_after, permanent=reply.permanent)


def attempt(delivery: Delivery, first: Delivery | None) -> Outcome:
    """Send the delivery's event now (no database writes)."""
    channel, post = delivery.channel, delivery.post
    config = load_config(settings.MASTHEAD_ROOT).outbound
    secret = secret_for(channel)
    if channel.kind == Channel.WEBHOOK:
        answer = webhooks.send(channel.target, secret, f"msg_{delivery.pk}_{delivery.round}",
                               delivery.event, event_data(post),
                               allow_loopback=config.allow_loopback)
        if 200 <= answer.status < 300:
            return Outcome(True)
        wait = None
        if answer.status == 429:
            after = answer.headers.get("retry-after", "")
            wait = float(after) if after.isdigit() else 60.0
        return Outcome(False, error=f"the receiver answered {answer.status}", wait=wait,
                       permanent=400 <= answer.status < 500 and answer.status not in (408, 429))
    bot = telegram.Bot(config.telegram_api_url, secret, allow_loopback=config.allow_loopback)
    if delivery.event == Delivery.PUBLISHED:
        item = announcement_of(post)
        return _from_reply(bot.announce(channel.target, item), photo=bool(item.image))
    if first is None or not first.remote_id:
        return Outcome(True)  # the announcement is not out: it will carry the change
    if delivery.event == Delivery.UPDATED:
        return _from_reply(bot.edit(channel.target, first.remote_id, announcement_of(post),
                                    photo=first.photo))
    return _from_reply(bot.delete(channel.target, first.remote_id))


def deliver(delivery_id: int) -> dt.datetime | None:
    """Make one attempt at a delivery; when it should be tried again, or None."""
    with transaction.atomic():
        delivery = Delivery.objects.select_related("channel", "post").select_for_update(
            of=("self",)).filter(pk=delivery_id).first()
        if delivery is None or delivery.state not in (Delivery.QUEUED, Delivery.RETRYING):
            return None
        now = timezone.now()
        if delivery.next_at and delivery.next_at > now:
            return delivery.next_at
        if delivery.channel.paused:
            return None  # resuming the channel queues it again
        if delivery.event == Delivery.PUBLISHED and delivery.post.status != Post.PUBLISHED:
            delivery.state = Delivery.CANCELLED
            delivery.save(update_fields=["state"])
            return None
        first = None
        if delivery.event != Delivery.PUBLISHED:
            first = Delivery.objects.filter(post=delivery.post, channel=delivery.channel,
                                            event=Delivery.PUBLISHED).first()
            if first is not None and first.state in (Delivery.QUEUED, Delivery.RETRYING):
                return now + dt.timedelta(seconds=load_config(
                    settings.MASTHEAD_ROOT).outbound.first_retry)  # the announcement first
    # The request is made outside the transaction: a slow peer holds no lock.
    try:
        outcome = attempt(delivery, first)
    except RefusedAddress as exc:
        outcome = Outcome(False, error=str(exc), permanent=True)
    except (OutboundError, ChannelError, webhooks.BadSecret) as exc:
        outcome = Outcome(False, error=str(exc))
    return _record(delivery_id, outcome)


@transaction.atomic
def _record(delivery_id: int, outcome: Outcome) -> dt.datetime | None:
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:
        return None
    channel = Channel.objects.select_for_update().get(pk=delivery.channel_id)
    now = timezone.now()
    delivery.attempt += 1
    if outcome.ok:
        delivery.state, delivery.sent_at, delivery.next_at = Delivery.SENT, now, None
        delivery.last_error = ""
        if delivery.event == Delivery.PUBLISHED:
            delivery.remote_id, delivery.photo = outcome.remote_id, outcome.photo
        delivery.save()
        if channel.failures or channel.last_error:
            channel.failures, channel.last_error = 0, ""
            channel.save(update_fields=["failures", "last_error"])
        return None
    delivery.last_error = outcome.error[:500]
    channel.failures += 1
    channel.last_error = outcome.error[:500]
    if channel.failures >= PAUSE_AFTER:
        channel.paused = True
    channel.save(update_fields=["failures", "last_error", "paused"])
    if outcome.permanent or now - delivery.queued_at > GIVE_UP_AFTER:
        delivery.state, delivery.next_at = Delivery.FAILED, None
        delivery.save()
        return None
    if outcome.wait is not None:
        wait = dt.timedelta(seconds=outcome.wait)
    else:
        first = load_config(settings.MASTHEAD_ROOT).outbound.first_retry
        wait = min(dt.timedelta(seconds=first * 2 ** (delivery.attempt - 1)), MAX_WAIT)
    delivery.state, delivery.next_at = Delivery.RETRYING, now + wait
    delivery.save()
    return None if channel.paused else delivery.next_at
