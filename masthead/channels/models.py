"""Channels and what was delivered to them. Only :mod:`masthead.channels.actions` and the
delivery job (:mod:`masthead.channels.delivery`) write these.

No secret is stored here: a channel names the environment variable (or masthead.toml
``[secrets]`` entry) that holds its bot token or signing secret, so neither the database
nor an export ever carries one.
"""

from __future__ import annotations

from django.db import models


class Channel(models.Model):
    TELEGRAM, WEBHOOK = "telegram", "webhook"
    KINDS = [(TELEGRAM, "Telegram"), (WEBHOOK, "webhook")]

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    target = models.CharField(max_length=500)  # the chat (@name or id) or the webhook URL
    secret_env = models.CharField(max_length=100)  # the name of the token's/secret's variable
    paused = models.BooleanField(default=False)  # stopped after too many failures in a row
    failures = models.PositiveIntegerField(default=0)  # consecutive failed attempts
    last_error = models.CharField(max_length=500, blank=True, default="")
    # Publications before this moment are never announced (nor imported posts).
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One event of one post on one channel: the record that makes announcing resumable
    and keeps a channel in step (an edit finds the message it must change here)."""

    PUBLISHED, UPDATED, UNPUBLISHED = "post.published", "post.updated", "post.unpublished"
    EVENTS = [(PUBLISHED, "published"), (UPDATED, "updated"), (UNPUBLISHED, "unpublished")]
    QUEUED, SENT, RETRYING, FAILED, CANCELLED = (
        "queued", "sent", "retrying", "failed", "cancelled")
    STATES = [(QUEUED, "queued"), (SENT, "sent"), (RETRYING, "retrying"),
              (FAILED, "failed"), (CANCELLED, "cancelled")]

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE,
                             related_name="channel_deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=EVENTS)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    round = models.PositiveIntegerField(default=1)  # how many times the event was queued
    remote_id = models.CharField(max_length=100, blank=True, default="")  # Telegram message id
    photo = models.BooleanField(default=False)  # the Telegram message is a photo with caption
    attempt = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField()
    next_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "channel", "event"],
                                               name="one_delivery_per_event")]
        indexes = [models.Index(fields=["channel", "state"], name="deliveries_by_state")]


class Unannounced(models.Model):
    """A post the writer asked not to announce (the editor's "do not announce")."""

    post = models.OneToOneField("content.Post", on_delete=models.CASCADE,
                                related_name="unannounced")
    created_at = models.DateTimeField(auto_now_add=True)
