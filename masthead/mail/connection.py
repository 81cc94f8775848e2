"""A connection to the mail server (or to the outbox folder), logged in and ready."""

from __future__ import annotations

import smtplib
import ssl

from masthead.config import SmtpConfig
from masthead.mail.outbox import FolderConnection


def connect(smtp: SmtpConfig, timeout: float = 60) -> smtplib.SMTP | FolderConnection:
    if smtp.folder is not None:
        return FolderConnection(smtp.folder)
    if smtp.security == "tls":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        if smtp.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
    if smtp.username:
        conn.login(smtp.username, smtp.password)
    return conn
