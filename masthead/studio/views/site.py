"""The site's settings (owners)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse

from masthead.accounts import permissions
from masthead.content import publishing
from masthead.errors import ContentError
from masthead.studio.views.access import studio_login_required


def _settings_form_values(site) -> dict[str, str]:
    from masthead.content import site_settings

    values = {}
    for s in site_settings.SETTINGS:
        v = getattr(site, s.name)
        if s.name == "support_links":
            v = "\n".join(f"{x['label']} | {x['url']}" for x in v or ())
        elif isinstance(v, bool):
            v = "true" if v else ""
        values[s.name] = "" if v is None else str(v)
    return values


SWITCHES = {"comments"}  # settings that are on or off: a checkbox


@studio_login_required
def site_settings_view(request: HttpRequest) -> HttpResponse:
    from masthead.content import site_settings
    from masthead.content.actions import get_site
    from masthead.render import citeproc

    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("only the site's owners change its settings")
    site = get_site()
    values = _settings_form_values(site)
    error, error_field, status = "", "", 200
    if request.method == "POST":
        values = {s.name: request.POST.get(s.name, "") for s in site_settings.SETTINGS}
        for name in SWITCHES:  # an unticked box sends nothing
            values[name] = "true" if values[name] else ""
        parsed: dict = {}
        try:
            for name, raw in values.items():
                if name == "support_links":
                    links = []
                    for n, line in enumerate(raw.splitlines(), 1):
                        if not line.strip():
                            continue
                        label, sep, url = line.rpartition("|")
                        if not sep:
                            raise ContentError(f"line {n}: write it as Label | https://...",
                                               field=name)
                        links.append({"label": label.strip(), "url": url.strip()})
                    parsed[name] = links
                elif name in SWITCHES:
                    parsed[name] = bool(raw)
                else:
                    parsed[name] = raw
            for name, raw in parsed.items():
                parsed[name] = site_settings.validate(name, raw, source="settings")
            citeproc.resolve_style(parsed["citation_style"], settings.MASTHEAD_ROOT)
            publishing.change_settings(request.user, parsed)
            return HttpResponseRedirect(reverse("site_settings") + "?saved=1")
        except ContentError as exc:
            error, error_field, status = exc.reason, exc.field or "", 400
    rows = [(s, values.get(s.name, ""), s.name.replace("_", " ").capitalize())
            for s in site_settings.SETTINGS]
    return render(request, "studio/settings.html", {
        "rows": rows, "error": error, "error_field": error_field,
        "long": {"description", "footer", "support_links"}, "switches": SWITCHES,
    }, status=status)
