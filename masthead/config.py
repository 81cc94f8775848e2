"""The operator's settings file, ``masthead.toml``.

Only what the program needs before it can reach the database lives here (the database
URL, the server's address); everything a writer edits (title, footer, citation style)
is stored in the database with the content, so the studio and the CLI share one truth.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from masthead.errors import SiteError

CONFIG_NAME = "masthead.toml"

DEFAULT_CONFIG = """\
# Masthead site settings. Writer-facing settings (title, footer, citation style...)
# live in the database: see `masthead settings`.

# Where content is stored. The default is the SQLite file beside this one.
# For PostgreSQL: database_url = "postgresql://user:password@127.0.0.1:5432/masthead"
database_url = "sqlite:///masthead.db"

[server]
host = "127.0.0.1"
port = 8000
# Behind nginx or Caddy: how many proxies stand in front of `masthead serve`. Each adds
# the address it was reached from to X-Forwarded-For; readers' and writers' addresses
# (for sign-up and login limits) are then read from there.
# proxies = 1

# The mail server for password resets (and, later, newsletters). The password is read
# from the environment variable MASTHEAD_SMTP_PASSWORD.
# [smtp]
# host = "smtp.example.org"
# port = 587
# security = "starttls"          # or "tls" (port 465), or "none"
# username = "essays@example.org"
# from_address = "Essays <essays@example.org>"

# Sign newsletters with DKIM (publish the public key at SELECTOR._domainkey.DOMAIN).
# [dkim]
# domain = "example.org"
# selector = "masthead"
# private_key_file = "dkim.pem"    # relative to this folder

# Builds run by the worker (after studio changes) are stopped past this many seconds,
# with every process they started, and reported in the studio.
# [build]
# time_limit = 900

# [newsletter]
# connections = 4                  # SMTP connections each sending worker keeps open at once
# rate = 0                         # messages a second per sending worker; 0: no limit

# Channels (docs/channels.md): the Telegram Bot API's address, and secrets named by a
# channel's --token-env/--secret-env when they are not in the environment.
# [telegram]
# api_url = "https://api.telegram.org"
# [secrets]
# TELEGRAM_TOKEN = "123456:ABC..."
# [channels]
# first_retry = 30                 # seconds before a failed delivery's first retry
# [outbound]
# allow_loopback = false           # true only for tests: lets webhooks reach 127.0.0.1
"""


@dataclass(frozen=True)
class DatabaseConfig:
    engine: str  # "sqlite" or "postgresql"
    name: str  # file path for SQLite, database name for PostgreSQL
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server the site sends through (password resets, invitations, newsletters).

    It comes from masthead.toml's [smtp] or, when the file has none, from the studio's
    Email page (see :mod:`masthead.mail.server`). The password comes from the environment
    (MASTHEAD_SMTP_PASSWORD) when it is set there, else from the Email page (stored
    encrypted), never from the file. ``folder``: no server at all, each message is
    written to that folder (the demo's outbox)."""

    host: str
    port: int
    security: str  # "none", "starttls" or "tls"
    username: str
    from_address: str
    folder: Path | None = None
    stored_password: str = field(default="", repr=False)

    @property
    def password(self) -> str:
        return os.environ.get("MASTHEAD_SMTP_PASSWORD", "") or self.stored_password


@dataclass(frozen=True)
class DkimConfig:
    domain: str
    selector: str
    private_key_file: Path


@dataclass(frozen=True)
class NewsletterConfig:
    """How hard a worker pushes a send. Mail providers cap connections and messages a
    second per client; a remote server's round trips, not our CPU, are what more
    connections overlap."""

    connections: int = 4  # SMTP connections a sending worker keeps open at once
    rate: float = 0.0  # messages a second for each sending worker; 0: as fast as it goes


TELEGRAM_API_URL = "https://api.telegram.org"


@dataclass(frozen=True)
class OutboundConfig:
    """Requests the site makes to other servers (channels, later the fediverse): where
    Telegram's Bot API is, whether loopback addresses may be reached (tests only: a
    webhook to 127.0.0.1 could reach the site's own admin ports), and how soon a failed
    delivery is tried again (doubling each time)."""

    telegram_api_url: str = TELEGRAM_API_URL
    allow_loopback: bool = False
    first_retry: float = 30.0


