"""Two-step secrets encrypted at rest (decision 0029): what the database holds, signing in, the
migration of secrets stored in the clear, rotating the key, and production without one."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alongside.access.models import Role
from alongside.accounts import keys
from alongside.accounts.checks import mfa_key_is_set
from alongside.accounts.services import add_authenticator_app, authenticator_app_secret
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
migration = importlib.import_module("alongside.accounts.migrations.0002_encrypt_mfa_secrets")


def stored(user, kind: str) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def signs_in_with_code(username: str, secret: str = TEST_TOTP_SECRET) -> bool:
    client = Client()
    response = client.post("/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    return "_auth_user_id" in client.session


def test_the_database_holds_no_secret_in_the_clear_and_the_code_still_signs_in(db):
    lead = MembershipFactory(role=Role.DATA_LEAD)
    totp = stored(lead.user, Authenticator.Type.TOTP)
    assert TEST_TOTP_SECRET not in json.dumps(totp)
    assert keys.is_token(totp["secret"])
    seed = stored(lead.user, Authenticator.Type.RECOVERY_CODES)["seed"]
    assert keys.is_token(seed) and len(seed) > 80  # a 80-hex-digit seed, as a token
    assert authenticator_app_secret(lead.user) == TEST_TOTP_SECRET  # what `alongside demo` prints
    assert signs_in_with_code(lead.user.username)


def test_secrets_stored_in_the_clear_are_encrypted_by_the_migration_and_still_work(db):
    lead = MembershipFactory(role=Role.DATA_LEAD, authenticator_app=False)
    # As allauth stored them before decision 0029: the secret and the seed in the clear.
    Authenticator.objects.create(
        user=lead.user, type=Authenticator.Type.TOTP, data={"secret": TEST_TOTP_SECRET}
    )
    seed = RecoveryCodes.generate_seed()
    Authenticator.objects.create(
        user=lead.user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": seed, "used_mask": 1},
    )
    migration.forwards(apps, None)
    totp = stored(lead.user, Authenticator.Type.TOTP)
    codes = stored(lead.user, Authenticator.Type.RECOVERY_CODES)
    assert TEST_TOTP_SECRET not in json.dumps(totp) and seed not in json.dumps(codes)
    assert codes["used_mask"] == 1  # what is not secret is left alone
    assert signs_in_with_code(lead.user.username)
    # and back again
    migration.backwards(apps, None)
    assert stored(lead.user, Authenticator.Type.TOTP)["secret"] == TEST_TOTP_SECRET
    assert stored(lead.user, Authenticator.Type.RECOVERY_CODES)["seed"] == seed


def test_a_secret_left_in_the_clear_is_refused_not_trusted(db):
    user = UserFactory()
    plain = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TEST_TOTP_SECRET}
    )
    with pytest.raises(keys.MFAKeyError, match="has not encrypted the old secrets"):
        TOTP(plain).validate_code(totp_code(TEST_TOTP_SECRET))


def test_rotating_the_key_keeps_every_secret(db, settings, capsys):
    old = settings.ALONGSIDE_MFA_KEY
    lead = MembershipFactory(role=Role.DATA_LEAD)
    before = stored(lead.user, Authenticator.Type.TOTP)["secret"]
    new = Fernet.generate_key().decode()
    settings.ALONGSIDE_MFA_KEY = f"{new},{old}"  # the new key first: the old still decrypts
    assert authenticator_app_secret(lead.user) == TEST_TOTP_SECRET
    call_command("mfa_keys", "rotate")
    assert "Re-encrypted the secrets of 2 authenticators" in capsys.readouterr().out
    assert stored(lead.user, Authenticator.Type.TOTP)["secret"] != before
    settings.ALONGSIDE_MFA_KEY = new  # the old key dropped
    assert authenticator_app_secret(lead.user) == TEST_TOTP_SECRET
    assert signs_in_with_code(lead.user.username)
    assert RecoveryCodes(
        Authenticator.objects.get(user=lead.user, type=Authenticator.Type.RECOVERY_CODES)
    ).generate_codes()
    settings.ALONGSIDE_MFA_KEY = old  # the old key alone no longer opens them
    with pytest.raises(keys.MFAKeyError):
        authenticator_app_secret(lead.user)


def test_production_without_a_key_derives_one_and_warns_a_bad_key_refuses(settings, tmp_path):
    settings.DEBUG = False
    settings.ALONGSIDE_MFA_KEY = ""
    settings.ALONGSIDE_MFA_KEY_FILE = ""
    keys.require_mfa_key()  # the contract's three production variables are enough to start
    [warning] = mfa_key_is_set()
    assert warning.id == "alongside.accounts.W001"
    token = keys.encrypt(TEST_TOTP_SECRET)
    assert TEST_TOTP_SECRET not in token  # never stored in the clear
    assert keys.decrypt(token) == TEST_TOTP_SECRET
    settings.ALONGSIDE_MFA_KEY = "not a key"
    with pytest.raises(keys.MFAKeyError, match="key 1 is not a Fernet key"):
        keys.require_mfa_key()
    [error] = mfa_key_is_set()
    assert error.id == "alongside.accounts.E001"
    key_file = tmp_path / "mfa-key"
    key_file.write_text(Fernet.generate_key().decode() + "\n")
    settings.ALONGSIDE_MFA_KEY = ""
    settings.ALONGSIDE_MFA_KEY_FILE = str(key_file)
    assert keys.decrypt(keys.encrypt(TEST_TOTP_SECRET)) == TEST_TOTP_SECRET
    assert mfa_key_is_set() == []
    settings.ALONGSIDE_MFA_KEY_FILE = str(tmp_path / "missing")
    with pytest.raises(keys.MFAKeyError, match="cannot read the two-step key"):
        keys.require_mfa_key()


def _start_wsgi(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALONGSIDE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="production-test-" + "s" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALONGSIDE_VAR_DIR=str(tmp_path),
        **extra,
    )
    return subprocess.run(  # noqa: S603 - the project's own interpreter and WSGI module
        [sys.executable, "-c", "import config.wsgi"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_server_will_not_start_with_a_malformed_key(tmp_path):
    started = _start_wsgi(tmp_path, ALONGSIDE_MFA_KEY="not-a-fernet-key")
    assert started.returncode != 0
    assert "key 1 is not a Fernet key" in started.stderr


def test_without_a_key_one_is_derived_from_each_secret_key_so_rotation_keeps_secrets(settings):
    settings.ALONGSIDE_MFA_KEY = ""
    settings.ALONGSIDE_MFA_KEY_FILE = ""
    settings.SECRET_KEY_FALLBACKS = []
    [derived] = keys.mfa_keys()
    Fernet(derived)  # a usable key
    token = keys.encrypt(TEST_TOTP_SECRET)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert keys.mfa_keys() != [derived]  # from the secret key, not a constant
    with pytest.raises(keys.MFAKeyError):
        keys.decrypt(token)
    settings.SECRET_KEY_FALLBACKS = [old]  # rotating the secret key the Django way
    assert keys.decrypt(token) == TEST_TOTP_SECRET


def test_mfa_keys_new_prints_a_usable_key(capsys):
    call_command("mfa_keys", "new")
    Fernet(capsys.readouterr().out.strip().encode())


def test_add_authenticator_app_stores_a_token_for_a_new_random_secret(db):
    user = UserFactory()
    secret = add_authenticator_app(user)
    assert secret not in json.dumps(stored(user, Authenticator.Type.TOTP))
    assert authenticator_app_secret(user) == secret
