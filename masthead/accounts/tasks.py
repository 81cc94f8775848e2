"""Accounts' jobs (enqueued by name: ``"accounts.send_password_reset"``)."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from masthead.accounts.models import User
from masthead.mail import server as mail_server
from masthead.sitegen.snapshot import current_site


@task()
def send_password_reset(user_id: int) -> str:
    """Email a one-hour link that sets a new password (it stops working once used,
    because the token covers the password hash)."""


    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    # The site's own address, never the Host header a request happened to carry.
    link = f"{site.origin}/studio/password/reset/{uid}/{default_token_generator.make_token(user)}/"
    EmailMessage(
        subject=f"Set a new password for {site.title}",
        body=(f"Someone (hopefully you) asked to set a new password for {user.email} on "
              f"{site.title}.\n\nThis link works for an hour, once:\n\n{link}\n\n"
              "If you did not ask, ignore this email: your password stays as it is.\n"),
        to=[user.email],
    ).send()
    return "sent"
