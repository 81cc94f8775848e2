"""What every studio page shows besides its own content."""

from __future__ import annotations

from django.http import HttpRequest


def build_status(request: HttpRequest) -> dict:
    """A published change that did not reach the site must not go unnoticed."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from masthead.jobs.worker import last_build_problem

    return {"build_problem": last_build_problem()}
