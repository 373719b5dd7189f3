"""Alongside settings: one module, driven by environment variables. They fail closed: without
DJANGO_DEBUG=true these are production settings, and production needs DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (postgres://...). `make demo` and the test settings set
DJANGO_DEBUG=true. Every variable is listed in docs/deploy.md. Nothing secret lives in this file.
"""

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ALONGSIDE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Fail closed (issue 12): DEBUG only when asked for, and no default secret key outside DEBUG.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production set it (with DJANGO_ALLOWED_HOSTS and "
            "DATABASE_URL; see docs/deploy.md). For the demo or development set DJANGO_DEBUG=true."
        )
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40  # noqa: S105 - DEBUG (demo, tests) only
# Rotating the secret key (docs/security/crypto.md): the old keys, comma-separated, still check
# what they signed (sessions, password-reset links) until those expire; new signatures use
# DJANGO_SECRET_KEY.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("DJANGO_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
]
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",  # serves the API docs page's scripts from our own static files, not a CDN
    "rules",
    "alongside.common",
    "alongside.access",
    "alongside.audit",
    "alongside.people",
    "alongside.relationships",
    "alongside.support",
    "alongside.eligibility",
    "alongside.safeguarding",
    "alongside.scheduling",
    "alongside.measures",
    "alongside.learning",
    "alongside.reports",
    "alongside.spaces",
    "alongside.connections",
    "alongside.insights",
    "alongside.workers",
    "alongside.inbox",
    "alongside.directory",  # local services in Open Referral UK (issue 16)
    "alongside.archive",  # the whole organisation out and back in (docs/archive.md)
    "alongside.imports",  # bringing records in from another system (docs/imports.md)
    "alongside.referrals",  # referrals out with consent and in from partners (issue 16)
    "alongside.volunteers",  # the volunteer journey and consented lived experience (issue 15)
    "alongside.training",  # training, requirements and supervision (issue 15)
    "alongside.rota",  # shifts, hours given, gifts and milestones (issue 15 §5, §6)
    "alongside.rights",  # subject access, erasure, retention, legal holds (issue 14)
    "alongside.ops",  # start-up checks, /health/, backup and restore (docs/deploy.md)
]
# The demo (`alongside demo`) makes logins that share a published password: it is installed only
# with DEBUG on (`make demo`, the tests), or when a public demo site asks for it by name
# (decision 0027). Elsewhere `alongside demo` refuses, exit 2, saying how.
ALONGSIDE_DEMO = DEBUG or env_bool("ALONGSIDE_DEMO_OUTSIDE_DEBUG", False)
if ALONGSIDE_DEMO:
    INSTALLED_APPS.append("alongside.demo")

MIDDLEWARE = [
    "alongside.common.middleware.RequestIdMiddleware",
    "alongside.common.middleware.RequestBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alongside.common.middleware.NoStoreMiddleware",  # shared computers: after WhiteNoise
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alongside.common.middleware.LogUserMiddleware",  # the user's id in the logs (common/logs.py)
    "alongside.access.sessions.IdleSignOutMiddleware",  # shared computers (decision 0013)
    "alongside.access.sessions.KioskLockMiddleware",  # shared computers (decision 0013)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "alongside.access.middleware.OrganisationMiddleware",
    "alongside.common.replica.ReplicaMiddleware",  # report pages on a replica, if one is set
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "alongside.access.context_processors.organisation",
            ],
        },
    },
]

