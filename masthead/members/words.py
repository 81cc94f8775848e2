"""The members' pages and emails speak the site's language, with the site's own
wording (``translations/``) on top; while that file has a mistake (the build reports
it), readers get the shipped wording."""

from __future__ import annotations

from django.conf import settings

from masthead.errors import ContentError
from masthead.sitegen.snapshot import current_site
from masthead.translation import Words
from masthead.translation import load as load_words


def words(language: str | None = None) -> Words:
    language = language or current_site().language
    try:
        return load_words(language, getattr(settings, "MASTHEAD_ROOT", None))
    except ContentError:
        return load_words(language)


def say(message: str, /, **values: str) -> str:
    return words().gettext(message) % values
