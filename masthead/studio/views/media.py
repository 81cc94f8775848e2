"""Images: uploaded from the editor or the upload page."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.static import serve as serve_file

from masthead.content.images import store_image
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue_build
from masthead.studio.views.access import studio_login_required

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\\[\]])")


def image_markdown(alt: str, src: str) -> str:
    """``![alt](src)``: the description on one line, its brackets escaped so that it
    cannot end the image early."""
    described = _MARKDOWN_SPECIAL_RE.sub(r"\\\1", " ".join(alt.split()))
    return f"![{described}]({src})"


@studio_login_required
def upload_image(request: HttpRequest) -> HttpResponse:
    """Store an image (see content/images.py) and give the Markdown to put in a post: the
    largest size's address; the page's sizes (srcset) are made when it is rendered."""
    wants_json = request.headers.get("accept", "").startswith("application/json")
    snippet, error, status, stored = "", "", 200, None
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
                snippet = image_markdown(alt, "/media/" + stored.files[-1][1])
        if wants_json:
            if error:
                return JsonResponse({"error": error}, status=status)
            return JsonResponse({"markdown": snippet, "width": stored.width,
                                 "height": stored.height,
                                 "sizes": ["/media/" + rel for _, rel in stored.files]})
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/media.html", {"snippet": snippet, "error": error},
                  status=status)


@studio_login_required
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """An image from the site's media/ folder, for signed-in writers: the preview shows
    an upload at once, before the build has copied it to the public site."""
    if Path(path).suffix.lower() not in IMAGE_SUFFIXES or any(
            part.startswith(".") for part in path.split("/")):
        raise Http404
    response = serve_file(request, path, document_root=str(Path(settings.MASTHEAD_ROOT)
                                                            / "media"))
    response["Cache-Control"] = "private, no-cache"
    return response