# Each request reuses its worker's connection (CONN_MAX_AGE 600, checked before reuse) on both
# engines. PostgreSQL (decision 0103): opening one per request cost 18-41% of the throughput.
# SQLite (decision 0141): opening the file, registering Django's functions and the pragmas took
# 7 ms, and each request then read its pages and the schema again with an empty cache: 10-25 ms
# of a 60-150 ms page. gunicorn.conf.py closes the master's connections before it forks.
# DATABASE_CONN_MAX_AGE overrides either (0: one connection per request).
_DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'alongside.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# Scale-out (docs/deploy.md, "Several app servers"): a read replica of the default database, for
# the read-heavy report pages only (alongside/common/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["alongside.common.replica.ReplicaRouter"]
# Decision 0132: PostgreSQL's JIT compiler off for the app's connections. Its default compiles any
# query the planner prices above 100,000, and the pages' aggregates are priced so while running in
# well under a second: on the 100,000-person demo it spent 0.85 s compiling a 0.55 s query of the
# scorecard (its page 2.6 → 1.8 s).
# Decision 0137: a random page read priced at 1.1 sequential ones, as PostgreSQL's documentation
# advises for solid-state storage and data held in memory (its default, 4, prices a spinning
# disk). At 4 it hashed every person (45,000 rows) to join the 982 open worker requests of the
# coordinator's navigation count, 20-40 ms on every coordinator's page, against 6 ms by primary
# key; a server tuned otherwise is overridden for the app's connections only.
# Decision 0140: statements bound on the server and prepared once a connection has sent one 5
# times, so PostgreSQL plans it once, not on every request (Django turns psycopg's preparing off
# unless asked): the person page's 32 SELECTs took 24 ms sent as text and 9 ms prepared, planning
# being 9-13 ms of them. A pooler in transaction mode (PgBouncer's `pool_mode = transaction`)
# cannot keep a connection's prepared statements: set DATABASE_PREPARED_STATEMENTS=false there.
_PREPARED = env_bool("DATABASE_PREPARED_STATEMENTS", True)
POSTGRES_OPTIONS: dict[str, Any] = {
    "options": "-c jit=off -c random_page_cost=1.1",
    "server_side_binding": _PREPARED,
    "prepare_threshold": 5 if _PREPARED else None,
}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Decision 0028: at least 8 characters (no upper limit below Django's, no composition rules);
# not like the user's name or address; not one of the 20,000 most common passwords (Django's
# bundled list: the breached-password check that works offline); not only digits; and not the
# name of the service, a role or the user's organisation (alongside/accounts/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "alongside.accounts.validators.ContextWordsValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "relationships:home"
LOGOUT_REDIRECT_URL = "access:login"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ALONGSIDE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The task queue: the database (django-tasks-db, `alongside db_worker`) unless
# ALONGSIDE_TASKS_REDIS_URL names a Redis or Valkey server, for several app servers and workers
# (decision 0102; `alongside run_redis_tasks --continuous` is then the worker).
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if os.environ.get("ALONGSIDE_TASKS_REDIS_URL"):
    INSTALLED_APPS += ["django_tasks_redis"]
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "OPTIONS": {
                "REDIS_URL": os.environ["ALONGSIDE_TASKS_REDIS_URL"],
                "REDIS_KEY_PREFIX": os.environ.get("ALONGSIDE_TASKS_REDIS_PREFIX", "alongside"),
            },
        }
    }

# The data lead's archives of the whole organisation (docs/archive.md): zip files made by a task,
# kept here until downloaded and for ALONGSIDE_ARCHIVE_KEEP_DAYS after. Every app server and the
# task worker must share this folder.
ALONGSIDE_ARCHIVE_DIR = Path(os.environ.get("ALONGSIDE_ARCHIVE_DIR", VAR_DIR / "archives"))
ALONGSIDE_ARCHIVE_KEEP_DAYS = int(os.environ.get("ALONGSIDE_ARCHIVE_KEEP_DAYS", "7"))
# The directory's scheduled feeds read only public addresses (server-side request forgery); a
# test or a closed network of feeds may allow private ones (docs/decisions/0062).
ALONGSIDE_DIRECTORY_PRIVATE_FEEDS = env_bool("ALONGSIDE_DIRECTORY_PRIVATE_FEEDS", False)