@dataclass(frozen=True)
class Config:
    root: Path
    database: DatabaseConfig
    server_host: str = "127.0.0.1"
    server_port: int = 8000
    server_proxies: int = 0  # proxies in front of the server that add X-Forwarded-For
    smtp: SmtpConfig | None = None
    dkim: DkimConfig | None = None
    newsletter: NewsletterConfig = NewsletterConfig()
    build_time_limit: float = 900.0  # seconds a worker's build may take before it is killed
    outbound: OutboundConfig = OutboundConfig()
    secrets: dict[str, str] = field(default_factory=dict, repr=False)  # [secrets]


def parse_outbound(data: dict, path: Path) -> OutboundConfig:
    """``[telegram] api_url``, ``[outbound] allow_loopback``, ``[channels] first_retry``."""
    tables = {}
    for name, known in (("telegram", {"api_url"}), ("outbound", {"allow_loopback"}),
                        ("channels", {"first_retry"})):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise SiteError(f"{path}: [{name}] must be a table")
        unknown = set(table) - known
        if unknown:
            raise SiteError(f"{path}: [{name}] has no setting {sorted(unknown)[0]!r} "
                            f"(known: {', '.join(sorted(known))})")
        tables[name] = table
    url = tables["telegram"].get("api_url", TELEGRAM_API_URL)
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise SiteError(f"{path}: telegram.api_url must be an http(s) address, e.g. "
                        f"\"{TELEGRAM_API_URL}\"")
    loopback = tables["outbound"].get("allow_loopback", False)
    if not isinstance(loopback, bool):
        raise SiteError(f"{path}: outbound.allow_loopback must be true or false")
    first = tables["channels"].get("first_retry", OutboundConfig.first_retry)
    if isinstance(first, bool) or not isinstance(first, int | float) or first <= 0:
        raise SiteError(f"{path}: channels.first_retry must be a number of seconds above 0")
    return OutboundConfig(telegram_api_url=url.rstrip("/"), allow_loopback=loopback,
                          first_retry=float(first))


def parse_secrets(table: object, path: Path) -> dict[str, str]:
    """``[secrets]``: values a channel names instead of an environment variable."""
    if table is None:
        return {}
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise SiteError(f"{path}: [secrets] must be a table of names and strings")
    return dict(table)


def parse_dkim(table: object, path: Path, root: Path) -> DkimConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SiteError(f"{path}: [dkim] must be a table")
    for name in ("domain", "selector", "private_key_file"):
        if not isinstance(table.get(name), str) or not table[name]:
            raise SiteError(f"{path}: dkim.{name} is missing (give domain, selector and "
                            "private_key_file)")
    key = Path(table["private_key_file"])
    return DkimConfig(domain=table["domain"], selector=table["selector"],
                      private_key_file=key if key.is_absolute() else root / key)


