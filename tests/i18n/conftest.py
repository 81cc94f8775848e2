"""A small site with tagged, footnoted posts, built in each language the theme speaks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import make_site, run_masthead

LANGUAGES = ["ar", "he", "fa", "fr", "de", "es", "pt", "it", "ru", "tr", "zh"]


def write_posts(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "first.md").write_text(
        "---\ntitle: First light\ndate: 2025-03-01\ntags: [press, history]\n---\n"
        "A sentence with a note.[^1]\n\n[^1]: The note itself.\n", encoding="utf-8")
    (folder / "second.md").write_text(
        "---\ntitle: Second thoughts\ndate: 2025-04-12\ntags: [press]\n---\n"
        "Nothing to note here.\n", encoding="utf-8")


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """The site, in English, built."""
    root = tmp_path_factory.mktemp("i18n")
    site = make_site(root)
    write_posts(root / "src")
    run_masthead("import", "markdown", root / "src", site=site)
    run_masthead("build", site=site)
    return site


@pytest.fixture(scope="session")
def built_in(small_site, tmp_path_factory) -> dict[str, Path]:
    """language -> a copy of public/ as built with the site's language set to it."""
    out: dict[str, Path] = {}
    keep = tmp_path_factory.mktemp("public-by-language")
    for lang in LANGUAGES:
        run_masthead("settings", "language", lang, site=small_site)
        run_masthead("build", site=small_site)
        out[lang] = keep / lang
        shutil.copytree(small_site / "public", out[lang])
    run_masthead("settings", "language", "en", site=small_site)
    return out
