"""Bounds on what hostile HTML can cost the conversion to Markdown.

The conversion (markdownify) walks the tree recursively and writes a spanning table cell
out once per column it spans: 1,000 nested divs would exhaust the stack, and one
``colspan="99999999"`` would make a string of hundreds of megabytes. These passes run
first, without recursion, at a small fraction of a conversion's cost.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag

MAX_DEPTH = 100  # elements inside elements; deeper ones become their text (see below)


def flatten(soup: BeautifulSoup, limit: int = MAX_DEPTH) -> bool:
    """Put the text of each element ``limit`` levels down in its place; True if any was.

    The conversion walks the tree recursively and some tidying steps look through every
    level, so HTML nested 1,000 deep (a page builder's, or a hostile export's) would
    exhaust the stack or take minutes. This walk has no recursion, and costs a small
    fraction of a conversion."""
    deep: list[Tag] = []
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if isinstance(child, Tag):
                if depth + 1 >= limit:
                    deep.append(child)  # and not below it: its text is all that stays
                else:
                    stack.append((child, depth + 1))
    for tag in deep:
        tag.replace_with(NavigableString(tag.get_text(" ")))
    return bool(deep)


MAX_SPAN = 50  # a table cell as wide or tall as this many; markdownify repeats cells


def table_spans(soup: BeautifulSoup) -> None:
    """A ``colspan="99999999"`` would be written out as that many cells: spans past
    MAX_SPAN, or not numbers, are dropped."""
    for cell in soup.find_all(["td", "th"]):
        for name in ("colspan", "rowspan"):
            value = cell.get(name)
            if value is not None and not (str(value).strip().isdigit()
                                          and int(value) <= MAX_SPAN):
                del cell[name]
