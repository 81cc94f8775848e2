"""``masthead channel test`` and the studio's "send a test": one message or event sent
now, its outcome in a line. A success starts a paused channel again."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone

from masthead.channels import telegram, webhooks
from masthead.channels.actions import ChannelError, resume_channel, secret_for
from masthead.channels.models import Channel
from masthead.channels.outbound import OutboundError
from masthead.config import load_config
from masthead.content.models import get_site


def send_test(name: str) -> str:
    channel = Channel.objects.filter(name=name).first()
    if channel is None:
        raise ChannelError(f"there is no channel named '{name}'")
    config = load_config(settings.MASTHEAD_ROOT).outbound
    site = get_site()
    secret = secret_for(channel)
    try:
        if channel.kind == Channel.WEBHOOK:
            answer = webhooks.send(channel.target, secret, f"msg_test_{uuid.uuid4().hex}",
                                   "test", {"site": site.title, "url": site.url,
                                            "sent_at": timezone.now().isoformat()},
                                   allow_loopback=config.allow_loopback)
            ok = 200 <= answer.status < 300
            result = f"the receiver answered {answer.status}"
        else:
            bot = telegram.Bot(config.telegram_api_url, secret,
                               allow_loopback=config.allow_loopback)
            reply = bot.call("sendMessage", chat_id=channel.target, parse_mode="HTML",
                             text=f"Test from <b>{telegram.escape(site.title)}</b>: new posts "
                                  "will be announced here.")
            ok = reply.ok
            result = f"message {reply.message_id} sent" if ok else reply.error
    except OutboundError as exc:
        raise ChannelError(f"channel '{name}': {exc}") from None
    if not ok:
        raise ChannelError(f"channel '{name}': {result}")
    if channel.paused:
        resume_channel(name)
        result += " (the channel was paused: it is active again)"
    return f"{name}: {result}"
