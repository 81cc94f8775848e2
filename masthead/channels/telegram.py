"""Announcing a post in a Telegram channel through the Bot API.

The message is HTML (Telegram's parse mode), using only tags Telegram accepts (``b``,
``a``) and only the entities it knows (``&lt; &gt; &amp; &quot;``). Telegram counts a
message's length (4,096) and a photo's caption (1,024) in UTF-16 units; the excerpt is
shortened, as plain text before escaping, until the whole fits, so a tag or an entity is
never cut.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from masthead.channels import outbound

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Announcement:
    title: str
    excerpt: str  # plain text
    url: str
    image: str = ""  # an absolute image URL: a photo message


@dataclass(frozen=True)
class Reply:
    ok: bool
    message_id: str = ""
    retry_after: float | None = None  # 429: seconds Telegram asks us to wait
    error: str = ""
    permanent: bool = False  # a 4xx: trying again will not help


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def units(text: str) -> int:
    """Telegram's length: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def compose(item: Announcement, limit: int) -> str:
    """The message's HTML, at most ``limit`` units, the excerpt shortened to fit."""
    def build(excerpt: str) -> str:
        parts = [f"<b>{escape(item.title)}</b>"]
        if excerpt:
            parts.append(escape(excerpt))
        parts.append(f'<a href="{escape(item.url).replace(chr(34), "&quot;")}">'
                     f"{escape(item.url)}</a>")
        return "\n\n".join(parts)

    excerpt = " ".join(item.excerpt.split())
    text = build(excerpt)
    if units(text) > limit:
        # The longest opening, cut at a word, that fits (escaping makes the HTML longer
        # than the text by an amount only building it tells): a binary search over cuts.
        cuts = [i for i, ch in enumerate(excerpt) if ch == " "]
        low, high, best = 0, len(cuts) - 1, ""
        while low <= high:
            mid = (low + high) // 2
            candidate = excerpt[: cuts[mid]].rstrip(",;:.") + "…"
            if units(build(candidate)) <= limit:
                best, low = candidate, mid + 1
            else:
                high = mid - 1
        text = build(best)
    if units(text) > limit:  # a title and address too long for a caption: the title shortened
        text = build("")
        title = item.title
        while units(text) > limit and title:
            title = title[: max(0, len(title) - (units(text) - limit) - 1)].rstrip() + "…"
            text = build("").replace(f"<b>{escape(item.title)}</b>", f"<b>{escape(title)}</b>")
    return text


class Bot:
    """A bot token and the Bot API's address ([telegram] api_url)."""

    def __init__(self, api_url: str, token: str, *, allow_loopback: bool):
        self.base = f"{api_url.rstrip('/')}/bot{token}"
        self.allow_loopback = allow_loopback

    def call(self, method: str, **fields: object) -> Reply:
        answer = outbound.post(f"{self.base}/{method}", json=fields,
                               allow_loopback=self.allow_loopback)
        try:
            data = json.loads(answer.body)
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if answer.status == 200 and data.get("ok"):
            result = data.get("result")
            mid = result.get("message_id") if isinstance(result, dict) else None
            return Reply(ok=True, message_id=str(mid) if mid is not None else "")
        description = str(data.get("description") or f"Telegram answered {answer.status}")
        description = re.sub(r"bot\d+:[\w-]+", "bot…", description)[:300]
        if answer.status == 429:
            params = data.get("parameters") or {}
            after = params.get("retry_after") if isinstance(params, dict) else None
            return Reply(ok=False, retry_after=float(after) if isinstance(
                after, int | float) else 30.0, error=description)
        return Reply(ok=False, error=description, permanent=400 <= answer.status < 500)

    def announce(self, chat: str, item: Announcement) -> Reply:
        if item.image:
            return self.call("sendPhoto", chat_id=chat, photo=item.image, parse_mode="HTML",
                             caption=compose(item, CAPTION_LIMIT))
        return self.call("sendMessage", chat_id=chat, parse_mode="HTML",
                         text=compose(item, TEXT_LIMIT))

    def edit(self, chat: str, message_id: str, item: Announcement, *, photo: bool) -> Reply:
        if photo:
            reply = self.call("editMessageCaption", chat_id=chat, message_id=int(message_id),
                              parse_mode="HTML", caption=compose(item, CAPTION_LIMIT))
        else:
            reply = self.call("editMessageText", chat_id=chat, message_id=int(message_id),
                              parse_mode="HTML", text=compose(item, TEXT_LIMIT))
        if not reply.ok and "not modified" in reply.error:
            return Reply(ok=True, message_id=message_id)
        return reply

    def delete(self, chat: str, message_id: str) -> Reply:
        reply = self.call("deleteMessage", chat_id=chat, message_id=int(message_id))
        if not reply.ok and reply.permanent and "not found" in reply.error:
            return Reply(ok=True, message_id=message_id)  # already gone
        return reply
