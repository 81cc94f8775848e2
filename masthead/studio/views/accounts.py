"""Logging in and out, and resetting a forgotten password."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.tokens import default_token_generator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from masthead.accounts.actions import request_password_reset, set_password
from masthead.accounts.models import User
from masthead.errors import AccountError
from masthead.mail import server as mail_server


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("posts")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("posts")
    error = ""
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        user = authenticate(request, username=email, password=request.POST.get("password", ""))
        if getattr(request, "axes_locked_out", False):
            return render(request, "studio/locked_out.html", status=429)
        if user is not None and user.is_active:
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = "That email address and password do not match an account."
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/login.html", {"error": error, "email": email,
                                                 "next": next_url},
                  status=401 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("login"))


def password_reset(request: HttpRequest) -> HttpResponse:

    enabled = mail_server.configured()
    sent = False
    if request.method == "POST" and enabled:
        request_password_reset(request.POST.get("email", ""))
        sent = True
    elif request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/password_reset.html", {"enabled": enabled, "sent": sent})


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:


    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "studio/error.html", {
            "title": "This link has expired",
            "message": "Reset links work once, for an hour. Ask for a new one from the "
                       "login page.",
        }, status=400)
    error = ""
    if request.method == "POST":
        first, second = request.POST.get("password", ""), request.POST.get("password2", "")
        if first != second:
            error = "The two passwords differ."
        else:
            try:
                set_password(user, first)
            except AccountError as exc:
                error = str(exc)
            else:
                return HttpResponseRedirect(reverse("login") + "?reset=1")
    return render(request, "studio/password_set.html", {"error": error},
                  status=400 if error else 200)
