"""Start-up checks for production: refuse to serve when the static files were not collected.

With DEBUG off, pages name their styles and scripts through the collected manifest
(whitenoise's CompressedManifestStaticFilesStorage); a file missing from it makes every page a
500. So the WSGI entry (`config/wsgi.py`) calls `require_collected_static()` before serving, and
`alongside check --deploy` reports the same problem (`alongside.ops.E001`).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

FIX = "Run `alongside collectstatic --noinput` (as the user the server runs as), then start again"
IGNORE_PATTERNS = ["CVS", ".*", "*~"]  # collectstatic's defaults


def static_files_problem() -> str | None:
    """None when pages can be served; otherwise what is wrong, in words naming the fix."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None  # DEBUG (demo, tests): files are served straight from the apps
    hashed, _ = staticfiles_storage.load_manifest()
    if not hashed:
        return (
            f"Static files have not been collected into {settings.STATIC_ROOT}: every page "
            f"would fail. {FIX}."
        )
    missing = sorted(
        {
            path
            for finder in get_finders()
            for path, _storage in finder.list(IGNORE_PATTERNS)
            if path.replace("\\", "/") not in hashed
        }
    )
    if missing:
        return (
            f"{len(missing)} static files are missing from {settings.STATIC_ROOT} (first: "
            f"{missing[0]}): the collected files are from another version. {FIX}."
        )
    return None


def require_collected_static() -> None:
    """Raise at start-up (gunicorn: the worker fails to boot, with this message) rather than
    answer 500 to every page."""
    problem = static_files_problem()
    if problem:
        raise ImproperlyConfigured(problem)


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_files_collected(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> Sequence[checks.CheckMessage]:
    problem = static_files_problem()
    return [checks.Error(problem, id="alongside.ops.E001")] if problem else []


LOCAL_DATABASE_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def _default_database() -> Mapping[str, Any]:
    return settings.DATABASES["default"]


def database_tls_problem(database: Mapping[str, Any] | None = None) -> str | None:
    """None when the database (default: the app's) is on this machine (or its socket) or reached
    with TLS that checks the server's certificate and name (`?sslmode=verify-full`); otherwise
    what is wrong."""
    database = _default_database() if database is None else database
    if "postgresql" not in database["ENGINE"]:
        return None
    host = str(database.get("HOST") or "")
    if host in LOCAL_DATABASE_HOSTS or host.startswith("/"):
        return None
    mode = database.get("OPTIONS", {}).get("sslmode", "")
    if mode == "verify-full":
        return None
    return (
        f"The database at {host} is reached with sslmode={mode or 'prefer'}: personal records "
        "could be read or changed on the way, or a server pretending to be it believed"
    )


@checks.register(checks.Tags.security, deploy=True)
def check_database_tls(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> Sequence[checks.CheckMessage]:
    problem = database_tls_problem()
    hint = (
        "Add ?sslmode=verify-full&sslrootcert=/path/to/ca.pem to DATABASE_URL "
        "(docs/deploy.md, 'TLS to the database and the mail server')."
    )
    return [checks.Warning(problem, hint=hint, id="alongside.ops.W001")] if problem else []
