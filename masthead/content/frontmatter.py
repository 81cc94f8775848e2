"""Hugo/Jekyll front matter: YAML between ``---`` lines (or TOML between ``+++``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from masthead.errors import ContentError


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date gets our error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    try:
        return yaml.load(text, Loader=_Loader)
    except RecursionError:  # PyYAML nests a Python call per level of [[[...]]]
        raise yaml.YAMLError("it is nested too deeply to read") from None


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text with LF line ends, or an error saying where the bad byte is."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            path=path, line=line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: Path | str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number of the body's first line)."""
    if text.startswith("---\n"):
        fence, kind = "---", "yaml"
    elif text.startswith("+++\n"):
        fence, kind = "+++", "toml"
    else:
        return {}, text, 1
    end = text.find(f"\n{fence}\n", len(fence))
    if end < 0:
        if text.endswith(f"\n{fence}"):
            end = len(text) - len(fence) - 1
        else:
            raise ContentError(f"front matter opened with {fence} on line 1 is never closed",
                               path=path, line=1)
    raw = text[len(fence) + 1 : end + 1]
    body = text[end + len(fence) + 2 :]
    body_line = raw.count("\n") + 3
    if kind == "yaml":
        try:
            meta = load_yaml(raw) if raw.strip() else {}
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 2 if mark else None
            problem = exc.problem or exc.context or "invalid YAML"
            raise ContentError(f"front matter is not valid YAML: {problem}", path=path,
                               line=line) from None
        except yaml.YAMLError as exc:
            raise ContentError(f"front matter is not valid YAML: {exc}", path=path) from None
    else:
        try:
            meta = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(f"front matter is not valid TOML: {exc}", path=path) from None
        except RecursionError:
            raise ContentError("front matter is nested too deeply to read", path=path,
                               line=2) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values", path=path, line=2)
    # Skip the blank line that conventionally follows the front matter.
    while body.startswith("\n"):
        body = body[1:]
        body_line += 1
    return meta, body, body_line


def dump(meta: dict[str, Any]) -> str:
    """Deterministic YAML front matter (keys in the given order)."""
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000,
                          default_flow_style=False)
    return f"---\n{text}---\n"
