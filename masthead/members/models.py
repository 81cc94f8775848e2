"""Members and tiers. Only :mod:`masthead.members.actions` writes these.

A member is a newsletter subscriber (:class:`masthead.newsletter.models.Subscriber`,
which keeps the address and the name: one list, not two) with, once they sign in or the
owner gives them a tier, a :class:`Member` row beside it. A subscriber who confirmed and
has no row is a free member. The fields a payment processor needs (customer and
subscription ids) are kept on the member, not in the processor, so an export carries
them and another processor can take over.
"""

from __future__ import annotations

from django.db import models


class Tier(models.Model):
    FREE, PAID, COMPLIMENTARY = "free", "paid", "complimentary"
    KINDS = [(FREE, "free"), (PAID, "paid"), (COMPLIMENTARY, "complimentary")]

    kind = models.CharField(max_length=14, choices=KINDS, default=PAID)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, default="")
    # Prices in the currency's minor unit (cents): 500 is 5.00; 0 means not offered.
    monthly_price = models.PositiveIntegerField(default=0)
    yearly_price = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")  # ISO 4217
    benefits = models.JSONField(default=list, blank=True)  # lines shown on /membership/
    active = models.BooleanField(default=True)  # archived tiers keep their members
    position = models.PositiveIntegerField(default=0)
    # The processor's product and price ids (later: Stripe), kept in step by a job.
    processor_ids = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def grants_paid_access(self) -> bool:
        return self.kind in (Tier.PAID, Tier.COMPLIMENTARY)


class Member(models.Model):
    FREE, PAID, COMPED = "free", "paid", "comped"
    STATUSES = [(FREE, "free"), (PAID, "paid"), (COMPED, "complimentary")]

    subscriber = models.OneToOneField("newsletter.Subscriber", on_delete=models.CASCADE,
                                      related_name="member")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="members")  # None: the free tier
    status = models.CharField(max_length=8, choices=STATUSES, default=FREE)
    renews_at = models.DateField(null=True, blank=True)  # or ends, when cancelled
    cancel_at_period_end = models.BooleanField(default=False)
    processor = models.CharField(max_length=20, blank=True, default="")  # "stripe"...
    customer_id = models.CharField(max_length=200, blank=True, default="")
    subscription_id = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(max_length=500, blank=True, default="")  # the owner's
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "tier"], name="members_by_status")]

    def __str__(self) -> str:
        return f"member {self.subscriber_id}"


class MemberSession(models.Model):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept,
    so the table read by someone else opens no session."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()


class MagicLink(models.Model):
    """A link mailed to a member: sign in, or confirm a new address. Single use, hashed
    like sessions, and valid for :data:`masthead.members.actions.LINK_LIFETIME`."""

    SIGNIN, EMAIL = "signin", "email"
    PURPOSES = [(SIGNIN, "sign in"), (EMAIL, "change the address")]

    subscriber = models.ForeignKey("newsletter.Subscriber", on_delete=models.CASCADE,
                                   related_name="magic_links")
    purpose = models.CharField(max_length=8, choices=PURPOSES, default=SIGNIN)
    token_hash = models.CharField(max_length=64, unique=True)
    new_email = models.EmailField(max_length=320, blank=True, default="")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class SigninAttempt(models.Model):
    """Recent link requests, by client address and by email address (case-folded), so
    that the limit holds across server workers."""

    client = models.CharField(max_length=64, blank=True, default="")
    address = models.CharField(max_length=320, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="signins_by_client"),
                   models.Index(fields=["address", "at"], name="signins_by_address")]
