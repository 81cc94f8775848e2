"""Bibliographies: BibTeX/BibLaTeX (read by Pandoc) and CSL-JSON.

A BibTeX title is written in title case, with braces around what must keep its capitals
(``Letters on the {English} Nation``); CSL wants titles stored in sentence case, so that
sentence-case styles (APA) print them as stored and title-case styles (Chicago, MLA)
capitalise them again. Pandoc's reader makes that sentence case, honouring the braces,
for entries in English. What a writer typed is kept beside it, in CSL-JSON's ``custom``
object, for the studio to show (:func:`title_as_written`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from masthead.errors import SourceError
from masthead.render.citeproc import pandoc_path

CSL_TYPES_HINT = "book, article-journal, chapter, webpage, report..."
AS_WRITTEN = "title-as-written"  # the key in an entry's "custom" object

# Pandoc's BibTeX reader sentence-cases English titles when the LANG of its environment
# is English (or unset), and leaves them as written otherwise: name both, so the result
# never depends on the shell the import runs in.
_SENTENCE_CASE_LANG = "en-US"
_AS_WRITTEN_LANG = "de-DE"


def _pandoc_bib(path: Path, reader: str, lang: str) -> list[dict]:
    proc = subprocess.run(
        [pandoc_path(), str(path), "--from", reader, "--to", "csljson"],
        capture_output=True, text=True, encoding="utf-8", check=False,
        env={**os.environ, "LANG": lang},
    )
    if proc.returncode != 0:
        raise SourceError(f"{path}: not a readable BibTeX file: {proc.stderr.strip()}")
    return json.loads(proc.stdout or "[]")


def read_bibtex(path: Path) -> dict[str, dict]:
    """Entries as CSL-JSON, read by Pandoc as BibLaTeX (which knows BibTeX's fields too).

    Two things are taken from a second reading, as plain BibTeX with titles left alone:
    the title as written, and the publisher, which BibLaTeX splits at every "and"
    ("Parker and Son" would become two publishers, "Parker; Son") while for BibTeX, and
    for writers, it is one name.
    """
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    items = _pandoc_bib(path, "biblatex", _SENTENCE_CASE_LANG)
    if not items:
        raise SourceError(f"{path}: no BibTeX entries found (expected @book{{key, ...}} entries)")
    as_bibtex = {str(i.get("id")): i for i in _pandoc_bib(path, "bibtex", _AS_WRITTEN_LANG)
                 if isinstance(i, dict)}
    for item in (i for i in items if isinstance(i, dict)):
        plain = as_bibtex.get(str(item.get("id")), {})
        if "publisher" in plain:
            item["publisher"] = plain["publisher"]
        for field in _TITLES:
            if isinstance(item.get(field), str) and isinstance(plain.get(field), str):
                item[field] = keep_capitals(item[field], plain[field])
        written = plain.get("title")
        if isinstance(written, str) and written != item.get("title"):
            item["custom"] = {**(item.get("custom") or {}), AS_WRITTEN: written}
    return _keyed(items, path)


_TITLES = ("title", "title-short", "container-title", "collection-title", "volume-title")
_SAME = str.maketrans("’‘", "''")


def keep_capitals(sentence: str, written: str) -> str:
    """Pandoc's sentence case, with the capitals it should not have taken back.

    Pandoc lowercases the pronoun "I" and initialisms with full stops ("LL.D." becomes
    "LL.d.", "U.S." "u.s."), and takes the word after such a full stop for the start of
    a sentence ("LL.D. And others"). Word by word, against the title as written: a word
    written in capitals (two or more, or the pronoun I) keeps them, and a word written
    in lower case after a full stop stays in lower case.
    """
    got, had = sentence.split(" "), written.split(" ")
    if len(got) != len(had):
        return sentence
    out = []
    for i, (g, w) in enumerate(zip(got, had, strict=True)):
        if len(g) == len(w) and g.translate(_SAME).lower() == w.translate(_SAME).lower():
            letters = [c for c in w if c.isalpha()]
            shouting = sum(c.isupper() for c in letters) >= 2 and not any(
                c.islower() for c in letters)
            pronoun = w.translate(_SAME).strip(".,;:!?()[]\"").split("'")[0] == "I"
            after_stop = i > 0 and had[i - 1].endswith(".") and w.islower()
            if shouting or pronoun or after_stop:
                g = "".join(wc if gc.isalpha() else gc for gc, wc in zip(g, w, strict=True))
        out.append(g)
    return " ".join(out)


_MARKUP_RE = re.compile(r"</?(?:i|b|sup|sub|span)\b[^>]*>")


def title_as_written(csl: Mapping) -> str:
    """The title as the writer wrote it: BibTeX's before it was sentence-cased, without
    its braces or CSL's markup (``<span class="nocase">``, ``<i>``)."""
    custom = csl.get("custom")
    written = custom.get(AS_WRITTEN) if isinstance(custom, Mapping) else None
    title = written if isinstance(written, str) else csl.get("title", "")
    return _MARKUP_RE.sub("", str(title))


def read_csl_json(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        raise SourceError(f"{path}: CSL-JSON must be a list of entries")
    return _keyed(data, path)


def _keyed(items: list, path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SourceError(f"{path}: entry {i} is not an object")
        key = item.get("id")
        if not isinstance(key, str | int) or not str(key).strip():
            raise SourceError(f"{path}: entry {i} has no 'id' (the citation key)")
        if not isinstance(item.get("type"), str):
            raise SourceError(f"{path}: entry '{key}' has no 'type' ({CSL_TYPES_HINT})")
        if str(key) in out:
            raise SourceError(f"{path}: the key '{key}' appears twice")
        out[str(key)] = {k: v for k, v in item.items() if k != "id"}
    return out


def read_any(path: Path) -> dict[str, dict]:
    if path.suffix.lower() in (".bib", ".bibtex", ".biblatex"):
        return read_bibtex(path)
    return read_csl_json(path)
