"""Images: uploaded from the editor or the upload page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render

from masthead.content.images import store_image
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue_build
from masthead.sitegen.snapshot import current_site
from masthead.studio.views.access import studio_login_required


@studio_login_required
def upload_image(request: HttpRequest) -> HttpResponse:
    """Store an image (see content/images.py) and give the HTML to put in a post."""


    wants_json = request.headers.get("accept", "").startswith("application/json")
    snippet, error, status = "", "", 200
    if request.method == "POST":
        upload = request.FILES.get("image")
        alt = request.POST.get("alt", "").strip()
        if upload is None:
            error, status = "choose an image to upload", 400
        elif not alt:
            error, status = "describe the image for readers who cannot see it (alt text)", 400
        else:
            try:
                stored = store_image(upload.read(), upload.name,
                                     Path(settings.MASTHEAD_ROOT) / "media")
            except ContentError as exc:
                error, status = str(exc), 400
            else:
                with transaction.atomic():
                    enqueue_build()  # copies the new files into public/media/
                snippet = stored.html(current_site().href, alt)
        if wants_json:
            return JsonResponse({"error": error} if error else {"html": snippet},
                                status=status)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/media.html", {"snippet": snippet, "error": error},
                  status=status)
