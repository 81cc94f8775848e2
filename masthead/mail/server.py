"""Which mail server the site uses, read at the moment of sending.

Precedence, highest first (docs/newsletter.md says the same):

1. masthead.toml's ``[smtp]`` section: the operator's file wins, whole, over the studio
   (the Email page then shows its values and says they come from the file);
2. the studio's Email page (stored in the database).

The password: ``MASTHEAD_SMTP_PASSWORD`` in the environment when it is set, else the one
entered on the Email page (encrypted). Read per send, not per process, so a change on the
Email page reaches the server and the worker at once.
"""

from __future__ import annotations

from django.conf import settings

from masthead.config import SmtpConfig
from masthead.mail.models import MailServer
from masthead.mail.secret import unseal


def from_file() -> SmtpConfig | None:
    """masthead.toml's [smtp], if it has one."""
    return getattr(settings, "MASTHEAD_SMTP", None)


def stored() -> MailServer | None:
    return MailServer.objects.filter(pk=1).first()


def current() -> SmtpConfig | None:
    """The mail server to send through now, or None (no mail can be sent)."""
    config = from_file()
    if config is not None:
        return config
    row = stored()
    if row is None or not row.host or not row.from_address:
        return None
    return SmtpConfig(host=row.host, port=row.port, security=row.security,
                      username=row.username, from_address=row.from_address,
                      stored_password=unseal(row.password, "SMTP password"))


def configured() -> bool:
    """Whether mail can be sent (the sign-up form, invitations and resets depend on it)."""
    if from_file() is not None:
        return True
    row = stored()
    return row is not None and bool(row.host and row.from_address)
