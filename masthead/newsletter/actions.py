"""The only code that writes subscribers. Each action is one transaction; the emails it
needs are queued jobs (see :mod:`masthead.newsletter.tasks`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from masthead.content.models import Post
from masthead.errors import ContentError, MastheadError
from masthead.jobs.queue import enqueue
from masthead.newsletter.models import Send, SignupAttempt, Subscriber

SIGNUPS_PER_HOUR = 10  # from one client address
RESEND_AFTER = dt.timedelta(minutes=10)  # a second confirmation email, at the soonest
SUPPRESSED = {Subscriber.BOUNCED, Subscriber.COMPLAINED}


class TooManySignups(MastheadError):
    pass


def normalise_email(raw: str, *, where: str = "form", line: int | None = None) -> str:
    """A checked address with its domain in lower case (the local part is the
    mailbox owner's business)."""
    email = (raw or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ContentError(f"'{email}' is not an email address", path=where, line=line,
                           field="email") from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _queue_confirmation(sub: Subscriber) -> None:
    sub.confirmation_sent_at = timezone.now()
    sub.save(update_fields=["confirmation_sent_at"])
    enqueue("newsletter.send_confirmation", sub.pk)


@transaction.atomic
def subscribe(email: str, *, name: str = "", client: str = "", source: str = "form") -> None:
    """Someone asks for the newsletter. Whatever the address's state, the caller learns
    nothing: a new or lapsed address gets a confirmation email; a pending one gets it
    again at most every ten minutes; others get nothing."""
    email = normalise_email(email)
    now = timezone.now()
    if client:
        SignupAttempt.objects.filter(at__lt=now - dt.timedelta(hours=1)).delete()
        if SignupAttempt.objects.filter(client=client).count() >= SIGNUPS_PER_HOUR:
            raise TooManySignups("too many sign-ups from here; try again in an hour")
        SignupAttempt.objects.create(client=client, at=now)
    sub = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if sub is None:
        sub = Subscriber.objects.create(email=email, name=name.strip()[:200], source=source,
                                        created_at=now)
        _queue_confirmation(sub)
    elif sub.status == Subscriber.UNSUBSCRIBED:
        sub.status = Subscriber.PENDING
        sub.save(update_fields=["status"])
        _queue_confirmation(sub)
    elif sub.status == Subscriber.PENDING and (
            sub.confirmation_sent_at is None or now - sub.confirmation_sent_at > RESEND_AFTER):
        _queue_confirmation(sub)


@transaction.atomic
def confirm(subscriber_id: int) -> Subscriber | None:
    """The address's owner clicked the link: from now on they get the newsletter."""
    sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if sub is None or sub.status in SUPPRESSED:
        return sub
    if sub.status != Subscriber.CONFIRMED:
        sub.status = Subscriber.CONFIRMED
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["status", "confirmed_at"])
        enqueue("newsletter.send_welcome", sub.pk)
    return sub


@transaction.atomic
def unsubscribe(subscriber_id: int) -> Subscriber | None:
    sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if sub is not None and sub.status in (Subscriber.PENDING, Subscriber.CONFIRMED):
        sub.status = Subscriber.UNSUBSCRIBED
        sub.unsubscribed_at = timezone.now()
        sub.save(update_fields=["status", "unsubscribed_at"])
    return sub


@transaction.atomic
def edit(subscriber_id: int, *, email: str, name: str, can_mail: bool) -> Subscriber | None:
    """Correct a subscriber's name or address (from the studio). A new address has not
    asked for anything yet: it is pending until its owner confirms, as after a sign-up,
    unless the reader had unsubscribed (an edit never subscribes anyone again)."""
    sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if sub is None:
        return None
    email = normalise_email(email)
    fields = []
    if name.strip()[:200] != sub.name:
        sub.name = name.strip()[:200]
        fields.append("name")
    moved = email.lower() != sub.email.lower()
    if email != sub.email:
        if moved and not can_mail and sub.status != Subscriber.UNSUBSCRIBED:
            raise ContentError("a new address must confirm by email, and no mail server is "
                               "set up: set one up on the Email page", field="email")
        sub.email = email
        fields.append("email")
    if moved and sub.status != Subscriber.UNSUBSCRIBED:
        sub.status, sub.confirmed_at = Subscriber.PENDING, None
        fields += ["status", "confirmed_at"]
    if fields:
        try:
            with transaction.atomic():
                sub.save(update_fields=fields)
        except IntegrityError:  # one subscriber per address (a constraint, case-folded)
            raise ContentError(f"{email} is already a subscriber", field="email") from None
    if moved and sub.status == Subscriber.PENDING:
        _queue_confirmation(sub)
    return sub


@dataclass
class Row:
    """A subscriber as an import file gives it."""

    line: int
    email: str
    name: str = ""
    status: str | None = None  # None: the file does not say (Masthead's own CSV)
    created_at: dt.datetime | None = None


@dataclass
class SubscriberImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)  # "file:line: why", rows skipped
    refused: list[tuple[int, str]] = field(default_factory=list)  # the same: (line, why)
    confirmations: int = 0  # emails queued (imports without --confirmed)