# Imports (docs/imports.md): uploaded files wait here between the dry run and the confirm, and are
# deleted when the run ends; a file larger than ALONGSIDE_IMPORT_INLINE_BYTES is checked and written
# by a task (`alongside db_worker`) with a progress bar, a smaller one within the request.
ALONGSIDE_IMPORT_FOLDER = Path(os.environ.get("ALONGSIDE_IMPORT_FOLDER", VAR_DIR / "imports"))
ALONGSIDE_IMPORT_INLINE_BYTES = int(os.environ.get("ALONGSIDE_IMPORT_INLINE_BYTES", 1024 * 1024))

# Audit checkpoints (docs/access-and-audit.md, "Checkpoints"; decision 0011): signed files of the
# chain's head, outside the database. The default folder is per database, under var/.
ALONGSIDE_AUDIT_CHECKPOINTS = Path(
    os.environ.get(
        "ALONGSIDE_AUDIT_CHECKPOINTS",
        VAR_DIR / "audit-checkpoints" / (Path(str(DATABASES["default"]["NAME"])).stem or "default"),
    )
)
# The key the database does not hold (at least 32 characters), or a file holding it. Required
# in production; with DJANGO_DEBUG on, a key derived from the secret key is used.
ALONGSIDE_AUDIT_KEY = os.environ.get("ALONGSIDE_AUDIT_KEY", "")
ALONGSIDE_AUDIT_KEY_FILE = os.environ.get("ALONGSIDE_AUDIT_KEY_FILE", "")
# A checkpoint is queued after every N-th event and then every M minutes (0 turns either off).
ALONGSIDE_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("ALONGSIDE_AUDIT_CHECKPOINT_EVERY", "100"))
ALONGSIDE_AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("ALONGSIDE_AUDIT_CHECKPOINT_MINUTES", "60"))
# Decision 0138: every team page's default figures worked out ahead of their first reader, every
# twelve hours, by the task worker (`insights.tasks.keep_team_figures`).
ALONGSIDE_KEEP_TEAM_FIGURES = True
# Text messages (appointment reminders): a class with send(to, body); see alongside/scheduling/sms.py.
ALONGSIDE_SMS_BACKEND = os.environ.get(
    "ALONGSIDE_SMS_BACKEND", "alongside.scheduling.sms.ConsoleBackend"
)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND,
        )
    }
}
# The mail server (docs/deploy.md, "Email"): a relay on this machine by default; for a server
# elsewhere, STARTTLS (DJANGO_EMAIL_USE_TLS) or TLS from the start (DJANGO_EMAIL_USE_SSL), with
# the server's certificate and name verified against the system's trusted authorities.
if MAILERS["default"]["BACKEND"] == SMTP_BACKEND:
    _email_password = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    if not _email_password and os.environ.get("DJANGO_EMAIL_HOST_PASSWORD_FILE"):
        _email_password = (
            Path(os.environ["DJANGO_EMAIL_HOST_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
        )
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ["DJANGO_EMAIL_PORT"])
        if os.environ.get("DJANGO_EMAIL_PORT")
        else None,
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": _email_password,
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
        "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
        "timeout": int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30")),
    }
    if env_bool("DJANGO_EMAIL_USE_TLS", False) and env_bool("DJANGO_EMAIL_USE_SSL", False):
        raise ImproperlyConfigured(
            "Set DJANGO_EMAIL_USE_TLS (STARTTLS, port 587) or DJANGO_EMAIL_USE_SSL (port 465), "
            "not both."
        )
# Links in emails are made absolute with this (no trailing slash), e.g. https://alongside.example.org
# How long a worker's own "legitimate relationship" request opens a person's history (issue 11).
ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS = int(
    os.environ.get("ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS", "7")
)
ALONGSIDE_BASE_URL = os.environ.get("ALONGSIDE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "alongside@localhost")

# Content Security Policy: no inline scripts or styles anywhere.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],  # no plugins
    "base-uri": [CSP.NONE],  # no <base> at all (ASVS 5.0 3.4.3): relative links stay ours
}

