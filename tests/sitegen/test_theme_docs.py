"""docs/theme.md says what the theme does: its figures are the code's."""

from __future__ import annotations

import re

from masthead.sitegen import reading
from masthead.sitegen.theme import THEME_DIR
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "theme.md").read_text()


def test_the_sidenote_width_the_docs_give_is_the_themes():
    css = (THEME_DIR / "static" / "style.css").read_text()
    script = (THEME_DIR / "static" / "footnotes.js").read_text()
    wide = re.search(r"matchMedia\(\"\(min-width: ([\d.]+rem)\)\"\)", script).group(1)
    assert f"@media (min-width: {wide})" in css
    assert f"({wide}, about" in DOC


def test_the_reading_speed_and_font_size_the_docs_give_are_the_codes():
    assert f"at {reading.WORDS_A_MINUTE} a minute" in DOC
    assert f"{reading.CHARACTERS_A_MINUTE} characters a minute" in DOC
    fonts = sorted((THEME_DIR / "static" / "fonts").glob("*.woff2"))
    assert len(fonts) == 6  # three faces, each in a Latin and an extended part
    latin = sum(f.stat().st_size for f in fonts if f.name.endswith("-latin.woff2"))
    total = sum(f.stat().st_size for f in fonts)
    assert f"{round(latin / 1000)} KB for the three Latin parts" in DOC
    assert f"{round(total / 1000)} KB in all" in DOC
    assert latin < 80_000
    for name in ("OFL.txt", "PROVENANCE.md"):
        assert (THEME_DIR / "static" / "fonts" / name).is_file()
