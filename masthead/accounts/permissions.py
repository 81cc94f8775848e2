"""What each role may do: the one place the studio asks.

Every studio view checks one of these before it reads or changes anything; the HTTP
tests go through every studio address with every role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from masthead.accounts.models import Role

if TYPE_CHECKING:
    from masthead.accounts.models import User
    from masthead.content.models import Post

_PUBLISHES_ANY = {Role.OWNER, Role.EDITOR}


def can_edit(user: User, post: Post) -> bool:
    """Editors and owners edit anything; authors and contributors their own posts, and
    contributors only while they are not published."""
    if user.role in _PUBLISHES_ANY:
        return True
    if not is_own(user, post):
        return False
    return user.role == Role.AUTHOR or post.status != post.PUBLISHED


def can_publish(user: User, post: Post) -> bool:
    if user.role in _PUBLISHES_ANY:
        return True
    return user.role == Role.AUTHOR and is_own(user, post)


def is_own(user: User, post: Post) -> bool:
    """A post is a writer's own when their byline is among its authors."""
    return post.authors.filter(user_id=user.pk).exists()


def sees_all_posts(user: User) -> bool:
    return user.role in _PUBLISHES_ANY


def can_manage_site(user: User) -> bool:
    """Settings and accounts."""
    return user.role == Role.OWNER
