"""Who may see the studio: the login gate, the expired-form page, the studio's own files."""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.static import serve as serve_file

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def studio_login_required(view):
    """Anonymous visitors go to the login page; requests from scripts get a 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse({"error": "log in again"}, status=401)
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "studio/error.html", {
        "title": "This form has expired",
        "message": "The page was open too long or came from elsewhere. Go back, reload "
                   "the page and try again.",
    }, status=403)


def static(request: HttpRequest, path: str) -> HttpResponse:
    response = serve_file(request, path, document_root=str(STATIC_DIR))
    response["Cache-Control"] = "no-cache"
    return response
