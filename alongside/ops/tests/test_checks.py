"""Production fails closed: no DEBUG or default key unless asked; no 500s for uncollected static."""

import json
import runpy
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
