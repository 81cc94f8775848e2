"""Every phrase the theme, the renderer and the newsletter say is translated in every
shipped language, with the same placeholders and the language's number of plural forms;
a phrase added to a template without a translation fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from masthead.translation import catalogues
from masthead.translation.overrides import placeholders

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["ar", "de", "es", "fa", "fr", "he", "it", "pt", "ru", "tr", "zh"]


def _script():
    spec = importlib.util.spec_from_file_location("update_catalogues",
                                                  ROOT / "scripts" / "update_catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def said() -> dict[tuple[str | None, str], object]:
    """What the sources say now, extracted as the script extracts it."""
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m.id
            for m in _script().extract() if m.id}


def test_the_languages_shipped_are_those_the_issue_asks_for():
    assert catalogues.shipped_languages() == LANGUAGES


def test_the_template_holds_every_phrase_the_sources_say(said):
    template = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
                for m in catalogues.template() if m.id}
    assert set(said) == template, "run scripts/update_catalogues.py"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_phrase_is_translated_with_its_placeholders(said, lang):
    locale = catalogues.locale_for(lang)
    catalog = catalogues.read(catalogues.catalogue_path(lang), locale)
    forms = get_plural(locale).num_plurals
    for (context, key), msgid in said.items():
        message = catalog.get(msgid, context=context)
        assert message is not None, f"{lang}: “{key}” is missing"
        assert not message.fuzzy, f"{lang}: “{key}” is marked fuzzy"
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(texts), f"{lang}: “{key}” is not translated"
        if isinstance(msgid, tuple):
            assert len(texts) == forms, f"{lang}: “{key}” needs {forms} plural forms"
            allowed = placeholders(msgid[0]) | placeholders(msgid[1])
            for text in texts:
                assert placeholders(text) is not None and placeholders(text) <= allowed, text
            assert placeholders(texts[-1]) == allowed, f"{lang}: “{key}”: {texts[-1]}"
        else:
            assert placeholders(texts[0]) == placeholders(msgid), f"{lang}: “{key}”: {texts[0]}"


def test_plural_forms_follow_the_language():
    assert get_plural(catalogues.locale_for("ar")).num_plurals == 6
    assert get_plural(catalogues.locale_for("ru")).num_plurals == 3
    for lang, count in (("ar", 6), ("ru", 3), ("zh", 1)):
        catalog = catalogues.read(catalogues.catalogue_path(lang), catalogues.locale_for(lang))
        assert catalog.num_plurals == count
