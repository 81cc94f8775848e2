"""The Email page (owners): the mail server the site sends through, a test message that
reports the server's own answer, and the DNS records for SPF, DKIM and DMARC.

What masthead.toml sets wins over this page (see :mod:`masthead.mail.server`); the page
then shows the file's values, read-only, and says so.
"""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from masthead.accounts import permissions
from masthead.errors import ContentError, SiteError
from masthead.mail import actions, check, dns, keys, server
from masthead.mail.models import MailServer
from masthead.sitegen.snapshot import current_site
from masthead.studio.views.access import studio_login_required

DONE = {"saved": "Saved. Send yourself a test to check it works.",
        "dkim": "A DKIM key is made: publish its record below."}


def _fields(request: HttpRequest, row: MailServer | None) -> dict:
    """What the form shows: the file's values, the posted ones after a refusal, or the
    stored ones (never the password)."""
    file = server.from_file()
    if file is not None and file.folder is None:
        return {"host": file.host, "port": file.port, "security": file.security,
                "username": file.username, "from_address": file.from_address}
    if request.method == "POST" and request.POST.get("action") == "save":
        return {name: request.POST.get(name, "") for name in
                ("host", "port", "security", "username", "from_address")}
    row = row or MailServer()
    return {"host": row.host, "port": row.port, "security": row.security,
            "username": row.username, "from_address": row.from_address}


@studio_login_required
def email_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("owners set up the site's email")
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    error, field, status, answer, accepted = "", "", 200, "", False
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "save":
            if server.from_file() is not None:
                raise ContentError("masthead.toml sets the mail server; change it there")
            actions.save_server(
                host=request.POST.get("host", ""), port=request.POST.get("port", ""),
                security=request.POST.get("security", ""),
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                from_address=request.POST.get("from_address", ""),
                forget_password=request.POST.get("forget_password") == "1")
            return HttpResponseRedirect(reverse("email") + "?done=saved")
        elif action == "test":
            accepted, answer = check.send_test(request.user.email, current_site().title)
        elif action == "dkim":
            actions.make_dkim_key(request.POST.get("selector", ""))
            return HttpResponseRedirect(reverse("email") + "?done=dkim#dns")
        elif action is not None:
            return HttpResponse("unknown action", status=400)
    except ContentError as exc:
        error, field, status = exc.reason, exc.field or "", 400
    except SiteError as exc:
        error, status = str(exc), 400
    row = server.stored()
    smtp = None
    try:
        smtp = server.current()
    except SiteError as exc:
        error = error or str(exc)
    signing = keys.current()
    public = keys.public_key()
    file = server.from_file()
    return render(request, "studio/email.html", {
        "f": _fields(request, row), "file": file, "error": error, "error_field": field,
        "done": DONE.get(request.GET.get("done", ""), ""), "answer": answer, "accepted": accepted, "tested": action == "test",
        "password_stored": bool(row and row.password),
        "password_from_env": bool(os.environ.get("MASTHEAD_SMTP_PASSWORD")),
        "securities": MailServer.SECURITY, "configured": smtp is not None,
        "signing": signing, "dkim_from_file": bool(signing and signing.from_file),
        "records": dns.records(smtp, signing.domain if signing else None,
                               signing.selector if signing else None, public),
        "me": request.user.email,
    }, status=status)
