"""The Outbox (owners): the messages a site without a mail server has "sent", written to
a folder by masthead.toml's ``[smtp] folder`` (the demo does this). Owners only: it holds
confirmation, invitation and password links."""

from __future__ import annotations

import email.utils

import nh3
from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from masthead.accounts import permissions
from masthead.mail import outbox, server
from masthead.studio.views.access import studio_login_required


def _folder(request: HttpRequest):
    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("owners see the outbox")
    smtp = server.current()
    return smtp.folder if smtp is not None else None


@studio_login_required
def outbox_view(request: HttpRequest) -> HttpResponse:
    folder = _folder(request)
    return render(request, "studio/outbox.html", {
        "folder": folder, "messages": outbox.listing(folder) if folder else []})


def _parts(msg) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return (text.get_content() if text is not None else "",
            html.get_content() if html is not None else "")


@studio_login_required
def message_view(request: HttpRequest, name: str) -> HttpResponse:
    folder = _folder(request)
    msg = outbox.message(folder, name) if folder else None
    if msg is None:
        raise Http404("no such message")
    text, html = _parts(msg)
    when = email.utils.parsedate_to_datetime(msg["Date"]) if msg.get("Date") else None
    return render(request, "studio/outbox_message.html", {
        "name": name, "subject": msg.get("Subject", ""), "sender": msg.get("From", ""),
        "to": msg.get("X-Outbox-To", msg.get("To", "")), "when": when, "text": text,
        "has_html": bool(html)})


@studio_login_required
@xframe_options_sameorigin
@csp_replace({"default-src": ["'none'"], "img-src": ["'self'", "data:"],
              "style-src": ["'unsafe-inline'"], "script-src": ["'none'"],
              "frame-ancestors": ["'self'"], "form-action": ["'none'"]})
def message_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part, sanitised, for a sandboxed frame: no script, no form, no request
    anywhere but this server."""
    folder = _folder(request)
    msg = outbox.message(folder, name) if folder else None
    if msg is None:
        raise Http404("no such message")
    _, html = _parts(msg)
    clean = nh3.clean(html, attributes={"*": {"style", "class", "align", "width", "height"},
                                        "a": {"href", "title"},
                                        "img": {"src", "alt", "width", "height"},
                                        "td": {"colspan", "rowspan"},
                                        "th": {"colspan", "rowspan", "scope"}},
                      link_rel="noopener noreferrer")
    return HttpResponse(clean, content_type="text/html; charset=utf-8")
