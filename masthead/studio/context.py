"""What every studio page shows besides its own content."""

from __future__ import annotations

from django.http import HttpRequest

from masthead.content.models import Post
from masthead.publishing.tasks import last_build_problem


def build_status(request: HttpRequest) -> dict:
    """A published change that did not reach the site must not go unnoticed: a build
    that failed, and the posts a build had to leave out (or keep at an older text)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}

    left_out = Post.objects.filter(status=Post.PUBLISHED).exclude(render_problem="").count()
    return {"build_problem": last_build_problem(), "posts_left_out": left_out}
