"""Every writer-facing site setting, described once.

This table drives validation (import of ``site.yaml``, ``masthead settings NAME VALUE``,
the studio's settings form), the studio's form itself, the CLI listing and the
documentation test, so a setting cannot exist without its help, its label and its
control. Each setting has a kind (a line, a text, a switch, a number, a choice or a
list of links): the kind says how the form shows the stored value and how the form's
text comes back as a value to validate.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from masthead.content import setting_choices
from masthead.content.setting_choices import Choice
from masthead.errors import ContentError

PERMALINK_TOKENS = {"year", "month", "day", "slug", "id"}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value


def _line(value: Any) -> str:
    value = _text(value)
    if "\n" in value:
        raise ValueError("must be a single line")
    return value.strip()


def _absolute_url(value: Any) -> str:
    value = _line(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL such as https://example.org/")
    return value


def _url(value: Any) -> str:
    value = _absolute_url(value)
    return value if value.endswith("/") else value + "/"


def _language(value: Any) -> str:
    value = _line(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError("must be a language tag such as en, fr-CA or ar")
    return value


def _timezone(value: Any) -> str:
    value = _line(value)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Europe/Paris or UTC") from None
    return value


def _permalink(value: Any) -> str:
    value = _line(value)
    if not value.startswith("/") or not value.endswith("/"):
        raise ValueError("must start and end with /, e.g. /{year}/{month}/{slug}/")
    tokens = set(re.findall(r"\{(\w+)\}", value))
    unknown = tokens - PERMALINK_TOKENS
    if unknown:
        raise ValueError(f"unknown token {{{sorted(unknown)[0]}}}; use {sorted(PERMALINK_TOKENS)}")
    if "slug" not in tokens and "id" not in tokens:
        raise ValueError("must contain {slug} or {id} so every post gets its own address")
    return value


def _links(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ValueError("must be a list of {label, url}")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"label", "url"}:
            raise ValueError(f"link {i} must have exactly a label and a url")
        try:
            out.append({"label": _line(item["label"]), "url": _absolute_url(item["url"])})
        except ValueError as exc:
            raise ValueError(f"link {i}: {exc}") from None
    return out


def _style(value: Any) -> str:
    value = _line(value)
    if not value:
        raise ValueError("must name a CSL style, e.g. chicago-author-date or apa")
    return value


def _resolvable_style(value: str, site_root: Path | None) -> None:
    """The form offers only styles the site can use; the command line and ``site.yaml``
    may name a .csl file still to be put in place, so this is the form's check."""
    if value and not setting_choices.is_citation_style(value, site_root):
        raise ValueError(f"unknown citation style '{value}': pick one from the list, or put "
                         "its .csl file in the site folder")


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    raise ValueError("must be true or false")


def _count(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}")
        return value

    return parse


# --------------------------------------------------------------------------- kinds


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _as_sent(raw: str) -> str:
    return raw


def _lines(raw: str) -> str:
    return raw.replace("\r\n", "\n")  # browsers send a text box's line breaks as CR LF


def _ticked(raw: str) -> bool:
    return bool(raw)  # an unticked box sends nothing at all


def _switch_shown(value: Any) -> str:
    return "true" if value else ""


def _links_shown(value: Any) -> list[dict[str, str]]:
    return [{"label": x["label"], "url": x["url"]} for x in value or ()]


def _links_read(rows: Any) -> list[dict[str, str]]:
    """The form's rows of label and address, numbered as the form shows them; a row
    left empty is no link (that is how a row is removed without JavaScript)."""
    links = []
    for n, row in enumerate(rows or (), 1):
        label, url = row.get("label", "").strip(), row.get("url", "").strip()
        if not label and not url:
            continue
        if not url:
            raise ValueError(f"link {n}: give its address (https://...)")
        if not label:
            raise ValueError(f"link {n}: give it a label, the words readers see")
        try:
            links.append({"label": _line(label), "url": _absolute_url(url)})
        except ValueError as exc:
            raise ValueError(f"link {n}: {exc}") from None
    return links


@dataclass(frozen=True)
class Kind:
    """A kind of setting: how the form shows a stored value (``to_form``) and turns what
    was sent back into a value for validation (``from_form``, which raises ValueError
    only for text the form's own layout cannot read)."""

    name: str
    to_form: Callable[[Any], Any]  # text; for links, rows of {label, url}
    from_form: Callable[[Any], Any]
    hint: str = ""  # said in the form after the setting's help


LINE = Kind("line", _shown, _as_sent)
TEXT = Kind("text", _shown, _lines)
SWITCH = Kind("switch", _switch_shown, _ticked)
NUMBER = Kind("number", _shown, str.strip)
CHOICE = Kind("choice", _shown, str.strip)
LINKS = Kind("links", _links_shown, _links_read,
             hint="A row a link: its label, and its address (https://...).")
KINDS = (LINE, TEXT, SWITCH, NUMBER, CHOICE, LINKS)


