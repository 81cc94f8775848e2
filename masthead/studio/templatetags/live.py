"""``{% post_live_state post as live %}``: the editor's "Live · View post" line, drawn on
the server too, so that it shows with JavaScript off (see masthead/studio/views/live.py)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def post_live_state(post) -> dict:
    from masthead.studio.views.live import PENDING, live_state

    if post is None:
        return {}
    state = live_state(post)
    return {**state, "pending": state["state"] in PENDING}
