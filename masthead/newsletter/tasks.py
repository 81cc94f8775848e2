"""Newsletter jobs: each takes a subscriber id and checks the current state first."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from masthead.errors import ContentError
from masthead.mail import server as mail_server
from masthead.newsletter import links
from masthead.newsletter.models import Subscriber
from masthead.newsletter.sending import deliver, prepare
from masthead.sitegen.snapshot import current_site
from masthead.translation import load as load_words


def _say(site, message: str, /, **values: str) -> str:
    """A phrase of the emails in the site's language, with the site's own wording."""
    try:
        words = load_words(site.language, getattr(settings, "MASTHEAD_ROOT", None))
    except ContentError:  # the site's wording has a mistake: the build reports it
        words = load_words(site.language)
    return words.gettext(message) % values


def _send(to: str, subject: str, body: str) -> None:

    EmailMessage(subject=subject, body=body, to=[to]).send()


@task()
def send_confirmation(subscriber_id: int) -> str:

    sub = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.PENDING).first()
    if sub is None or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    _send(sub.email, _say(site, "Confirm your subscription to %(site)s", site=site.title),
          _say(site, "Someone (hopefully you) asked for %(site)s's newsletter at %(email)s.",
               site=site.title, email=sub.email) + "\n\n"
          + _say(site, "To confirm, open this link (it works for a week):") + "\n\n"
          f"{links.url(sub.pk, 'confirm')}\n\n"
          + _say(site, "If it was not you, ignore this email: you will get nothing more.")
          + "\n")
    return "sent"


@task()
def send_welcome(subscriber_id: int) -> str:

    sub = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.CONFIRMED).first()
    if sub is None or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    _send(sub.email, _say(site, "Welcome to %(site)s", site=site.title),
          _say(site, "You are subscribed: every new post of %(site)s will come to %(email)s.",
               site=site.title, email=sub.email) + "\n\n"
          + _say(site, "Read what is already there: %(url)s", url=site.url) + "\n\n"
          + _say(site, "To stop, or to change your address: %(url)s",
                 url=links.url(sub.pk, "manage")) + "\n")
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
