"""Accounts' jobs (enqueued by name: ``"accounts.send_password_reset"``)."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from masthead.accounts import links
from masthead.accounts.models import Invitation, User
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


@task()
def send_invitation(invitation_id: int) -> str:
    """Email the invitation's link (a withdrawn, used or expired one: nothing)."""
    inv = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True,
                                    revoked_at__isnull=True).select_related("invited_by").first()
    if inv is None or inv.expires_at <= timezone.now() or not mail_server.configured():
        return "nothing to send"
    site = current_site()
    who = inv.invited_by.display_name if inv.invited_by else site.title
    EmailMessage(
        subject=f"{who} invites you to write for {site.title}",
        body=(f"{who} invites you to {site.title}'s studio as {inv.get_role_display().lower()}"
              f".\n\nTo accept, open this link and choose a password (it works once, until "
              f"{inv.expires_at:%-d %B %Y}):\n\n{links.invitation_url(site.origin, inv)}\n\n"
              "If you do not know why you got this, ignore it: nothing happens.\n"),
        to=[inv.email],
    ).send()
    return "sent"