SESSION_COOKIE_HTTPONLY = True
# Flash messages name people ("Welcome, Sam") and voucher codes: keep them in the session, on the
# server, never in a readable `messages` cookie (issue 18, item 3).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
if not DEBUG:
    # `__Host-` cookies: a browser keeps them only when Secure, for Path=/ and with no Domain, so
    # no other host under the same domain can set or overwrite them. Plain http (the demo) cannot
    # keep a Secure cookie, so DEBUG keeps Django's names. Leave SESSION_COOKIE_DOMAIN,
    # CSRF_COOKIE_DOMAIN and both paths unset: with either, the browser drops the cookie.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A monitor on the server itself may ask gunicorn for /health/ over plain HTTP (docs/deploy.md).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
ALONGSIDE_HEALTH_TASK_DELAY_SECONDS = int(
    os.environ.get("ALONGSIDE_HEALTH_TASK_DELAY_SECONDS", "600")
)

# --- Shared computers, the kiosk, and the client's address behind proxies --------------------
# (issue 11, parts 3 and 6; decisions 0013 and 0014; docs/access-and-audit.md "Shared computers")
# Every page Django makes is sent `Cache-Control: no-store, private` (common.middleware).
# A signed-in session ends when the browser closes, and after this many idle minutes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ALONGSIDE_SESSION_IDLE_MINUTES = int(os.environ.get("ALONGSIDE_SESSION_IDLE_MINUTES", "60"))
# However active, a signed-in session ends this many hours after it began (a working day).
ALONGSIDE_SESSION_MAX_HOURS = int(os.environ.get("ALONGSIDE_SESSION_MAX_HOURS", "12"))
if ALONGSIDE_SESSION_IDLE_MINUTES < 1:
    raise RuntimeError("Set ALONGSIDE_SESSION_IDLE_MINUTES to 1 or more (60 is the default).")
# Addresses or networks (CIDR) of our own reverse proxies, comma-separated. X-Forwarded-For is
# believed only from them (walked from the right), and X-Forwarded-Proto only when there are
# any. DJANGO_BEHIND_PROXY=true alone means a proxy on this machine (127.0.0.1 and ::1).
ALONGSIDE_TRUSTED_PROXIES = [
    p.strip()
    for p in os.environ.get(
        "ALONGSIDE_TRUSTED_PROXIES",
        "127.0.0.1,::1" if env_bool("DJANGO_BEHIND_PROXY", False) else "",
    ).split(",")
    if p.strip()
]
for _proxy in ALONGSIDE_TRUSTED_PROXIES:  # a typo stops the app at start, not silently
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise RuntimeError(
            f"ALONGSIDE_TRUSTED_PROXIES: {_proxy!r} is not an address or network."
        ) from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ALONGSIDE_TRUSTED_PROXIES else None
# --- end of shared computers and proxies ---------------------------------------------------

