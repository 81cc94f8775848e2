"""The public /membership/ page: the active tiers with their prices in the site's
language. Served by `masthead serve` (not built into public/), so a tier the owner adds
or archives shows at once, without a rebuild."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from masthead.members.models import Tier
from masthead.members.prices import format_price
from masthead.members.sessions import member_for
from masthead.members.words import say, words
from masthead.sitegen.snapshot import current_site


@dataclass(frozen=True)
class TierCard:
    name: str
    kind: str
    description: str
    benefits: tuple[str, ...]
    monthly: str  # formatted, or ""
    yearly: str


def tier_cards(language: str) -> list[TierCard]:
    """Active tiers a reader can choose (complimentary ones are granted, not chosen)."""
    locale = words(language).locale
    cards = []
    tiers = Tier.objects.filter(active=True).exclude(kind=Tier.COMPLIMENTARY)
    for tier in sorted(tiers, key=lambda t: (t.kind != Tier.FREE, t.position, t.id)):
        cards.append(TierCard(
            tier.name, tier.kind, tier.description, tuple(tier.benefits),
            format_price(tier.monthly_price, tier.currency, locale) if tier.monthly_price else "",
            format_price(tier.yearly_price, tier.currency, locale) if tier.yearly_price else ""))
    return cards


def membership(request: HttpRequest) -> HttpResponse:
    site = current_site()
    member = member_for(request)
    response = render(request, "members/membership.html", {
        "site": site, "home": site.href("/"), "title": say("Membership"),
        "tiers": tier_cards(site.language), "member": member,
        "w": {"month": say("a month"), "year": say("a year"), "free": say("Free"),
              "signin": say("Sign in"), "account": say("Your account"),
              "join_free": say("Join for free"), "email": say("Email address"),
              "intro": say("Support %(site)s and read everything it publishes.",
                           site=site.title)},
    })
    response["Cache-Control"] = "no-store"
    return response
