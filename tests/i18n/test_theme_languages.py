"""A site in Arabic, Hebrew, Persian, French, German, Spanish, Portuguese, Italian,
Russian, Turkish or Chinese says its navigation, dates, tags, notes, 404 and search page
in that language, and right-to-left languages lay out right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.i18n.conftest import LANGUAGES

pytestmark = pytest.mark.slow  # a build a language

# What a reader of each language expects, written here from the language, not read from
# the catalogues: (Archive in the menu, the tags line, the notes heading, the back link of
# note 1, 1 March 2025, the 404 page's heading, the search box's label, direction).
EXPECTED = {
    "ar": ("الأرشيف", "الوسوم:", "الحواشي", "العودة إلى موضع الحاشية 1 في النص", "1 مارس 2025",
           "هذه الصفحة غير موجودة", "ابحث في الكتابات", "rtl"),
    "he": ("ארכיון", "תגיות:", "הערות", "חזרה לטקסט של הערה 1", "1 במרץ 2025",
           "הדף הזה לא נמצא כאן", "חיפוש בכתיבה", "rtl"),
    "fa": ("بایگانی", "برچسب‌ها:", "یادداشت‌ها", "بازگشت به متنِ یادداشت 1", "۱ مارس ۲۰۲۵",
           "این صفحه اینجا نیست", "جست‌وجو در نوشته‌ها", "rtl"),
    "fr": ("Archives", "Étiquettes :", "Notes", "Retour au texte de la note 1", "1 mars 2025",
           "Cette page n’est pas ici", "Rechercher dans les textes", "ltr"),
    "de": ("Archiv", "Schlagwörter:", "Anmerkungen", "Zurück zum Text von Anmerkung 1",
           "1. März 2025", "Diese Seite gibt es hier nicht", "Die Texte durchsuchen", "ltr"),
    "es": ("Archivo", "Etiquetas:", "Notas", "Volver al texto de la nota 1", "1 de marzo de 2025",
           "Esta página no está aquí", "Buscar en los textos", "ltr"),
    "pt": ("Arquivo", "Etiquetas:", "Notas", "Voltar ao texto da nota 1", "1 de março de 2025",
           "Esta página não está aqui", "Pesquisar nos textos", "ltr"),
    "it": ("Archivio", "Tag:", "Note", "Torna al testo della nota 1", "1 marzo 2025",
           "Questa pagina non è qui", "Cerca negli scritti", "ltr"),
    "ru": ("Архив", "Метки:", "Примечания", "Вернуться к тексту примечания 1", "1 марта 2025 г.",
           "Такой страницы здесь нет", "Поиск по текстам", "ltr"),
    "tr": ("Arşiv", "Etiketler:", "Notlar", "1 numaralı notun metnine dön", "1 Mart 2025",
           "Bu sayfa burada değil", "Yazılarda ara", "ltr"),
    "zh": ("归档", "标签：", "注释", "返回注释 1 所在正文", "2025年3月1日", "此页面不存在", "搜索文章",
           "ltr"),
}
DAY_MONTH = {"ar": "1 مارس", "he": "1 במרץ", "fa": "۱ مارس", "fr": "1 mars", "de": "1. März",
             "es": "1 de marzo", "pt": "1 de março", "it": "1 marzo", "ru": "1 марта",
             "tr": "1 Mart", "zh": "3月1日"}
ENGLISH = ["Archive", "Tagged", "Back to the text of note", "March", "Skip to content", "Newer",
           "Older", "Subscribe", "Published with"]


def page(public: Path, path: str) -> HTMLParser:
    return HTMLParser((public / path.strip("/") / "index.html").read_text()
                      if not path.endswith(".html") else (public / path).read_text())


def text(tree: HTMLParser, selector: str) -> str:
    return " ".join(tree.css_first(selector).text().split())


def test_every_shipped_language_is_tested():
    assert sorted(EXPECTED) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_post_page_speaks_the_sites_language(built_in, lang):
    archive, tagged, notes, back, date, _, _, direction = EXPECTED[lang]
    tree = page(built_in[lang], "/2025/03/first/")
    root = tree.css_first("html")
    assert root.attributes["lang"] == lang and root.attributes["dir"] == direction
    assert archive in [a.text() for a in tree.css(".site-nav a")]
    assert text(tree, "p.tags").startswith(tagged)
    assert text(tree, "time.dt-published") == date
    assert text(tree, "#footnotes h2") == notes
    assert tree.css_first("a.footnote-back").attributes["aria-label"] == back
    said = tree.body.text() + " ".join(a.attributes.get("aria-label") or ""
                                       for a in tree.css("[aria-label]"))
    for english in ENGLISH:
        assert not re.search(rf"\b{english}\b", said), f"{lang}: still says {english!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_404_search_and_archive_pages_speak_the_sites_language(built_in, lang):
    archive, _, _, _, _, missing, search_label, direction = EXPECTED[lang]
    public = built_in[lang]
    not_found = page(public, "404.html")
    assert text(not_found, "main h1") == missing
    assert not_found.css_first("html").attributes["dir"] == direction
    search = page(public, "/search/")
    assert text(search, "label[for=search-input]") == search_label
    assert "Searching" not in search.css_first("form.search-form").attributes["data-words"]
    assert text(page(public, "/archive/"), "main h1") == archive
    # The year's archive lists the post under its day and month, in the language's words.
    listed = [t.text() for t in page(public, "/2025/").css(".archive-list time")]
    assert DAY_MONTH[lang] in listed


def test_persian_counts_in_persian_digits(built_in):
    tags = page(built_in["fa"], "/tags/")
    counts = [c.text() for c in tags.css(".count")]
    assert sorted(counts) == ["(۱)", "(۲)"]


def test_russian_archive_names_the_month_in_the_nominative(built_in):
    assert "март" in [a.text() for a in page(built_in["ru"], "/archive/").css(".archive-months a")]
    assert text(page(built_in["ru"], "/2025/03/"), "main h1") == "Записи за март 2025 г."
