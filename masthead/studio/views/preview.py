"""The editor's preview: the text as the site will show it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from masthead.content.models import get_site
from masthead.errors import MastheadError
from masthead.render.engine import render_preview, writers_words
from masthead.sitegen.bodies import context_for
from masthead.studio.views.access import studio_login_required


@studio_login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The body as the site will show it: the same Markdown, citations and sanitising; a
    citation of a key no source has is shown as a problem where it stands, and listed."""

    body = request.POST.get("body", "")
    if len(body) > 2_000_000:
        return JsonResponse({"error": "this text is too long to preview"}, status=413)
    try:
        html, problems = render_preview(body, context_for(get_site(), settings.MASTHEAD_ROOT))
    except MastheadError as exc:
        return JsonResponse({"error": writers_words(exc)})
    return JsonResponse({"html": html, "problems": problems,
                         **({"sources": reverse("sources")} if problems else {})})