@transaction.atomic
def import_subscribers(rows: Iterable[Row], *, where: str, confirmed: bool,
                       source: str) -> SubscriberImport:
    """Add or update subscribers from a file; bad rows are reported and skipped.

    ``confirmed``: the writer vouches these people opted in elsewhere. Without it, new
    addresses are pending and get a confirmation email. An address already stored is
    never moved back from unsubscribed, bounced or complained to confirmed: a list from
    elsewhere cannot overrule what its owner told us.
    """

    summary = SubscriberImport()
    now = timezone.now()
    checked: list[tuple[Row, str]] = []
    seen: set[str] = set()
    for row in rows:
        try:
            email = normalise_email(row.email, where=where, line=row.line)
        except ContentError as exc:
            summary.problems.append(str(exc))
            summary.refused.append((row.line, exc.reason))
            continue
        key = email.lower()
        if key in seen:
            summary.problems.append(f"{where}:{row.line}: {email} appears twice; kept the first")
            summary.refused.append((row.line, f"{email} appears twice; kept the first"))
            continue
        seen.add(key)
        checked.append((row, email))
    # The addresses already stored, looked up a thousand at a time (not one query a row).
    keys = sorted(seen)
    existing: dict[str, Subscriber] = {}
    for i in range(0, len(keys), 1000):
        for sub in (Subscriber.objects.select_for_update()
                    .annotate(lower=Lower("email")).filter(lower__in=keys[i : i + 1000])):
            existing[sub.email.lower()] = sub
    new: list[Subscriber] = []
    for row, email in checked:
        wanted = row.status or (Subscriber.CONFIRMED if confirmed else Subscriber.PENDING)
        sub = existing.get(email.lower())
        if sub is None:
            new.append(Subscriber(
                email=email, name=row.name[:200], status=wanted, source=source,
                created_at=row.created_at or now,
                confirmed_at=now if wanted == Subscriber.CONFIRMED else None,
                unsubscribed_at=now if wanted == Subscriber.UNSUBSCRIBED else None))
            continue
        changed = []
        if row.name and not sub.name:
            sub.name = row.name[:200]
            changed.append("name")
        if sub.status not in SUPPRESSED and sub.status != Subscriber.UNSUBSCRIBED and \
                wanted in (Subscriber.CONFIRMED, Subscriber.UNSUBSCRIBED) and wanted != sub.status:
            sub.status = wanted
            if wanted == Subscriber.CONFIRMED:
                sub.confirmed_at = now
                changed += ["status", "confirmed_at"]
            else:
                sub.unsubscribed_at = now
                changed += ["status", "unsubscribed_at"]
        if changed:
            sub.save(update_fields=changed)
            summary.updated += 1
        else:
            summary.unchanged += 1
    for i in range(0, len(new), 2000):
        Subscriber.objects.bulk_create(new[i : i + 2000])
    summary.created = len(new)
    pending = [s.email for s in new if s.status == Subscriber.PENDING]
    for i in range(0, len(pending), 1000):
        for sub in Subscriber.objects.filter(status=Subscriber.PENDING,
                                             confirmation_sent_at__isnull=True,
                                             email__in=pending[i : i + 1000]):
            _queue_confirmation(sub)
            summary.confirmations += 1
    return summary


