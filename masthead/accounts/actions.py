"""The only code that writes accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from masthead.accounts.models import Role, User
from masthead.errors import AccountError
from masthead.jobs.queue import enqueue


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
    import datetime as dt


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