@dataclass(frozen=True)
class Setting:
    """One setting. ``parse`` validates a value from any door (form, command line,
    ``site.yaml``) and returns it as stored; a choice lists its ``options`` for the site
    folder, and may ``check`` that the form's value is one the site can use."""

    name: str
    kind: Kind
    label: str
    parse: Callable[[Any], Any]
    help: str
    options: Callable[[Path | None], list[Choice]] | None = None
    check: Callable[[str, Path | None], None] | None = None
    limits: tuple[int, int] | None = None


def _number(name: str, lo: int, hi: int, label: str, help: str) -> Setting:
    return Setting(name, NUMBER, label, _count(lo, hi), help, limits=(lo, hi))


SETTINGS: tuple[Setting, ...] = (
    Setting("title", LINE, "Site title", _line, "The site's name, shown in every page header and feed."),
    Setting("url", LINE, "Site address", _url, "The public address of the site, e.g. https://essays.example.org/."),
    Setting("description", TEXT, "Description", _text, "One or two sentences about the site, for feeds and search engines."),
    Setting("language", CHOICE, "Language", _language, "Language tag of the writing (en, fr, ar...); right-to-left languages get a right-to-left layout.",
            options=setting_choices.languages),
    Setting("timezone", CHOICE, "Time zone", _timezone, "IANA time zone for dates shown and for permalinks, e.g. Europe/Paris.",
            options=setting_choices.time_zones),
    Setting("author", LINE, "Default author", _line, "Default author name, for posts that name none."),
    Setting("permalink", LINE, "Address pattern of posts", _permalink, "Address pattern of posts: tokens {year} {month} {day} {slug} {id}."),
    Setting("footer", TEXT, "Post footer", _text, "Markdown appended to every post: the support request, the channel link."),
    Setting("support_links", LINKS, "Support links", _links, "Links shown in the site footer, as a list of {label, url}."),
    Setting("citation_style", CHOICE, "Citation style", _style, "CSL style for citations: a name (chicago-author-date, apa, modern-language-association, ieee...) or a .csl file in the site folder.",
            options=setting_choices.citation_styles, check=_resolvable_style),
    _number("posts_per_page", 1, 100, "Posts per page", "Posts per page on the home, tag and archive listings."),
    _number("feed_limit", 1, 1000, "Posts in feeds", "How many of the newest posts the feeds carry."),
    Setting("comments", SWITCH, "Readers' comments", _yes_no, "Show readers' comments (imported from Blogger or WordPress) under posts: true or false."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def validate(name: str, value: Any, *, source: str = "setting") -> Any:
    """Return the value parsed for storage, or raise a ContentError naming the field."""
    setting = BY_NAME.get(name)
    if setting is None:
        raise ContentError(
            f"unknown setting; known settings are: {', '.join(BY_NAME)}", path=source, field=name
        )
    try:
        return setting.parse(value)
    except ValueError as exc:
        raise ContentError(str(exc), path=source, field=name) from None


# --------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class FormField:
    """A setting as the form shows it: its text, and for a choice, the options to pick."""

    setting: Setting
    value: Any  # text; for links, the rows
    options: list[Choice] = field(default_factory=list)


def form_values(site: object) -> dict[str, Any]:
    """The stored settings as the form's text."""
    return {s.name: s.kind.to_form(getattr(site, s.name)) for s in SETTINGS}


def posted_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's text as sent; a field not sent (an unticked box) is empty. A list of
    links comes as rows: the fields NAME-label and NAME-url, one of each a row."""
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.kind is LINKS:
            getlist = getattr(data, "getlist", lambda name: [])
            labels, urls = getlist(f"{s.name}-label"), getlist(f"{s.name}-url")
            values[s.name] = [{"label": label, "url": url} for label, url in
                              zip_longest(labels, urls, fillvalue="")]
        else:
            values[s.name] = data.get(s.name) or ""
    return values


def read_form(values: Mapping[str, Any], site_root: Path | None) -> dict[str, Any]:
    """The form's text as values for :func:`validate` (which the settings action runs),
    or a ContentError naming the field when the text cannot be read or a choice is one
    the site cannot use."""
    out = {}
    for s in SETTINGS:
        try:
            value = s.kind.from_form(values.get(s.name, ""))
            if s.check is not None:
                s.check(value, site_root)
        except ValueError as exc:
            raise ContentError(str(exc), path="settings", field=s.name) from None
        out[s.name] = value
    return out


def form_fields(values: Mapping[str, Any], site_root: Path | None) -> list[FormField]:
    """Every setting, in the table's order, ready for the form's template. A value that
    is not among a choice's options (a style file since removed, a rare language tag
    set from the command line) is offered first, so showing the form never changes it.
    A list of links gets an empty row more, to add one without JavaScript."""
    fields = []
    for s in SETTINGS:
        value = values.get(s.name, "")
        if s.kind is LINKS:
            value = [*(value or []), {"label": "", "url": ""}]
        options = s.options(site_root) if s.options is not None else []
        if s.options is not None and value not in {c.value for c in options}:
            options = [Choice(value, value), *options]
        fields.append(FormField(s, value, options))
    return fields


def label_of(name: str | None) -> str:
    """The writer's name of a setting, for messages; the name itself if it has none."""
    setting = BY_NAME.get(name or "")
    return setting.label if setting else (name or "")