# --- Sign-in: django-allauth and its MFA module (issue 12; decisions 0017 and 0018) ---------------
# Every sign-in goes through allauth at /login/ (the admin's login too, see config/urls.py):
# username and password, then a TOTP code (or a recovery code) where the user has one. Sign-up is
# closed: an organisation adds its workers. Failed sign-ins are limited per address and per
# account in stepped windows (a back-off: 5 in 5 minutes, 10 in an hour, 20 in a day per
# account); the counts live in the default cache, which is the database (below) so the limits
# hold across every app server process. `alongside.accounts` audits every sign-in, failure,
# lock-out, two-step change and password change, and sends a lead who has no authenticator to set
# one up (TwoStepRequiredMiddleware).
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa", "alongside.accounts"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
MIDDLEWARE.append("alongside.accounts.middleware.TwoStepRequiredMiddleware")
MIDDLEWARE.append("alongside.accounts.middleware.AdminTwoStepMiddleware")  # decision 0026
MIDDLEWARE.append("alongside.accounts.middleware.SessionListMiddleware")  # decision 0028
AUTHENTICATION_BACKENDS += ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "alongside.accounts.adapters.AccountAdapter"
MFA_ADAPTER = "alongside.accounts.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are entered by the organisation, not strangers
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address sends nothing
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed" and the like, by email
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Alongside: "
ACCOUNT_SESSION_REMEMBER = False  # shared computers: a session ends when the browser closes
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # after a reset, sign in again (with the second step)
# Changing the e-mail address (which password resets go to) asks for the password or a code again
# (ASVS 7.5.1); two-step changes already do (MFA_REAUTHENTICATION_REQUIRED is on by default).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_REDIRECT_URL = "access:login"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per address, and per account in stepped windows (the back-off).
    "login_failed": "10/m/ip,50/h/ip,5/5m/key,10/h/key,20/d/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_FORMS = {  # allauth's forms with plain-English errors (alongside/accounts/forms.py)
    name: f"alongside.accounts.forms.{form}"
    for name, form in (
        ("login", "LoginForm"),
        ("change_password", "ChangePasswordForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("reauthenticate", "ReauthenticateForm"),
    )
}
MFA_FORMS = {
    "authenticate": "alongside.accounts.forms.AuthenticateForm",
    "reauthenticate": "alongside.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "alongside.accounts.forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]  # WebAuthn: not yet (decision 0017)
MFA_TOTP_ISSUER = "Alongside"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
MFA_TOTP_TOLERANCE = 1  # accept the code of the step before or after: a phone's clock drifts
MFA_RECOVERY_CODE_COUNT = 10
MFA_ALLOW_UNVERIFIED_EMAIL = True  # no public sign-up: the organisation vouches for the address
# TOTP secrets and recovery-code seeds are encrypted in the database (alongside/accounts/keys.py,
# decision 0029) with Fernet keys the database does not hold: one or more, newest first, comma
# or line separated, here or in a file. Without one, keys derived from the secret key (and its
# fallbacks) are used and `check --deploy` warns (alongside.accounts.W001).
ALONGSIDE_MFA_KEY = os.environ.get("ALONGSIDE_MFA_KEY", "")
ALONGSIDE_MFA_KEY_FILE = os.environ.get("ALONGSIDE_MFA_KEY_FILE", "")
# The client's address for the per-address limits is `common.links.client_ip` (the trusted
# proxies above), through AccountAdapter.get_client_ip.
# The cache holds the sign-in limits and used TOTP codes; in the database so that every app
# server process shares them (a per-process cache would multiply the limits by the workers).
# The table is made by the migration alongside/accounts/migrations/0001_cache_table.py.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alongside_cache",
        # High, so that a flood from many addresses cannot cull the per-account counts.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
# --- end of sign-in ----------------------------------------------------------------------------

# Logs (issue 18, item 5; decision 0024; docs/deploy.md, "Logs"): JSON lines on standard error,
# each with the time (UTC), level, logger, message, request id, user id and client address; query
# strings and SQL parameters are taken out (common/logs.py). ALONGSIDE_LOG_FORMAT=text for
# plain lines on a developer's terminal. Refused (403), not found (404) and rate-limited (429)
# answers are warnings (logger `alongside.security`, or Django's `django.request`).
ALONGSIDE_LOG_FORMAT = os.environ.get("ALONGSIDE_LOG_FORMAT", "json")
_LOG_LEVEL = os.environ.get("ALONGSIDE_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"privacy": {"()": "alongside.common.logs.PrivacyFilter"}},
    "formatters": {
        "json": {"()": "alongside.common.logs.JsonLinesFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["privacy"],
            "formatter": "text" if ALONGSIDE_LOG_FORMAT == "text" else "json",
        }
    },
    "loggers": {
        # In place of Django's defaults (their own console handler, unfiltered, and mail_admins):
        # no handlers of their own, so their records reach the root's, filtered and formatted.
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
}
