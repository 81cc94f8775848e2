"""How long a post takes to read, from its rendered body ("7 min read" under the title).

The count is made from the body as the page shows it (notes and bibliography
included: a reader reads those too), when the page is rendered, so it always matches
the text; nothing is stored. Words are runs of letters or digits; in scripts written
without spaces between words (Chinese, Japanese) each character counts as a word's
worth at a slower rate.
"""

from __future__ import annotations

import math
import re

from masthead.render.markdown import plain_text

WORDS_A_MINUTE = 230  # an adult's silent reading of non-fiction
CHARACTERS_A_MINUTE = 500  # the same for Chinese and Japanese text
_UNSPACED = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")
_WORD_RE = re.compile(f"[^\\W{_UNSPACED}]+")


def reading_minutes(body_html: str) -> int:
    """Whole minutes to read a body, at least one."""
    text = plain_text(body_html)
    minutes = (len(_WORD_RE.findall(text)) / WORDS_A_MINUTE
               + len(_UNSPACED_RE.findall(text)) / CHARACTERS_A_MINUTE)
    return max(1, math.ceil(minutes))
