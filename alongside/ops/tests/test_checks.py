"""Production fails closed: no DEBUG or default key unless asked; no 500s for uncollected static."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.finders import get_finders
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from alongside.ops.checks import IGNORE_PATTERNS, require_collected_static, static_files_problem

SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings.py"
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-test-key-" + "k" * 40,
    "DJANGO_ALLOWED_HOSTS": "alongside.example.org",
    "DATABASE_URL": "postgres://alongside@localhost/alongside",
}


def load_settings(monkeypatch, tmp_path, **env: str) -> dict:
    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALONGSIDE_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_debug_asked_for_the_settings_are_production(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]
    assert loaded["SECURE_SSL_REDIRECT"] and loaded["SECURE_HSTS_SECONDS"] == 31536000
    assert loaded["STORAGES"]["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")


def test_production_cookies_carry_the_host_prefix(monkeypatch, tmp_path):
    """`__Host-` cookies (ASVS 5.0 3.3.3): the browser keeps them only when sent over HTTPS for
    the whole site (Secure, Path=/) and for this host alone (no Domain), so a sibling host cannot
    plant or overwrite the session or CSRF cookie. The demo, on plain http, keeps Django's names."""
    loaded = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert loaded["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert loaded["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for cookie in ("SESSION", "CSRF"):
        assert loaded[f"{cookie}_COOKIE_SECURE"] is True
        assert loaded.get(f"{cookie}_COOKIE_DOMAIN") is None
        assert loaded.get(f"{cookie}_COOKIE_PATH", "/") == "/"
    demo = load_settings(monkeypatch, tmp_path, DJANGO_DEBUG="true")
    assert "SESSION_COOKIE_NAME" not in demo and "CSRF_COOKIE_NAME" not in demo


def test_the_demo_app_is_left_out_of_production_unless_forced(monkeypatch, tmp_path):
    """Production settings do not install the demo (ASVS 5.0 15.2.3, 6.3.2): `alongside demo` is not
    even a command there. ALONGSIDE_DEMO_OUTSIDE_DEBUG=true puts it back (a public demo site)."""
    monkeypatch.delenv("ALONGSIDE_DEMO_OUTSIDE_DEBUG", raising=False)
    production = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert "alongside.demo" not in production["INSTALLED_APPS"]
    assert production["ALONGSIDE_DEMO"] is False
    forced = load_settings(monkeypatch, tmp_path, **PRODUCTION, ALONGSIDE_DEMO_OUTSIDE_DEBUG="true")
    assert "alongside.demo" in forced["INSTALLED_APPS"] and forced["ALONGSIDE_DEMO"] is True
    monkeypatch.delenv("ALONGSIDE_DEMO_OUTSIDE_DEBUG")
    debug = load_settings(monkeypatch, tmp_path, DJANGO_DEBUG="true")
    assert "alongside.demo" in debug["INSTALLED_APPS"] and debug["ALONGSIDE_DEMO"] is True


def test_alongside_demo_with_production_settings_exits_2_saying_how(tmp_path):
    """The command line, as a server's shell would run it: refused, nothing written, the way to
    the demo named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALONGSIDE_"))}
    database = tmp_path / "production.sqlite3"
    env.update(
        PRODUCTION,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{database}",
        ALONGSIDE_VAR_DIR=str(tmp_path),
    )
    done = subprocess.run(  # noqa: S603 - our own command line
        [str(Path(sys.executable).parent / "alongside"), "demo"],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "DJANGO_DEBUG=true" in done.stderr and "ALONGSIDE_DEMO_OUTSIDE_DEBUG" in done.stderr
    assert not database.exists() or database.stat().st_size == 0


def test_production_without_a_secret_key_refuses_to_start_and_says_why(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set") as refused:
        load_settings(monkeypatch, tmp_path)
    assert "DJANGO_DEBUG=true" in str(refused.value)  # the way to the demo is named too
    with pytest.raises(ImproperlyConfigured):
        load_settings(monkeypatch, tmp_path, DJANGO_DEBUG="false")


def test_only_debug_gets_the_development_key(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, DJANGO_DEBUG="true")
    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"].startswith("dev-only-not-secret-")
    production = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert production["SECRET_KEY"] == PRODUCTION["DJANGO_SECRET_KEY"]


def test_old_secret_keys_are_kept_as_fallbacks_while_rotating(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert loaded["SECRET_KEY_FALLBACKS"] == []
    old = "the-previous-key-" + "o" * 40
    loaded = load_settings(
        monkeypatch, tmp_path, **PRODUCTION, DJANGO_SECRET_KEY_FALLBACKS=f"{old}, older-{old}"
    )
    assert loaded["SECRET_KEY_FALLBACKS"] == [old, f"older-{old}"]


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    return tmp_path


def write_manifest(folder: Path, leave_out: int = 0) -> None:
    paths = sorted({p for f in get_finders() for p, _ in f.list(IGNORE_PATTERNS)})
    kept = paths[leave_out:]
    (folder / "staticfiles.json").write_text(
        json.dumps({"paths": {p: p for p in kept}, "version": "1.1", "hash": "x"})
    )


def test_uncollected_static_files_stop_the_start_naming_the_fix(manifest_storage):
    problem = static_files_problem()
    assert problem is not None and "have not been collected" in problem
    assert "alongside collectstatic --noinput" in problem
    with pytest.raises(ImproperlyConfigured, match="alongside collectstatic"):
        require_collected_static()
    with pytest.raises(SystemCheckError, match="alongside.ops.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_static_files_from_another_version_stop_the_start_too(manifest_storage):
    write_manifest(manifest_storage, leave_out=1)
    problem = static_files_problem()
    assert problem is not None and "1 static files are missing" in problem
    with pytest.raises(ImproperlyConfigured):
        require_collected_static()


def test_collected_static_files_start(manifest_storage):
    write_manifest(manifest_storage)
    assert static_files_problem() is None
    require_collected_static()


def test_debug_serves_static_files_without_collecting():
    assert static_files_problem() is None  # the test settings use the plain storage
