"""The only code that writes members, tiers, member sessions and sign-in links. Each
action is one transaction; the emails it needs are jobs (``members.send_link``), which
make the link's secret themselves, so no secret waits in the job queue.

A subscriber's address, name and newsletter status stay the newsletter's: these actions
change them through :mod:`masthead.newsletter.actions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.errors import ContentError, MastheadError
from masthead.jobs.queue import enqueue
from masthead.members import tokens
from masthead.members.models import MagicLink, Member, MemberSession, SigninAttempt, Tier
from masthead.members.prices import check_currency
from masthead.newsletter import actions as newsletter
from masthead.newsletter.models import Subscriber

LINK_LIFETIME = dt.timedelta(hours=24)
SESSION_LIFETIME = dt.timedelta(days=30)
LINKS_PER_ADDRESS = 5  # an hour: a reader who lost the email asks again, a pest cannot
LINKS_PER_CLIENT = 20  # an hour, from one client address
WINDOW = dt.timedelta(hours=1)


class TooManyRequests(MastheadError):
    pass


def is_member(sub: Subscriber) -> bool:
    """Who may sign in: a subscriber who confirmed once (unsubscribing from the
    newsletter does not end a membership), or one the owner made a member."""
    return sub.confirmed_at is not None or Member.objects.filter(subscriber=sub).exists()


def _member(sub: Subscriber) -> Member:
    member = Member.objects.select_for_update().filter(subscriber=sub).first()
    return member or Member.objects.create(subscriber=sub, created_at=timezone.now())


# -- signing in ---------------------------------------------------------------------


@transaction.atomic
def request_signin(email: str, *, client: str = "") -> None:
    """Mail a sign-in link to a member's address. The caller learns nothing about the
    address: an unknown one gets no email (it becomes a member only by the newsletter's
    double opt-in), a known one at most :data:`LINKS_PER_ADDRESS` links an hour."""
    email = newsletter.normalise_email(email)
    key = email.casefold()
    now = timezone.now()
    SigninAttempt.objects.filter(at__lt=now - WINDOW).delete()
    if client and SigninAttempt.objects.filter(client=client).count() >= LINKS_PER_CLIENT:
        raise TooManyRequests("too many sign-in requests from here; try again in an hour")
    SigninAttempt.objects.create(client=client, address=key, at=now)
    if SigninAttempt.objects.filter(address=key).count() > LINKS_PER_ADDRESS:
        return  # the owner of the address has links enough; say the same as ever
    sub = Subscriber.objects.filter(email__iexact=email).first()
    if sub is None or not is_member(sub) or sub.status in newsletter.SUPPRESSED:
        return
    _queue_link(sub, MagicLink.SIGNIN)


def _queue_link(sub: Subscriber, purpose: str, new_email: str = "") -> MagicLink:
    now = timezone.now()
    _, placeholder = tokens.new_token()  # replaced by the job that mails the real one
    link = MagicLink.objects.create(subscriber=sub, purpose=purpose, token_hash=placeholder,
                                    new_email=new_email, created_at=now,
                                    expires_at=now + LINK_LIFETIME)
    enqueue("members.send_link", link.pk)
    return link


@transaction.atomic
def issue_link(link_id: int) -> tuple[MagicLink, str] | None:
    """A fresh secret for a link about to be mailed (the mailing job's one write): the
    link and its token, or None if it was used or has expired meanwhile."""
    link = MagicLink.objects.select_for_update().select_related("subscriber").filter(
        pk=link_id, used_at__isnull=True, expires_at__gt=timezone.now()).first()
    if link is None:
        return None
    token, link.token_hash = tokens.new_token()
    link.save(update_fields=["token_hash"])
    return link, token


def _take_link(token: str, purpose: str) -> MagicLink | None:
    link = MagicLink.objects.select_for_update().select_related("subscriber").filter(
        token_hash=tokens.digest(token), purpose=purpose).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return link


@transaction.atomic
def sign_in(token: str) -> tuple[Member, str] | None:
    """The reader opened a sign-in link: it works no more, and their browser gets a
    session (the member and the cookie's token), or None for a used, expired or unknown
    link."""
    link = _take_link(token, MagicLink.SIGNIN)
    if link is None:
        return None
    member = _member(link.subscriber)
    now = timezone.now()
    session_token, digest = tokens.new_token()
    MemberSession.objects.filter(member=member, expires_at__lte=now).delete()
    MemberSession.objects.create(member=member, token_hash=digest, created_at=now,
                                 expires_at=now + SESSION_LIFETIME)
    member.last_seen_at = now
    member.save(update_fields=["last_seen_at"])
    return member, session_token


@transaction.atomic
def sign_out(session_token: str) -> None:
    MemberSession.objects.filter(token_hash=tokens.digest(session_token)).delete()


# -- the account page ---------------------------------------------------------------


@transaction.atomic
def rename(member_id: int, name: str) -> None:
    member = Member.objects.select_related("subscriber").get(pk=member_id)
    sub = member.subscriber
    newsletter.edit(sub.pk, email=sub.email, name=name, can_mail=True)


@transaction.atomic
def request_email_change(member_id: int, new_email: str) -> None:
    """Mail a confirmation link to the new address; the old one stays until it is
    opened. An address another reader has is refused without mailing anyone."""
    member = Member.objects.select_related("subscriber").get(pk=member_id)
    email = newsletter.normalise_email(new_email)
    if email.casefold() == member.subscriber.email.casefold():
        raise ContentError("that is already your address", field="email")
    if Subscriber.objects.filter(email__iexact=email).exists():
        raise ContentError(f"{email} belongs to another reader", field="email")
    _queue_link(member.subscriber, MagicLink.EMAIL, new_email=email)


@transaction.atomic
def confirm_email_change(token: str) -> Subscriber | None:
    link = _take_link(token, MagicLink.EMAIL)
    if link is None:
        return None
    return newsletter.move_address(link.subscriber_id, link.new_email)


@transaction.atomic
def set_newsletter(member_id: int, on: bool) -> None:
    member = Member.objects.get(pk=member_id)
    if on:
        newsletter.resume(member.subscriber_id)
    else:
        newsletter.unsubscribe(member.subscriber_id)


@transaction.atomic
def delete_account(member_id: int) -> None:
    """The member, their sessions and links, and the subscriber with its deliveries."""
    member = Member.objects.filter(pk=member_id).first()
    if member is not None:
        newsletter.forget(member.subscriber_id)


# -- tiers (the studio) -------------------------------------------------------------


@dataclass
class TierForm:
    name: str
    kind: str = Tier.PAID
    description: str = ""
    monthly_price: int = 0
    yearly_price: int = 0
    currency: str = "EUR"
    benefits: tuple[str, ...] = ()


@transaction.atomic
def save_tier(form: TierForm, tier_id: int | None = None) -> Tier:
    """Add a tier or change one. A paid tier needs a monthly or a yearly price."""
    name = form.name.strip()
    if not name:
        raise ContentError("a tier needs a name", field="name")
    if form.kind not in dict(Tier.KINDS):
        raise ContentError(f"'{form.kind}' is not a kind of tier", field="kind")
    currency = check_currency(form.currency)
    if form.kind == Tier.PAID and not (form.monthly_price or form.yearly_price):
        raise ContentError("a paid tier needs a monthly or a yearly price",
                           field="monthly_price")
    tier = Tier.objects.select_for_update().get(pk=tier_id) if tier_id else Tier()
    if tier.pk is None:
        if form.kind == Tier.FREE and Tier.objects.filter(kind=Tier.FREE).exists():
            raise ContentError("there is one free tier: change it instead", field="kind")
        base = slugify(name)[:90] or "tier"
        slug, n = base, 2
        while Tier.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        tier.slug = slug
        tier.position = Tier.objects.count()
    elif tier.kind != form.kind:
        raise ContentError("a tier's kind cannot change: archive it and add another",
                           field="kind")
    tier.kind, tier.name, tier.description = form.kind, name[:200], form.description.strip()
    free = form.kind != Tier.PAID
    tier.monthly_price = 0 if free else form.monthly_price
    tier.yearly_price = 0 if free else form.yearly_price
    tier.currency = currency
    tier.benefits = [b.strip()[:300] for b in form.benefits if b.strip()][:20]
    tier.save()
    return tier


@transaction.atomic
def set_tier_active(tier_id: int, active: bool) -> Tier:
    """Archive a tier (off /membership/, its members keep it) or bring it back."""
    tier = Tier.objects.select_for_update().get(pk=tier_id)
    if tier.kind == Tier.FREE and not active:
        raise ContentError("the free tier cannot be archived", field="active")
    tier.active = active
    tier.save(update_fields=["active"])
    return tier


# -- members (the studio) -----------------------------------------------------------


@transaction.atomic
def add_member(email: str, *, name: str = "", newsletter_on: bool = True,
               tier_id: int | None = None) -> Member:
    """The owner adds a reader they know (no double opt-in: the owner vouches for
    them), optionally with a complimentary tier."""
    email = newsletter.normalise_email(email)
    if Subscriber.objects.filter(email__iexact=email).exists():
        raise ContentError(f"{email} is already a reader here: find them in the list",
                           field="email")
    row = newsletter.Row(line=1, email=email, name=name,
                         status=None if newsletter_on else Subscriber.UNSUBSCRIBED)
    newsletter.import_subscribers([row], where="form", confirmed=True, source="studio")
    sub = Subscriber.objects.get(email__iexact=email)
    member = _member(sub)
    if tier_id:
        grant(member.pk, tier_id)
        member.refresh_from_db()
    return member


@transaction.atomic
def ensure_member(subscriber_id: int) -> Member:
    return _member(Subscriber.objects.get(pk=subscriber_id))


@transaction.atomic
def grant(member_id: int, tier_id: int | None, *, until: dt.date | None = None) -> Member:
    """Give a member a tier by hand, free of charge (complimentary), until a date or
    for good; ``tier_id`` None takes them back to the free tier. A member paying
    through a processor is changed there, not here."""
    member = Member.objects.select_for_update().get(pk=member_id)
    if member.status == Member.PAID:
        raise ContentError("this member pays for their tier: change it where they pay",
                           field="tier")
    if tier_id is None:
        member.tier, member.status, member.renews_at = None, Member.FREE, None
    else:
        tier = Tier.objects.filter(pk=tier_id).first()
        if tier is None or not tier.grants_paid_access:
            raise ContentError("choose a paid or complimentary tier to grant", field="tier")
        member.tier, member.status, member.renews_at = tier, Member.COMPED, until
    member.save(update_fields=["tier", "status", "renews_at"])
    return member
