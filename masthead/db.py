"""Django underneath: configured at run time from the site's ``masthead.toml``.

Masthead is a program, not a Django project, so there is no settings module to
import; :func:`setup` configures Django once per process for one site.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from django.conf import settings

from masthead.config import DatabaseConfig, SmtpConfig
from masthead.errors import SiteError

# What every command needs: content (whose bylines point at accounts).
CORE_APPS = [
    "django.contrib.contenttypes",
    "masthead.content",
    "masthead.accounts",
    "masthead.mail",
]
# What the studio, the job queue and account commands need besides. Loading these costs
# a tenth of a second, so `masthead build` and the importers go without them (their
# tables are made by the commands that use them: serve, worker, user).
STUDIO_APPS = [
    "django.contrib.auth",
    "django.contrib.sessions",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "masthead.studio",
    "masthead.newsletter",
    "masthead.members",
    "masthead.stats",
    "masthead.channels",
]
INSTALLED_APPS = [*CORE_APPS, *STUDIO_APPS]

MIDDLEWARE = [
    # The client's address behind proxies, before anything counts attempts by it.
    "masthead.web.forwarded.forwarded_client",
    # Outermost but for that, so that it sees every cookie the others set.
    "masthead.web.public_address.secure_cookies",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "masthead.web.public_address.SiteCsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

# The studio loads nothing from anywhere else, and no page may frame it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}


def secret_key(state_dir: Path | None) -> str:
    """The site's own signing key (sessions, CSRF, password reset links), made on first
    use and kept in ``.masthead/secret_key``, readable by its owner only."""
    if state_dir is None:
        return "masthead-without-a-site-" + secrets.token_hex(16)
    path = state_dir / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = state_dir / f"secret_key.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    try:
        os.link(tmp, path)  # never replaces a key another process made meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


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


def email_settings(smtp: SmtpConfig | None) -> dict:
    """Django sends through masthead.mail's backend, which reads the mail server in use
    (masthead.toml's [smtp], else the studio's Email page) at each send."""
    return {"EMAIL_BACKEND": "masthead.mail.backend.EmailBackend",
            **({"DEFAULT_FROM_EMAIL": smtp.from_address} if smtp else {})}


def setup(db: DatabaseConfig, *, migrate: bool = True, state_dir: Path | None = None,
          smtp: SmtpConfig | None = None, studio: bool = True,
          extra: dict | None = None) -> None:
    """Configure Django for this process and bring the schema up to date (``studio``:
    with the studio's and the job queue's apps, or only what content needs)."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY=secret_key(state_dir),
            INSTALLED_APPS=INSTALLED_APPS if studio else CORE_APPS,
            MIDDLEWARE=MIDDLEWARE,
            ROOT_URLCONF="masthead.web.urls",
            ALLOWED_HOSTS=["*"],  # the server answers for whatever name it is reached by
            DATABASES=django_databases(db),
            USE_TZ=True,
            TIME_ZONE="UTC",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            LOGGING_CONFIG=None,
            AUTH_USER_MODEL="accounts.User",
            AUTHENTICATION_BACKENDS=[
                "axes.backends.AxesStandaloneBackend",
                "django.contrib.auth.backends.ModelBackend",
            ],
            PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"],
            AUTH_PASSWORD_VALIDATORS=[
                {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                 "OPTIONS": {"min_length": 10}},
                {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
                {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
            ],
            LOGIN_URL="/studio/login/",
            LOGIN_REDIRECT_URL="/studio/",
            SESSION_COOKIE_NAME="masthead_session",
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_PATH="/studio/",
            SESSION_COOKIE_AGE=14 * 24 * 3600,
            CSRF_COOKIE_NAME="masthead_csrf",
            CSRF_COOKIE_PATH="/studio/",
            CSRF_COOKIE_SAMESITE="Strict",
            CSRF_FAILURE_VIEW="masthead.studio.views.access.csrf_failure",
            X_FRAME_OPTIONS="DENY",
            SECURE_CONTENT_TYPE_NOSNIFF=True,
            SECURE_REFERRER_POLICY="same-origin",
            CONTENT_SECURITY_POLICY=CONTENT_SECURITY_POLICY,
            # Logins: five wrong passwords for one address from one client lock them
            # out for fifteen minutes (429), whatever the password tried next.
            AXES_FAILURE_LIMIT=5,
            AXES_COOLOFF_TIME=0.25,
            AXES_LOCKOUT_PARAMETERS=[["ip_address", "username"]],
            AXES_USERNAME_FORM_FIELD="email",
            AXES_USERNAME_CALLABLE="masthead.accounts.throttle.attempted_email",
            AXES_RESET_ON_SUCCESS=True,
            AXES_VERBOSE=False,
            AXES_LOCKOUT_TEMPLATE="studio/locked_out.html",
            AXES_HTTP_RESPONSE_CODE=429,
            TEMPLATES=[{
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": [
                    "django.template.context_processors.request",
                    "django.template.context_processors.csrf",
                    "django.contrib.auth.context_processors.auth",
                    "masthead.studio.context.build_status",
                ]},
            }],
            STATIC_URL="/studio/static/",
            TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
            USE_I18N=False,
            MASTHEAD_ROOT=state_dir.parent if state_dir else None,
            MASTHEAD_SMTP=smtp,
            PASSWORD_RESET_TIMEOUT=3600,
            **email_settings(smtp),
            **(extra or {}),
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
    # Django's management and migration machinery is loaded only when a command migrates.
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
