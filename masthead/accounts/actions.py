"""The only code that writes accounts."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from masthead.accounts.models import Invitation, Role, User
from masthead.errors import AccountError
from masthead.jobs.queue import enqueue
from masthead.mail import server as mail_server


def _check(email: str, role: str, password: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"'{email}' is not an email address") from None
    if role not in Role.values:
        raise AccountError(f"unknown role '{role}': use one of {', '.join(Role.values)}")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AccountError("the password is too weak: " + " ".join(exc.messages)) from None
    return email


@transaction.atomic
def create_user(email: str, *, role: str, password: str, name: str = "") -> User:
    """A new account; an address may have one account only."""
    email = _check(email, role, password)
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(f"{email} already has an account")
    user = User(email=email, role=role, name=name.strip())
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def set_password(user: User, password: str) -> None:
    """A new password; logs the account out everywhere (sessions carry the old hash)."""
    _check(user.email, user.role, password)
    user.set_password(password)
    user.reset_sent_at = None
    user.save(update_fields=["password", "reset_sent_at"])


RESET_EVERY = 300  # seconds: at most one reset email per account in this time


@transaction.atomic
def request_password_reset(email: str) -> None:
    """Queue a reset link for the account with this address, if there is one and none
    was sent in the last minutes. Says nothing either way: the page must not tell a
    stranger which addresses have accounts."""
    user = User.objects.select_for_update().filter(email__iexact=email.strip(),
                                                   is_active=True).first()
    if user is None:
        return
    now = timezone.now()
    if user.reset_sent_at and now - user.reset_sent_at < dt.timedelta(seconds=RESET_EVERY):
        return
    user.reset_sent_at = now
    user.save(update_fields=["reset_sent_at"])
    enqueue("accounts.send_password_reset", user.pk)


INVITATION_DAYS = 7  # an invitation link works this long, once
INVITES_PER_HOUR = 20  # from one owner: enough for a collective, too few for spam


def _other_owners(user: User) -> bool:
    return User.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def invite(by: User, email: str, role: str) -> Invitation:
    """Invite someone by email to join the studio with a role; the email is a job. A new
    invitation to the same address replaces the one before (its link stops working)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"'{email}' is not an email address") from None
    if role not in Role.values:
        raise AccountError(f"unknown role '{role}': choose one of the roles offered")
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(f"{email} already has an account")
    if not mail_server.configured():
        raise AccountError("no mail server is set up, so the invitation cannot be sent: set "
                           "one up on the Email page first")
    now = timezone.now()
    if Invitation.objects.filter(invited_by=by, created_at__gte=now - dt.timedelta(hours=1)
                                 ).count() >= INVITES_PER_HOUR:
        raise AccountError(f"{INVITES_PER_HOUR} invitations in an hour is the most: try "
                           "again later")
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True,
                              revoked_at__isnull=True).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email, role=role, nonce=secrets.token_urlsafe(24), invited_by=by,
        created_at=now, expires_at=now + dt.timedelta(days=INVITATION_DAYS))
    enqueue("accounts.send_invitation", invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(invitation_id: int) -> None:
    Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True,
                              revoked_at__isnull=True).update(revoked_at=timezone.now())


def open_invitation(invitation_id: int, nonce: str) -> Invitation | None:
    """The invitation a link names, if it still works (not used, revoked or expired)."""
    inv = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True,
                                    revoked_at__isnull=True,
                                    expires_at__gt=timezone.now()).first()
    if inv is None or not secrets.compare_digest(inv.nonce, nonce):
        return None
    return inv


@transaction.atomic
def accept_invitation(invitation_id: int, nonce: str, *, name: str, password: str) -> User:
    """The invited person chose a password: their account exists from now on, and the
    link works no more."""
    inv = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if inv is None or open_invitation(inv.pk, nonce) is None:
        raise AccountError("this invitation has been used, withdrawn or has expired: ask "
                           "for a new one")
    user = create_user(inv.email, role=inv.role, password=password, name=name)
    inv.accepted_at = timezone.now()
    inv.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def change_role(by: User, user_id: int, role: str) -> User:
    user = User.objects.select_for_update().get(pk=user_id)
    if role not in Role.values:
        raise AccountError(f"unknown role '{role}': choose one of the roles offered")
    if user.role == Role.OWNER and role != Role.OWNER and not _other_owners(user):
        raise AccountError(f"{user.email} is the only owner: make someone else an owner first")
    if role != user.role:
        user.role = role
        user.save(update_fields=["role"])
    return user


@transaction.atomic
def set_active(by: User, user_id: int, active: bool) -> User:
    """Deactivate an account (it cannot log in, and is logged out at once; its posts and
    bylines stay) or let it in again."""
    user = User.objects.select_for_update().get(pk=user_id)
    if not active and user.pk == by.pk:
        raise AccountError("you cannot deactivate your own account")
    if not active and user.role == Role.OWNER and not _other_owners(user):
        raise AccountError(f"{user.email} is the only owner: make someone else an owner first")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user
