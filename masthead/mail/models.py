"""The mail server and DKIM key set on the studio's Email page (one row each). Only
:mod:`masthead.mail.actions` writes these; the secrets in them are encrypted with a key
derived from the site's secret key (:mod:`masthead.mail.secret`)."""

from __future__ import annotations

from django.db import models


class MailServer(models.Model):
    NONE, STARTTLS, TLS = "none", "starttls", "tls"
    SECURITY = [(STARTTLS, "STARTTLS (usually port 587)"), (TLS, "TLS (usually port 465)"),
                (NONE, "None (only for a server on this machine)")]

    host = models.CharField(max_length=255, blank=True, default="")
    port = models.PositiveIntegerField(default=587)
    security = models.CharField(max_length=8, choices=SECURITY, default=STARTTLS)
    username = models.CharField(max_length=320, blank=True, default="")
    password = models.TextField(blank=True, default="")  # a Fernet token, never the password
    from_address = models.CharField(max_length=400, blank=True, default="")
    updated_at = models.DateTimeField(null=True, blank=True)


class DkimKey(models.Model):
    """The key newsletters are signed with when masthead.toml has no [dkim]."""

    domain = models.CharField(max_length=255)
    selector = models.CharField(max_length=63, default="masthead")
    private_key = models.TextField()  # the PEM, encrypted (a Fernet token)
    public_key = models.TextField()  # base64 DER, as the DNS record gives it
    created_at = models.DateTimeField()
