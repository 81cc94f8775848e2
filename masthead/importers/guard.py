"""An import never ends in a traceback: whatever goes wrong becomes one line naming the
file and the item, and the import's one transaction stores nothing.

Each stage says where it was when something unexpected happened: :func:`reading` wraps
a reader's records (the last item read), the conversion and the store raise
:class:`ItemError` for the item they were on; :func:`reported` wraps the whole import
and puts the file in front::

    export.xml: item 12 'Hello': could not be stored (...); nothing was imported
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from masthead.errors import MastheadError

T = TypeVar("T")


class ItemError(MastheadError):
    """Something unexpected happened to one item of an export."""

    def __init__(self, where: str, what: str):
        where = "".join(c if c.isprintable() else " " for c in where)
        super().__init__(f"{where[:160]}{'…' if len(where) > 160 else ''}: {what}")


def plain(exc: BaseException) -> str:
    """What went wrong, in the exception's own words but without its class name."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "it needs more memory than this machine has"
    text = " ".join("".join(c if c.isprintable() else " " for c in str(exc)).split())[:200]
    return f"an unexpected problem: {text}" if text else "an unexpected problem"


def where_of(record: object) -> str:
    post = getattr(record, "post", None)
    if post is not None:
        return post.where
    origin = getattr(record, "origin", "")
    return f"the comment {origin}" if origin else "the site's settings"


def reading(records: Iterable[T]) -> Iterator[T]:
    """The records of a reader; an unexpected error names the item after the last one
    read (the reader was on its way to the next)."""
    last = ""
    try:
        for record in records:
            last = where_of(record)
            yield record
    except MastheadError:
        raise
    except Exception as exc:  # anything at all: it becomes a line
        where = f"after {last}" if last else "at its first item"
        raise ItemError(where, f"could not be read ({plain(exc)})") from None


@contextmanager
def reported(path: Path) -> Iterator[None]:
    """Around a whole import: every failure comes out as one line naming ``path``."""
    try:
        yield
    except ItemError as exc:
        raise MastheadError(f"{path}: {exc}; nothing was imported") from None
    except MastheadError:
        raise
    except Exception as exc:
        raise MastheadError(f"{path}: could not be imported ({plain(exc)}); nothing was "
                            "imported") from None
