"""The site's settings (owners): a form drawn from the settings table, one field a setting."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from masthead.accounts import permissions
from masthead.content import site_settings
from masthead.content.models import get_site
from masthead.errors import ContentError
from masthead.publishing import actions as publishing
from masthead.studio.views.access import studio_login_required


@studio_login_required
def site_settings_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("only the site's owners change its settings")
    site_root = settings.MASTHEAD_ROOT
    values = site_settings.form_values(get_site())
    problem: ContentError | None = None
    if request.method == "POST":
        values = site_settings.posted_values(request.POST)
        try:
            publishing.change_settings(request.user, site_settings.read_form(values, site_root))
            return HttpResponseRedirect(reverse("site_settings") + "?saved=1")
        except ContentError as exc:
            problem = exc  # nothing was stored: the form comes back as sent, the field marked
    return render(request, "studio/settings.html", {
        "fields": site_settings.form_fields(values, site_root),
        "error": problem.reason if problem else "",
        "error_field": (problem.field or "") if problem else "",
        "error_label": site_settings.label_of(problem.field) if problem else "",
    }, status=400 if problem else 200)
