"""A site is a directory: ``masthead.toml``, the database, ``media/`` and ``public/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from masthead.config import CONFIG_NAME, DEFAULT_CONFIG, Config, load_config
from masthead.errors import SiteError


@dataclass(frozen=True)
class SiteDir:
    root: Path
    config: Config

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def templates(self) -> Path:
        """The site's own templates, which override the theme's of the same name."""
        return self.root / "templates"

    @property
    def static(self) -> Path:
        """The site's own static files, copied over the theme's into public/static/."""
        return self.root / "static"

    @property
    def state_dir(self) -> Path:
        """Private working files (build state); never published."""
        return self.root / ".masthead"



def open_site(root: Path, *, migrate: bool = True, studio: bool = True) -> SiteDir:
    """Load the site's settings and connect Django to its database (``studio=False``:
    without the studio's apps, for commands that only read and write content)."""
    from masthead import db

    root = root.resolve()
    config = load_config(root)
    db.setup(config.database, migrate=migrate, state_dir=root / ".masthead", smtp=config.smtp,
             studio=studio, extra={"MASTHEAD_DKIM": config.dkim,
                                   "MASTHEAD_PROXIES": config.server_proxies,
                                   "MASTHEAD_NEWSLETTER": config.newsletter})
    return SiteDir(root=root, config=config)


def create_site_dir(root: Path, database_url: str | None = None) -> None:
    """Write a new masthead.toml (refusing to overwrite an existing site)."""
    root = root.resolve()
    if (root / CONFIG_NAME).exists():
        raise SiteError(f"{root} already holds a site ({CONFIG_NAME} exists)")
    if root.exists() and not root.is_dir():
        raise SiteError(f"{root} exists and is not a directory")
    root.mkdir(parents=True, exist_ok=True)
    text = DEFAULT_CONFIG
    if database_url:
        text = text.replace(
            'database_url = "sqlite:///masthead.db"', f'database_url = "{database_url}"'
        )
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    (root / "media").mkdir(exist_ok=True)
