"""A studio account: an email address, a role and an Argon2 password hash."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class Role(models.TextChoices):
    """Roles as Ghost and WordPress name them, most powerful first."""

    OWNER = "owner", "Owner"  # everything, including the site's settings and accounts
    EDITOR = "editor", "Editor"  # writes, edits and publishes anyone's posts
    AUTHOR = "author", "Author"  # writes and publishes their own posts
    CONTRIBUTOR = "contributor", "Contributor"  # writes drafts; someone else publishes


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser):
    email = models.EmailField(max_length=320, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_sent_at = models.DateTimeField(null=True, blank=True)  # the last reset email

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class Invitation(models.Model):
    """An owner asked someone to join. The link mailed to them is signed with the site's
    key over this row's id and nonce (so the link itself is stored nowhere); it works
    once, for :data:`masthead.accounts.actions.INVITATION_DAYS` days."""

    email = models.EmailField(max_length=320)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AUTHOR)
    nonce = models.CharField(max_length=64)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="invitations_sent")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["invited_by", "created_at"], name="invitations_by_owner")]

    def __str__(self) -> str:
        return self.email