def parse_newsletter(table: object, path: Path) -> NewsletterConfig:
    if table is None:
        return NewsletterConfig()
    if not isinstance(table, dict):
        raise SiteError(f"{path}: [newsletter] must be a table")
    unknown = set(table) - {"connections", "rate"}
    if unknown:
        raise SiteError(f"{path}: [newsletter] has no setting {sorted(unknown)[0]!r} "
                        "(known: connections, rate)")
    rate = table.get("rate", 0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0:
        raise SiteError(f"{path}: newsletter.rate must be a number of messages a second "
                        "(0 for no limit)")
    connections = table.get("connections", NewsletterConfig.connections)
    if isinstance(connections, bool) or not isinstance(connections, int) or \
            not 1 <= connections <= 100:
        raise SiteError(f"{path}: newsletter.connections must be a whole number from 1 to 100")
    return NewsletterConfig(connections=connections, rate=float(rate))


def parse_smtp(table: object, path: Path, root: Path | None = None) -> SmtpConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SiteError(f"{path}: [smtp] must be a table")
    unknown = set(table) - {"host", "port", "security", "username", "from_address", "folder"}
    if unknown:
        raise SiteError(f"{path}: [smtp] has no setting {sorted(unknown)[0]!r} (known: host, "
                        "port, security, username, from_address, folder; the password is "
                        "read from MASTHEAD_SMTP_PASSWORD)")
    if "folder" in table:
        # No mail server: every message is written to this folder (the demo's outbox).
        folder, sender = table["folder"], table.get("from_address")
        if not isinstance(folder, str) or not folder:
            raise SiteError(f"{path}: smtp.folder must name a folder, e.g. \".masthead/outbox\"")
        if not isinstance(sender, str) or "@" not in sender:
            raise SiteError(f"{path}: smtp.from_address must be an email address, e.g. "
                            "\"Essays <essays@example.org>\"")
        where = Path(folder)
        if not where.is_absolute():
            where = (root or path.parent) / where
        return SmtpConfig(host="", port=0, security="none", username="", from_address=sender,
                          folder=where)
    host = table.get("host")
    if not isinstance(host, str) or not host:
        raise SiteError(f"{path}: smtp.host must name the mail server")
    security = table.get("security", "starttls")
    if security not in ("none", "starttls", "tls"):
        raise SiteError(f"{path}: smtp.security must be \"none\", \"starttls\" or \"tls\"")
    port = table.get("port", 465 if security == "tls" else 587)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise SiteError(f"{path}: smtp.port must be a number between 1 and 65535")
    sender = table.get("from_address")
    if not isinstance(sender, str) or "@" not in sender:
        raise SiteError(f"{path}: smtp.from_address must be an email address, e.g. "
                        "\"Essays <essays@example.org>\"")
    username = table.get("username", "")
    if not isinstance(username, str):
        raise SiteError(f"{path}: smtp.username must be a string")
    return SmtpConfig(host=host, port=port, security=security, username=username,
                      from_address=sender)


def parse_database_url(url: str, root: Path) -> DatabaseConfig:
    """Read ``sqlite:///relative.db``, ``sqlite:////abs.db`` or ``postgresql://...``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw = url[len("sqlite://") :]
        path = Path(raw[1:]) if raw.startswith("//") else root / raw.lstrip("/")
        return DatabaseConfig(engine="sqlite", name=str(path))
    if parts.scheme in ("postgres", "postgresql"):
        name = parts.path.lstrip("/")
        if not name:
            raise SiteError(f"database_url {url!r} names no database (add /NAME at the end)")
        return DatabaseConfig(
            engine="postgresql",
            name=unquote(name),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=str(parts.port or ""),
        )
    raise SiteError(
        f"database_url {url!r}: unknown scheme {parts.scheme!r}; "
        "use sqlite:///masthead.db or postgresql://user:password@host:port/name"
    )


def parse_build(table: object, path: Path) -> float:
    """``[build] time_limit``: seconds a background build may run."""
    if table is None:
        return Config.build_time_limit
    if not isinstance(table, dict):
        raise SiteError(f"{path}: [build] must be a table")
    unknown = set(table) - {"time_limit"}
    if unknown:
        raise SiteError(f"{path}: [build] has no setting {sorted(unknown)[0]!r} "
                        "(known: time_limit)")
    limit = table.get("time_limit", Config.build_time_limit)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
        raise SiteError(f"{path}: build.time_limit must be a number of seconds above 0")
    return float(limit)


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.is_file():
        raise SiteError(
            f"{root} is not a Masthead site: {CONFIG_NAME} is missing "
            "(create one with `masthead init DIR`, or pass --site DIR)"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: {exc}") from None
    url = data.get("database_url", "sqlite:///masthead.db")
    if not isinstance(url, str):
        raise SiteError(f"{path}: database_url must be a string")
    server = data.get("server", {})
    if not isinstance(server, dict):
        raise SiteError(f"{path}: [server] must be a table")
    port = server.get("port", 8000)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise SiteError(f"{path}: server.port must be a number between 1 and 65535")
    proxies = server.get("proxies", 0)
    if isinstance(proxies, bool) or not isinstance(proxies, int) or not 0 <= proxies <= 5:
        raise SiteError(f"{path}: server.proxies must be how many proxies stand in front of "
                        "the server, from 0 (none) to 5")
    return Config(
        root=root,
        build_time_limit=parse_build(data.get("build"), path),
        database=parse_database_url(url, root),
        server_host=str(server.get("host", "127.0.0.1")),
        server_port=port,
        server_proxies=proxies,
        smtp=parse_smtp(data.get("smtp"), path, root),
        dkim=parse_dkim(data.get("dkim"), path, root),
        newsletter=parse_newsletter(data.get("newsletter"), path),
        outbound=parse_outbound(data, path),
        secrets=parse_secrets(data.get("secrets"), path),
    )
