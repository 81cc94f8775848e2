"""Who gets the newsletter. Only :mod:`masthead.newsletter.actions` writes these."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class Subscriber(models.Model):
    PENDING = "pending"  # signed up, has not confirmed yet: gets nothing but the confirmation
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"  # a hard bounce: never mailed again
    COMPLAINED = "complained"  # marked as spam: never mailed again
    STATUSES = [(PENDING, "pending"), (CONFIRMED, "confirmed"),
                (UNSUBSCRIBED, "unsubscribed"), (BOUNCED, "bounced"),
                (COMPLAINED, "complained")]

    email = models.EmailField(max_length=320)
    name = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    source = models.CharField(max_length=40, blank=True, default="")  # form, import:ghost...
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="one_subscriber_per_address")]
        indexes = [models.Index(fields=["status", "id"], name="subscribers_by_status")]

    def __str__(self) -> str:
        return self.email


class SignupAttempt(models.Model):
    """Recent sign-ups by client address, for rate limiting across server workers."""

    client = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="signups_by_client")]
