"""TLS to the database and the mail server (docs/deploy.md, "TLS to the database and the mail
server"): the settings read it from the environment, and `check --deploy` warns without it."""

import ssl

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.smtp import EmailBackend

from alongside.ops import checks
from alongside.ops.checks import check_database_tls, database_tls_problem
from alongside.ops.tests.test_checks import PRODUCTION, load_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def mailer(loaded: dict) -> EmailBackend:
    config = loaded["MAILERS"]["default"]
    assert config["BACKEND"] == SMTP
    return EmailBackend(alias="default", **config["OPTIONS"])


def test_production_mail_goes_to_the_local_relay_by_default(monkeypatch, tmp_path):
    backend = mailer(load_settings(monkeypatch, tmp_path, **PRODUCTION))
    assert (backend.host, backend.port, backend.use_tls, backend.use_ssl) == (
        "localhost",
        25,
        False,
        False,
    )
    assert backend.timeout == 30  # a mail server that hangs does not hang the worker for ever


def test_a_mail_server_elsewhere_is_reached_with_starttls_and_a_checked_certificate(
    monkeypatch, tmp_path
):
    password_file = tmp_path / "smtp-password"
    password_file.write_text("from-a-file\n")
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        **PRODUCTION,
        DJANGO_EMAIL_HOST="mail.example.org",
        DJANGO_EMAIL_USE_TLS="true",
        DJANGO_EMAIL_HOST_USER="alongside",
        DJANGO_EMAIL_HOST_PASSWORD_FILE=str(password_file),
    )
    backend = mailer(loaded)
    assert (backend.host, backend.port, backend.use_tls) == ("mail.example.org", 587, True)
    assert (backend.username, backend.password) == ("alongside", "from-a-file")
    assert backend.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert backend.ssl_context.check_hostname
    monkeypatch.delenv("DJANGO_EMAIL_USE_TLS")
    implicit = mailer(load_settings(monkeypatch, tmp_path, **PRODUCTION, DJANGO_EMAIL_USE_SSL="on"))
    assert (implicit.port, implicit.use_ssl, implicit.use_tls) == (465, True, False)


def test_both_tls_settings_at_once_stop_the_start(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="not both"):
        load_settings(
            monkeypatch,
            tmp_path,
            **PRODUCTION,
            DJANGO_EMAIL_USE_TLS="true",
            DJANGO_EMAIL_USE_SSL="true",
        )


def test_the_database_url_carries_verify_full(monkeypatch, tmp_path):
    url = "postgres://alongside@db.example.org:5432/alongside?sslmode=verify-full&sslrootcert=/etc/ca.pem"
    loaded = load_settings(monkeypatch, tmp_path, **{**PRODUCTION, "DATABASE_URL": url})
    assert loaded["DATABASES"]["default"]["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/ca.pem",
        "options": "-c jit=off -c random_page_cost=1.1",  # decisions 0132 and 0137
        "server_side_binding": True,  # decision 0140
        "prepare_threshold": 5,
    }


@pytest.mark.parametrize(
    ("host", "options", "warned"),
    [
        ("127.0.0.1", {}, False),
        ("/var/run/postgresql", {}, False),
        ("db.example.org", {}, True),
        ("db.example.org", {"sslmode": "require"}, True),  # encrypted, but anyone's certificate
        ("db.example.org", {"sslmode": "verify-full"}, False),
    ],
)
def test_check_deploy_warns_of_a_remote_database_without_verify_full(
    monkeypatch, host, options, warned
):
    database = {"ENGINE": "django.db.backends.postgresql", "HOST": host, "OPTIONS": options}
    assert (database_tls_problem(database) is not None) is warned
    monkeypatch.setattr(checks, "_default_database", lambda: database)
    assert [m.id for m in check_database_tls(None)] == (["alongside.ops.W001"] if warned else [])


def test_the_test_database_needs_no_tls():
    assert database_tls_problem() is None and check_database_tls(None) == []
