"""Members' jobs (enqueued by name: ``"members.send_link"``)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task

from masthead.mail import server as mail_server
from masthead.members import actions
from masthead.members.models import MagicLink
from masthead.members.words import say
from masthead.sitegen.snapshot import current_site


@task()
def send_link(link_id: int) -> str:
    """Mail a sign-in link, or the confirmation of a new address (to that address)."""
    if not mail_server.configured():
        return "nothing to send"
    issued = actions.issue_link(link_id)
    if issued is None:
        return "nothing to send"
    link, token = issued
    site = current_site()
    # The site's own address, never the Host header a request happened to carry.
    if link.purpose == MagicLink.SIGNIN:
        url = f"{site.origin}/members/signin/{token}/"
        subject = say("Sign in to %(site)s", site=site.title)
        body = (say("Someone (hopefully you) asked to sign in to %(site)s as %(email)s.",
                    site=site.title, email=link.subscriber.email) + "\n\n"
                + say("This link signs you in once, within 24 hours:") + f"\n\n{url}\n\n")
        to = link.subscriber.email
    else:
        url = f"{site.origin}/members/email/{token}/"
        subject = say("Confirm your new address for %(site)s", site=site.title)
        body = (say("Someone (hopefully you) asked to use %(email)s for %(site)s.",
                    site=site.title, email=link.new_email) + "\n\n"
                + say("This link confirms it once, within 24 hours:") + f"\n\n{url}\n\n")
        to = link.new_email
    body += say("If it was not you, ignore this email: nothing changes.") + "\n"
    EmailMessage(subject=subject, body=body, to=[to]).send()
    return "sent"
