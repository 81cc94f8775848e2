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
    book_updates = models.BooleanField(default=False)  # asked to hear of a book's new versions

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


class Send(models.Model):
    """One post emailed to the subscribers confirmed when it was prepared, or a book's
    new version to those of them who asked for book updates (``post`` is then empty)."""

    PREPARING, SENDING, DONE = "preparing", "sending", "done"
    STATUSES = [(PREPARING, "preparing"), (SENDING, "sending"), (DONE, "done")]

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="sends",
                             null=True, blank=True)
    # No constraint in the database: commands that run without the newsletter's app
    # (an import replacing a book's versions) may remove a version; its send is then done.
    book_version = models.ForeignKey("content.BookVersion", on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="sends", null=True,
                                     blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PREPARING)
    subject = models.CharField(max_length=500, blank=True, default="")
    html = models.TextField(blank=True, default="")  # {{unsubscribe}} marks the per-reader link
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class Delivery(models.Model):
    """One subscriber's copy of a send: the record that makes sending resumable."""

    QUEUED, SENT, FAILED, BOUNCED = "queued", "sent", "failed", "bounced"
    STATUSES = [(QUEUED, "queued"), (SENT, "sent"), (FAILED, "failed"), (BOUNCED, "bounced")]

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="deliveries")
    status = models.CharField(max_length=8, choices=STATUSES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    message_id = models.CharField(max_length=200, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["send", "subscriber"],
                                               name="one_copy_per_subscriber")]
        indexes = [models.Index(fields=["send", "status", "id"], name="deliveries_to_do")]