@transaction.atomic
def queue_newsletter(post_id: int) -> int:
    """Email a published post to the subscribers (once: a post already sent is not sent
    again). Returns the send's id; the worker prepares and delivers it."""
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.kind != Post.POST or post.status != Post.PUBLISHED:
        raise ContentError(f"'{post.slug}' is not a published post", field="slug")
    existing = post.sends.order_by("id").first()
    if existing is not None:
        return existing.pk
    send = Send.objects.create(post=post, subject=post.title)
    enqueue("newsletter.prepare_send", send.pk)
    return send.pk


@transaction.atomic
def queue_book_version(version_id: int) -> int:
    """Tell the subscribers who asked for book updates that a book has a new version
    (once a version). Returns the send's id; the worker prepares and delivers it as it
    does a post's."""
    from masthead.content.books import BookVersion

    version = BookVersion.objects.select_related("book").get(pk=version_id)
    existing = version.sends.order_by("id").first()
    if existing is not None:
        return existing.pk
    send = Send.objects.create(book_version=version, subject=version.book.title)
    enqueue("newsletter.prepare_send", send.pk)
    return send.pk


@transaction.atomic
def choose_book_updates(subscriber_id: int, wanted: bool) -> Subscriber | None:
    """The reader says whether they want an email when a book here has a new version."""
    sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if sub is not None and sub.book_updates != wanted:
        sub.book_updates = wanted
        sub.save(update_fields=["book_updates"])
    return sub


def bounced(subscriber_id: int) -> None:
    """The reader's mail server refused a newsletter for good (a 5xx while sending): no
    more mail to a confirmed address. An unsubscribed reader stays unsubscribed."""
    Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.CONFIRMED).update(
        status=Subscriber.BOUNCED)


def reported(subscriber_id: int, *, complaint: bool) -> None:
    """A bounce or a spam complaint came back to the bounce mailbox: the address gets no
    more mail. A complaint is never turned back into a bounce."""
    status = Subscriber.COMPLAINED if complaint else Subscriber.BOUNCED
    Subscriber.objects.filter(pk=subscriber_id).exclude(status=Subscriber.COMPLAINED).update(
        status=status)


# -- for members (masthead.members.actions): the reader proved the address by a link --


@transaction.atomic
def move_address(subscriber_id: int, email: str) -> Subscriber:
    """The reader opened the link mailed to their new address: it replaces the old one,
    with the subscription as it was (the click confirmed the new address)."""
    sub = Subscriber.objects.select_for_update().get(pk=subscriber_id)
    email = normalise_email(email)
    if Subscriber.objects.filter(email__iexact=email).exclude(pk=sub.pk).exists():
        raise ContentError(f"{email} is already a subscriber", field="email")
    sub.email = email
    sub.save(update_fields=["email"])
    return sub


@transaction.atomic
def resume(subscriber_id: int) -> Subscriber | None:
    """A signed-in member turns the newsletter back on (signing in by an emailed link
    proved the address, so no second confirmation); suppressed addresses stay off."""
    sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if sub is not None and sub.status in (Subscriber.UNSUBSCRIBED, Subscriber.PENDING):
        sub.status = Subscriber.CONFIRMED
        sub.confirmed_at = sub.confirmed_at or timezone.now()
        sub.save(update_fields=["status", "confirmed_at"])
    return sub


@transaction.atomic
def forget(subscriber_id: int) -> None:
    """Delete a reader and everything kept about them (their deliveries go with them)."""
    Subscriber.objects.filter(pk=subscriber_id).delete()
