"""Django's email backend for the site: every message Django sends (password resets,
invitations, confirmations) goes through the mail server in use at that moment (see
:mod:`masthead.mail.server`), from the site's sender address. With none set up,
messages are dropped, as Django's dummy backend does."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

from masthead.mail import server
from masthead.mail.connection import connect


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        config = server.current()
        if config is None or not email_messages:
            return 0
        sent = 0
        try:
            conn = connect(config, timeout=30)
        except (OSError, smtplib.SMTPException):
            if self.fail_silently:
                return 0
            raise
        try:
            for message in email_messages:
                message.from_email = config.from_address
                recipients = message.recipients()
                if not recipients:
                    continue
                conn.sendmail(config.from_address, recipients,
                              message.message().as_bytes(linesep="\r\n"))
                sent += 1
        except (OSError, smtplib.SMTPException):
            if not self.fail_silently:
                raise
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
        return sent
