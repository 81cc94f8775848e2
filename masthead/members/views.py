"""Readers' member pages at /members/: sign in by a mailed link, the account page.

Every form carries a CSRF token (:mod:`masthead.members.csrf`). A mailed link opens a
page with a button, and only pressing it uses the link: mail scanners open links, and a
single-use link they opened would be spent before its reader saw it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from masthead.errors import ContentError
from masthead.members import actions
from masthead.members.csrf import protect
from masthead.members.models import Member
from masthead.members.sessions import clear_cookie, member_for, set_cookie
from masthead.members.words import say, words
from masthead.newsletter.models import Subscriber
from masthead.sitegen.snapshot import current_site

ACCOUNT = "/members/account/"


def _page(request: HttpRequest, template: str, title: str, status: int = 200, **extra):
    site = current_site()
    response = render(request, f"members/{template}",
                      {"title": title, "site": site, "home": site.href("/"), "w": labels(),
                       **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def labels() -> dict[str, str]:
    """The words of the pages' forms, in the site's language."""
    return {k: say(v) for k, v in {
        "email": "Email address", "send_link": "Email me a sign-in link",
        "signin_intro": "Members sign in with a link sent by email: no password.",
        "not_member": "Not a member yet?", "join": "See the membership",
        "name": "Name", "save": "Save", "change_email": "Change the address",
        "email_help": "We send a link to the new address; it changes once you open it.",
        "newsletter": "Newsletter", "newsletter_on": "Send me new posts by email",
        "tier": "Tier", "renews": "Renews on", "signout": "Sign out",
        "delete": "Delete my account", "delete_sure": "Yes, delete my membership and "
        "everything kept about me", "delete_help": "This cannot be undone.",
        "membership": "Membership"}.items()}


def _message(request: HttpRequest, title: str, message: str, status: int = 200):
    return _page(request, "message.html", title, status, message=message)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


@protect
def signin(request: HttpRequest) -> HttpResponse:
    """The same answer for every address: the page never tells who is a member."""
    if request.method == "POST":
        email = request.POST.get("email", "")
        try:
            actions.request_signin(email, client=_client(request))
        except ContentError:
            return _page(request, "signin.html", say("Sign in"), status=400, email=email,
                         error=say("“%(email)s” is not an email address.",
                                   email=email.strip()))
        except actions.TooManyRequests:
            return _message(request, say("Too many requests"),
                            say("Too many sign-in links were asked for from here in the "
                                "last hour. Try again later."), status=429)
        return _message(request, say("Check your inbox"),
                        say("If that address belongs to a member, an email with a link "
                            "to sign in is on its way to it. The link works once, for 24 "
                            "hours."))
    return _page(request, "signin.html", say("Sign in"))


@protect
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        signed = actions.sign_in(token)
        if signed is None:
            return _expired(request)
        _, session = signed
        response = HttpResponseRedirect(ACCOUNT)
        set_cookie(request, response, session)
        return response
    return _page(request, "confirm.html", say("Sign in"), button=say("Sign in"),
                 message=say("Press the button to sign in on this device."))


def _expired(request: HttpRequest) -> HttpResponse:
    return _message(request, say("This link does not work"),
                    say("It was used already or is older than 24 hours. Ask for a new "
                        "one from the sign-in page."), status=400)


@protect
def email_link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            sub = actions.confirm_email_change(token)
        except ContentError as exc:
            return _message(request, say("Not changed"), exc.reason, status=400)
        if sub is None:
            return _expired(request)
        return _message(request, say("Address changed"),
                        say("From now on we write to %(email)s.", email=sub.email))
    return _page(request, "confirm.html", say("Confirm your new address"),
                 button=say("Use this address"),
                 message=say("Press the button to use this address for your membership."))


def _tier_name(member: Member) -> str:
    return member.tier.name if member.tier else say("Free")


@protect
def account(request: HttpRequest) -> HttpResponse:
    member = member_for(request)
    if member is None:
        return HttpResponseRedirect("/members/signin/")
    done = ""
    error = ""
    if request.method == "POST":
        what = request.POST.get("do", "")
        try:
            if what == "signout":
                actions.sign_out(request.COOKIES.get("masthead_member", ""))
                response = _message(request, say("Signed out"),
                                    say("You are signed out on this device."))
                clear_cookie(response)
                return response
            if what == "delete":
                if request.POST.get("sure") != "yes":
                    error = say("Tick the box to confirm that your account should go.")
                else:
                    actions.delete_account(member.pk)
                    response = _message(request, say("Account deleted"),
                                        say("Your membership and everything we kept about "
                                            "you are deleted."))
                    clear_cookie(response)
                    return response
            elif what == "name":
                actions.rename(member.pk, request.POST.get("name", ""))
                done = say("Your name is saved.")
            elif what == "email":
                actions.request_email_change(member.pk, request.POST.get("email", ""))
                done = say("Open the link we sent to the new address to confirm it.")
            elif what == "newsletter":
                actions.set_newsletter(member.pk, request.POST.get("on") == "yes")
                done = say("Your newsletter choice is saved.")
        except ContentError as exc:
            error = exc.reason
        member = member_for(request) or member
    sub = member.subscriber
    renews = words().date(member.renews_at) if member.renews_at else ""
    return _page(request, "account.html", say("Your account"), status=400 if error else 200,
                 member=member, subscriber=sub, tier_name=_tier_name(member), renews=renews,
                 newsletter_on=sub.status == Subscriber.CONFIRMED, done=done, error=error)
