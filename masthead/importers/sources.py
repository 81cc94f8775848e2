"""Bibliographies: BibTeX/BibLaTeX (read by Pandoc) and CSL-JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from masthead.errors import SourceError
from masthead.render.citeproc import pandoc_path

CSL_TYPES_HINT = "book, article-journal, chapter, webpage, report..."


def read_bibtex(path: Path) -> dict[str, dict]:
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    proc = subprocess.run(
        [pandoc_path(), str(path), "--from", "biblatex", "--to", "csljson"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    if proc.returncode != 0:
        raise SourceError(f"{path}: not a readable BibTeX file: {proc.stderr.strip()}")
    items = json.loads(proc.stdout or "[]")
    if not items:
        raise SourceError(f"{path}: no BibTeX entries found (expected @book{{key, ...}} entries)")
    return _keyed(items, path)


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
