"""Prices: kept in a currency's minor unit (cents), typed and shown in its major one,
in the site's language (Babel)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies

from masthead.errors import ContentError


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in list_currencies():
        raise ContentError(f"'{code}' is not a currency code (EUR, USD, GBP...)",
                           field="currency")
    return code


def to_minor(text: str, currency: str, *, field: str) -> int:
    """``"5"`` or ``"5.00"`` in EUR is 500; empty is 0 (not offered)."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ContentError(f"'{text}' is not a price (write it like 5 or 5.50)",
                           field=field) from None
    digits = get_currency_precision(currency)
    minor = value * (10 ** digits)
    if value < 0 or minor != minor.to_integral_value():
        raise ContentError(f"'{text}' is not a price in {currency} (at most {digits} "
                           "decimals, not negative)", field=field)
    return int(minor)


def to_major(minor: int, currency: str) -> str:
    """What the studio's price field shows: 500 EUR is "5.00"."""
    digits = get_currency_precision(currency)
    return f"{Decimal(minor) / (10 ** digits):.{digits}f}"


def format_price(minor: int, currency: str, locale: Locale | str) -> str:
    """500 EUR is "€5.00" in English and "5,00 €" in French."""
    digits = get_currency_precision(currency)
    return format_currency(Decimal(minor) / (10 ** digits), currency, locale=locale)
