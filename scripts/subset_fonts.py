"""Subset the theme's text face (Source Serif 4) into the woff2 files the theme ships.

Run once, by hand, when the face or the character set changes; the output is committed
(masthead/themes/default/static/fonts/), so neither the build nor a site needs fontTools.

    npm pack source-serif@4.5.1 && tar xzf source-serif-4.5.1.tgz
    python -m venv /tmp/fonts && /tmp/fonts/bin/pip install fonttools==4.68.0 brotli==1.2.1
    /tmp/fonts/bin/python scripts/subset_fonts.py package/ \
        --fallback /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf \
        --fallback /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf

It writes the three faces, each in a Latin and an extended part, and prints, for each --fallback font, the @font-face metric
overrides (size-adjust, ascent, descent, line gap) that make that local font take the
same room as Source Serif 4, so text does not move when the web font arrives.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "masthead" / "themes" / "default" / "static" / "fonts"

NAME = "Masthead Serif"  # the subsets' family name (see rename)
FACES = {"SourceSerif4-Regular.otf": "masthead-serif-regular.woff2",
         "SourceSerif4-It.otf": "masthead-serif-italic.woff2",
         "SourceSerif4-Bold.otf": "masthead-serif-bold.woff2"}

# Each face is cut in two by Unicode range, as font services do: the Latin part (ASCII,
# Latin-1, the typographer's punctuation: curly quotes, dashes, ellipsis, thin and
# non-breaking spaces; euro, trade mark, minus) serves English and most Western European
# text, and the extended part (Latin Extended-A, -B and Additional, the IPA schwa, the
# modifier letters such as the ʻokina) is downloaded only by a page that has one of its
# letters. The theme's @font-face rules give the same ranges (unicode-range).
PARTS = {
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,"
             "U+20AC,U+2122,U+2212,U+2215,U+FEFF,U+FFFD",
    "latin-ext": "U+0100-0130,U+0132-0151,U+0154-024F,U+0259,U+02BB,U+1E00-1EFF",
}
# Kerning, ligatures and accents placed on their letters; no figure styles (the theme
# asks for none, and they weigh a tenth of the file).
FEATURES = "kern,liga,calt,ccmp,locl,mark,mkmk"

# English letter frequencies (per thousand), to weigh glyph widths as running text does.
FREQ = {"a": 82, "b": 15, "c": 28, "d": 43, "e": 127, "f": 22, "g": 20, "h": 61, "i": 70,
        "j": 2, "k": 8, "l": 40, "m": 24, "n": 67, "o": 75, "p": 19, "q": 1, "r": 60, "s": 63,
        "t": 91, "u": 28, "v": 10, "w": 24, "x": 2, "y": 20, "z": 1, " ": 180}


def subset(package: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for source, face in FACES.items():
        for part, unicodes in PARTS.items():
            target = OUT / face.replace(".woff2", f"-{part}.woff2")
            subprocess.run([sys.executable, "-m", "fontTools.subset",
                            str(package / "OTF" / source), f"--unicodes={unicodes}",
                            f"--layout-features={FEATURES}",
                            "--desubroutinize",  # woff2's compression does better without
                            "--flavor=woff2", f"--output-file={target}"], check=True)
            rename(target)
            print(f"{target.name}: {target.stat().st_size} bytes")


def rename(path: Path) -> None:
    """Give the subset a name of its own: "Source" is a Reserved Font Name under the
    OFL, which a modified version (a subset is one) may not carry."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    for record in font["name"].names:
        text = record.toUnicode()
        renamed = text.replace("Source Serif 4", NAME).replace("SourceSerif4", NAME.replace(" ", ""))
        if renamed != text:
            record.string = renamed
    cff = font["CFF "].cff
    cff.fontNames = [n.replace("SourceSerif4", NAME.replace(" ", "")) for n in cff.fontNames]
    top = cff.topDictIndex[0]
    for attr in ("FullName", "FamilyName"):
        if hasattr(top, attr):
            setattr(top, attr, getattr(top, attr).replace("Source Serif 4", NAME))
    font.flavor = "woff2"
    font.save(str(path))


def average_width(path: Path) -> tuple[float, object]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    total = sum(FREQ.values())
    width = sum(hmtx[cmap[ord(c)]][0] * n for c, n in FREQ.items()) / total / upem
    return width, font


def overrides(web: Path, fallback: Path) -> str:
    web_width, web_font = average_width(web)
    width, _ = average_width(fallback)
    size = web_width / width
    hhea, upem = web_font["hhea"], web_font["head"].unitsPerEm
    pct = lambda v: f"{v * 100:.2f}%"  # noqa: E731
    return (f"/* {fallback.name} */ size-adjust: {pct(size)}; "
            f"ascent-override: {pct(hhea.ascent / upem / size)}; "
            f"descent-override: {pct(-hhea.descent / upem / size)}; "
            f"line-gap-override: {pct(hhea.lineGap / upem / size)};")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package source-serif")
    parser.add_argument("--fallback", type=Path, action="append", default=[],
                        help="a local font to compute metric overrides for")
    args = parser.parse_args()
    subset(args.package)
    for fallback in args.fallback:
        print(overrides(args.package / "OTF" / "SourceSerif4-Regular.otf", fallback))


if __name__ == "__main__":
    main()
