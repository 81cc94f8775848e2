"""The only code that writes the mail server's settings and the DKIM key (the studio's
Email page). Each action is one transaction."""

from __future__ import annotations

from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from masthead.errors import ContentError
from masthead.jobs.queue import enqueue_build
from masthead.mail import keys, server
from masthead.mail.dns import domain_of
from masthead.mail.models import DkimKey, MailServer
from masthead.mail.secret import seal

_SECURITY = {value for value, _ in MailServer.SECURITY}


def _checked_sender(from_address: str) -> str:
    from_address = " ".join(from_address.split())
    _, address = parseaddr(from_address)
    try:
        validate_email(address)
    except ValidationError:
        raise ContentError("give an email address, e.g. Essays <essays@example.org>",
                           field="Sender address") from None
    return from_address


@transaction.atomic
def save_server(*, host: str, port: str, security: str, username: str, password: str,
                from_address: str, forget_password: bool = False) -> MailServer:
    """Store the mail server entered on the Email page. An empty password keeps the one
    stored (the page never shows it back); ``forget_password`` removes it."""
    host = host.strip()
    if not host or any(c.isspace() for c in host) or "/" in host:
        raise ContentError("give the mail server's name, e.g. smtp.example.org", field="Host")
    try:
        number = int(port)
    except ValueError:
        number = 0
    if not 0 < number < 65536:
        raise ContentError("give a number from 1 to 65535 (587 for STARTTLS, 465 for TLS)",
                           field="Port")
    if security not in _SECURITY:
        raise ContentError("choose STARTTLS, TLS or none", field="Security")
    sender = _checked_sender(from_address)
    was_configured = server.configured()
    row = MailServer.objects.select_for_update().filter(pk=1).first() or MailServer(pk=1)
    row.host, row.port, row.security = host, number, security
    row.username, row.from_address = username.strip(), sender
    if password:
        row.password = seal(password)
    elif forget_password:
        row.password = ""
    row.updated_at = timezone.now()
    row.save()
    if not was_configured:
        enqueue_build()  # the site's pages gain their sign-up form
    return row


@transaction.atomic
def make_dkim_key(selector: str = "masthead") -> DkimKey:
    """A new RSA key for DKIM, for the sender's domain. Replacing a key breaks signatures
    until the new record is published, so a key already there is kept."""
    row = DkimKey.objects.select_for_update().filter(pk=1).first()
    if row is not None:
        return row
    smtp = server.current()
    domain = domain_of(smtp.from_address) if smtp is not None else ""
    if not domain:
        raise ContentError("save a sender address first: the key is made for its domain",
                           field="Sender address")
    selector = selector.strip().lower() or "masthead"
    if not selector.replace("-", "").isalnum():
        raise ContentError("letters, digits and hyphens only", field="Selector")
    pem, public = keys.new_key()
    return DkimKey.objects.create(pk=1, domain=domain, selector=selector,
                                  private_key=seal(pem), public_key=public,
                                  created_at=timezone.now())
