"""Django underneath: configured at run time from the site's ``masthead.toml``.

Masthead is a program, not a Django project, so there is no settings module to
import; :func:`setup` configures Django once per process for one site.
"""

from __future__ import annotations

import io

from django.conf import settings

from masthead.config import DatabaseConfig
from masthead.errors import SiteError

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "masthead.content",
]


def django_databases(db: DatabaseConfig) -> dict:
    if db.engine == "sqlite":
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": db.name,
                "OPTIONS": {
                    # WAL lets the server read while a build or import writes.
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "transaction_mode": "IMMEDIATE",
                    # Build workers write in turn: wait for the lock, do not fail.
                    "timeout": 60,
                },
            }
        }
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db.name,
            "USER": db.user,
            "PASSWORD": db.password,
            "HOST": db.host,
            "PORT": db.port,
        }
    }


def setup(db: DatabaseConfig, *, migrate: bool = True) -> None:
    """Configure Django for this process and bring the schema up to date."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="masthead-cli-not-used-for-signing",
            INSTALLED_APPS=INSTALLED_APPS,
            DATABASES=django_databases(db),
            USE_TZ=True,
            TIME_ZONE="UTC",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            LOGGING_CONFIG=None,
        )
        # django.setup() without its URL-prefix step, which imports Django's whole HTTP
        # stack (a tenth of a second of every CLI command); the web server sets the
        # prefix per request anyway.
        from django.apps import apps

        apps.populate(settings.INSTALLED_APPS)
    if migrate:
        migrate_schema()


def migrate_schema() -> None:
    """Apply pending migrations; cheap when there are none."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise SiteError(f"cannot open the database: {exc}") from None
    if plan:
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
