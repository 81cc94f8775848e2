"""Readers' newsletter pages: sign up (from the static site's form), confirm, manage.

The sign-up form lives on static pages, which cannot carry a CSRF token: the double
opt-in is what protects it (nothing is sent to an address but a confirmation), with a
honeypot field, a same-origin check and a per-client limit in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from masthead.errors import ContentError
from masthead.newsletter import actions, links
from masthead.newsletter.models import Subscriber
from masthead.sitegen.snapshot import current_site
from masthead.translation import Words
from masthead.translation import load as load_words

HONEYPOT = "website"  # a field people never see and bots fill in


def _words() -> Words:
    """The site's language, with its own wording (``translations/``) on top; while that
    file has a mistake (the build reports it), readers get the shipped wording."""
    language = current_site().language
    try:
        return load_words(language, getattr(settings, "MASTHEAD_ROOT", None))
    except ContentError:
        return load_words(language)


def _(message: str, **values: str) -> str:
    return _words().gettext(message) % values


def _page(request: HttpRequest, title: str, message: str, status: int = 200, **extra):
    site = current_site()
    return render(request, "newsletter/page.html",
                  {"title": title, "message": message, "site": site,
                   "home": site.href("/"), "unsubscribe_label": _("Unsubscribe"),
                   "resubscribe_label": _("Subscribe again"), **extra}, status=status)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def _same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None  # a form without Origin (old browsers, curl) is let through
    site = current_site()
    return origin in (site.origin, f"{request.scheme}://{request.get_host()}")


@csrf_exempt
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _same_origin(request):
        return _page(request, _("Not sent"), _("This form must be sent from the site itself."),
                     status=403)
    done = _page(request, _("Check your inbox"),
                 _("If that address can get the newsletter, an email is on its way to it: "
                   "open the link inside to confirm. Nothing is sent until you do."))
    if request.POST.get(HONEYPOT):
        return done  # a bot: say the same, do nothing
    try:
        actions.subscribe(request.POST.get("email", ""), name=request.POST.get("name", ""),
                          client=_client(request))
    except ContentError:
        return _page(request, _("Not an email address"),
                     _("“%(email)s” is not an email address.",
                       email=request.POST.get("email", "").strip()), status=400)
    except actions.TooManySignups:
        return _page(request, _("Too many sign-ups"), _("Too many sign-ups came from here in "
                     "the last hour. Try again later."), status=429)
    return done


def _subscriber(value: str, purpose: str) -> Subscriber | None:
    sid = links.read(value, purpose)
    return Subscriber.objects.filter(pk=sid).first() if sid is not None else None


@csrf_exempt  # the signed token is the permission; the CSRF cookie lives under /studio/
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links; only a person presses it)."""
    sub = _subscriber(token, "confirm")
    if sub is None:
        return _page(request, _("This link has expired"),
                     _("Confirmation links work for a week. Sign up again from the site."),
                     status=400)
    if request.method == "POST":
        actions.confirm(sub.pk)
        return _page(request, _("You are subscribed"),
                     _("New posts will come to %(email)s. A welcome email is on its way.",
                       email=sub.email))
    return _page(request, _("Confirm your subscription"),
                 _("Send new posts to %(email)s?", email=sub.email),
                 action="confirm", button=_("Yes, subscribe me"))


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058): a POST of ``List-Unsubscribe=One-Click`` from a
    mail client does it at once; a GET (a person following the link) asks first."""
    sub = _subscriber(token, "manage")
    if sub is None:
        return _page(request, _("This link does not work"),
                     _("Use the link in a recent email."), status=400)
    if request.method == "POST":
        actions.unsubscribe(sub.pk)
        return _page(request, _("You are unsubscribed"),
                     _("%(email)s will get no more emails from this site.", email=sub.email))
    return _page(request, _("Unsubscribe"), _("Stop sending posts to %(email)s?", email=sub.email),
                 action="unsubscribe", button=_("Unsubscribe"))


@csrf_exempt
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The preferences page a subscriber reaches from any email."""
    sub = _subscriber(token, "manage")
    if sub is None:
        return _page(request, _("This link does not work"),
                     _("Use the link in a recent email."), status=400)
    if request.method == "POST" and request.POST.get("do") == "resubscribe" and \
            sub.status == Subscriber.UNSUBSCRIBED:
        actions.subscribe(sub.email, client=_client(request), source="manage")
        return _page(request, _("Check your inbox"),
                     _("Confirm once more from the email we sent."))
    subscribed = sub.status in (Subscriber.CONFIRMED, Subscriber.PENDING)
    if request.POST.get("do") == "book_updates" and subscribed:
        sub = actions.choose_book_updates(sub.pk, bool(request.POST.get("book_updates")))
    extra = {"book_updates": sub.book_updates, "save_label": _("Save"),
             "book_updates_label": _("Also email me when a book here has a new version")}
    return _page(request, _("Your subscription"),
                 _("%(email)s is subscribed.", email=sub.email) if subscribed
                 else _("%(email)s is not subscribed.", email=sub.email),
                 manage_token=token, subscribed=subscribed, **extra)
