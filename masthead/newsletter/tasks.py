"""Newsletter jobs: each takes a subscriber id and checks the current state first."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task

from masthead.mail import server as mail_server
from masthead.newsletter import links
from masthead.newsletter.models import Subscriber
from masthead.newsletter.sending import deliver, prepare
from masthead.sitegen.snapshot import current_site


def _send(to: str, subject: str, body: str) -> None:

    EmailMessage(subject=subject, body=body, to=[to]).send()


@task()
def send_confirmation(subscriber_id: int) -> str:

    sub = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.PENDING).first()
    if sub is None or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    _send(sub.email, f"Confirm your subscription to {site.title}",
          f"Someone (hopefully you) asked for {site.title}'s newsletter at {sub.email}.\n\n"
          f"To confirm, open this link (it works for a week):\n\n"
          f"{links.url(sub.pk, 'confirm')}\n\n"
          "If it was not you, ignore this email: you will get nothing more.\n")
    return "sent"


@task()
def send_welcome(subscriber_id: int) -> str:

    sub = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.CONFIRMED).first()
    if sub is None or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    _send(sub.email, f"Welcome to {site.title}",
          f"You are subscribed: every new post of {site.title} will come to {sub.email}.\n\n"
          f"Read what is already there: {site.url}\n\n"
          f"To stop, or to change your address: {links.url(sub.pk, 'manage')}\n")
    return "sent"


@task()
def prepare_send(send_id: int) -> str:
    """Render the post and make the deliveries, then queue a job per batch."""

    batches = prepare(send_id)
    for first, last in batches:
        deliver_batch.enqueue(send_id, first, last)
    return f"{len(batches)} batches"


@task()
def deliver_batch(send_id: int, first: int, last: int) -> str:
    """Send one batch; what failed for now comes back later as a job of its own."""

    if not mail_server.configured():
        return "no mail server"
    sent, failed, retry_at = deliver(send_id, first, last)
    if retry_at is not None:
        deliver_batch.using(run_after=retry_at).enqueue(send_id, first, last)
    return f"{sent} sent, {failed} failed" + (f", retry at {retry_at:%H:%M:%S}" if retry_at else "")
