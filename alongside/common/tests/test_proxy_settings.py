"""The settings for our reverse proxies and idle sign-out, read from the environment as in
production: each case starts a fresh Python that imports `config.settings` (decision 0014)."""

import json
import os
import subprocess
import sys

import pytest

SHOW = (
    "import json, config.settings as s; print(json.dumps({'proxies': s.ALONGSIDE_TRUSTED_PROXIES,"
    " 'ssl_header': s.SECURE_PROXY_SSL_HEADER, 'idle': s.ALONGSIDE_SESSION_IDLE_MINUTES,"
    " 'browser_close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE}))"
)
CLEARED = ("DJANGO_BEHIND_PROXY", "ALONGSIDE_TRUSTED_PROXIES", "ALONGSIDE_SESSION_IDLE_MINUTES")


def settings_with(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base.update({"DJANGO_DEBUG": "true", "ALONGSIDE_VAR_DIR": str(tmp_path)}, **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SHOW], env=base, capture_output=True, text=True, check=False
    )


def read(tmp_path, **env: str) -> dict:
    done = settings_with(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_by_default_no_proxy_is_trusted_and_sessions_idle_out_after_an_hour(tmp_path):
    assert read(tmp_path) == {
        "proxies": [],
        "ssl_header": None,
        "idle": 60,
        "browser_close": True,
    }


def test_behind_proxy_alone_trusts_a_proxy_on_this_machine(tmp_path):
    found = read(tmp_path, DJANGO_BEHIND_PROXY="true")
    assert found["proxies"] == ["127.0.0.1", "::1"]
    assert found["ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_named_proxies_are_trusted_for_both_headers(tmp_path):
    found = read(
        tmp_path,
        ALONGSIDE_TRUSTED_PROXIES=" 10.0.0.0/8 , 2001:db8::1 ",
        ALONGSIDE_SESSION_IDLE_MINUTES="15",
    )
    assert found["proxies"] == ["10.0.0.0/8", "2001:db8::1"]
    assert found["ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["idle"] == 15


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALONGSIDE_TRUSTED_PROXIES": "10.0.0.300"}, "not an address or network"),
        ({"ALONGSIDE_SESSION_IDLE_MINUTES": "0"}, "1 or more"),
    ],
)
def test_a_mistake_stops_the_app_at_start(tmp_path, env, message):
    done = settings_with(tmp_path, **env)
    assert done.returncode != 0 and message in done.stderr
