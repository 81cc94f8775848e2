"""The channels' jobs: ``channels.announce`` (publishing names it on publish, edit and
unpublish) fans a post's event out to a delivery per channel; ``channels.deliver`` makes
one attempt at one delivery and, if it must be tried again, queues itself for then."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from masthead.channels.actions import record_event
from masthead.channels.delivery import deliver as deliver_once
from masthead.jobs.queue import enqueue


@task()
def announce(post_id: int, event: str, at: str) -> str:
    queued = record_event(post_id, event, dt.datetime.fromisoformat(at))
    return f"{queued} deliveries"


@task()
def deliver(delivery_id: int) -> str:
    again = deliver_once(delivery_id)
    if again is None:
        return "done"
    with transaction.atomic():
        enqueue("channels.deliver", delivery_id, when=again)
    return f"again at {again:%H:%M:%S}"
