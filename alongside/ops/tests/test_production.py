"""Tested like production: gunicorn with production settings on the throwaway PostgreSQL cluster.

DEBUG off, a secret key, allowed hosts, static files collected into a temporary STATIC_ROOT, and
requests arriving as from the TLS proxy (`X-Forwarded-Proto: https`, `DJANGO_BEHIND_PROXY=true`).
Sign-in, a page and the API are driven through it, and the security headers and cookie flags
asserted. Then two app servers (and two task workers) on the one database: the public-link rate
limit, the double-booking guard and the task queue stay correct across them. PostgreSQL pass only
(`postgresql` mark); about a minute, most of it collectstatic and starting the servers.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from alongside.common.links import RATE_PER_TOKEN, count_hit
from alongside.common.models import RateCount
from alongside.measures import services as measures
from alongside.measures.builtins import ONS4
from alongside.measures.models import SittingKind
from alongside.measures.tests.helpers import version
from alongside.ops.tests.tasks_for_tests import note_run
from alongside.scheduling.models import Appointment
from alongside.scheduling.queries import slot_key
from alongside.scheduling.tests.helpers import at, give_week
from alongside.testing.factories import PersonFactory, SpellFactory
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.postgresql

HOST = "alongside.test"
ORIGIN = f"https://{HOST}"
PASSWORD = "pw-for-tests"  # UserFactory's
BIN = Path(sys.executable).parent


def production_env(var_dir: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{quote(db['HOST'], safe='')}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALONGSIDE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="production-test-" + "s" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_PROXY="true",
        DJANGO_CSRF_TRUSTED_ORIGINS=ORIGIN,
        DATABASE_URL=url,
        ALONGSIDE_VAR_DIR=str(var_dir),
        # The test settings' key: the factories' authenticator apps were encrypted with it.
        ALONGSIDE_MFA_KEY=settings.ALONGSIDE_MFA_KEY,
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


def start_gunicorn(env: dict[str, str], log: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "4", "config.wsgi"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {log.read_text()[-2000:]}")
            try:
                requests.get(f"{base}/health/", headers={"Host": HOST}, timeout=20)
                return Server(base, process)
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in 120 s: {log.read_text()[-2000:]}")
    except BaseException:
        process.kill()  # never leave a server behind
        process.wait(timeout=20)
        raise


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[list[Server]]:
    """Two gunicorn app servers with production settings on the test database."""
    var_dir = tmp_path_factory.mktemp("production-var")
    with django_db_blocker.unblock():
        env = production_env(var_dir)
    subprocess.run(  # noqa: S603
        [str(BIN / "alongside"), "collectstatic", "--noinput", "--verbosity", "0"],
        env=env, check=True,
    )  # fmt: skip
    servers: list[Server] = []
    try:
        for n in (1, 2):
            servers.append(start_gunicorn(env, var_dir / f"gunicorn-{n}.log"))
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait(timeout=20)
        shutil.rmtree(var_dir, ignore_errors=True)


@dataclass
class Browser:
    """What a browser behind the TLS proxy sends: the proxy's headers, and its cookies (Secure
    cookies are kept and sent by hand, since this leg is plain HTTP on loopback)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, **kwargs: object) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"{ORIGIN}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for line in response.raw.headers.getlist("Set-Cookie"):
            self.set_cookies.append(line)
            name, _, value = line.split(";")[0].partition("=")
            self.cookies[name.strip()] = value
        return response

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, object], **kwargs: object) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def csrf_from(self, page: requests.Response) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, "no CSRF token on the page"
        return found.group(1)


def sign_in(browser: Browser, username: str, password: str = PASSWORD) -> requests.Response:
    """Sign in as a person would: the password, then, when asked (every lead), the code from
    their authenticator app (the factories give leads `TEST_TOTP_SECRET`)."""
    form = browser.get("/login/")
    assert form.status_code == 200
    done = browser.post(
        "/login/",
        {"login": username, "password": password, "csrfmiddlewaretoken": browser.csrf_from(form)},
    )
    assert done.status_code == 302, done.text[:500]
    if done.headers["Location"].startswith("/account/2fa/authenticate/"):
        step = browser.get(done.headers["Location"])
        assert step.status_code == 200, step.text[:500]
        done = browser.post(
            done.headers["Location"],
            {"code": totp_code(TEST_TOTP_SECRET), "csrfmiddlewaretoken": browser.csrf_from(step)},
        )
        assert done.status_code == 302, done.text[:500]
        assert not done.headers["Location"].startswith("/account/2fa/")
    assert "sessionid" in browser.cookies
    return done


def refused_sign_in(browser: Browser, username: str, password: str) -> requests.Response:
    """A sign-in that must not succeed: the form is answered again, and no session starts."""
    form = browser.get("/login/")
    answer = browser.post(
        "/login/",
        {"login": username, "password": password, "csrfmiddlewaretoken": browser.csrf_from(form)},
    )
    assert answer.status_code in (200, 429), answer.status_code
    return answer


def cookie_line(browser: Browser, name: str) -> str:
    return next(line for line in reversed(browser.set_cookies) if line.startswith(f"{name}="))


def production_password(*users: object) -> None:
    """The test settings hash with MD5, which production settings do not accept: store the
    password with production's hasher (few iterations; gunicorn upgrades it at sign-in)."""
    for user in users:
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "productiontest", iterations=1000)  # type: ignore[attr-defined]
        user.save(update_fields=["password"])  # type: ignore[attr-defined]


def test_production_server_signs_in_serves_pages_and_the_api_with_its_protections(
    production, committed, world
):
    production_password(world.user("alice"))
    browser = Browser(production[0].base)
    sign_in(browser, "alice")

    page = browser.get(f"/people/{world.person.pk}/")
    assert page.status_code == 200 and "Pat" in page.text
    assert page.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    session = cookie_line(browser, "sessionid").lower()
    assert "secure" in session and "httponly" in session and "samesite=lax" in session
    csrf = cookie_line(browser, "csrftoken").lower()
    assert "secure" in csrf and "samesite=lax" in csrf
    # Static files come from the collected, hashed set.
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    assert stylesheet and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
    assert browser.get(stylesheet.group(1)).status_code == 200

    api = browser.get("/api/v1/people")
    assert api.status_code == 200, api.text[:300]
    assert [p["id"] for p in api.json()["items"]] == [world.person.pk]

    # No debug page: a missing page is a plain 404.
    missing = browser.get("/no-such-page/")
    assert missing.status_code == 404 and "Traceback" not in missing.text
    # Plain HTTP is sent to HTTPS; an unknown host is refused.
    plain = requests.get(f"{production[0].base}/login/", headers={"Host": HOST},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert plain.status_code == 301 and plain.headers["Location"] == f"{ORIGIN}/login/"
    elsewhere = requests.get(f"{production[0].base}/login/", timeout=10,
                             headers={"Host": "evil.example", "X-Forwarded-Proto": "https"})  # fmt: skip
    assert elsewhere.status_code == 400
    # The health check answers a monitor on plain HTTP.
    health = requests.get(f"{production[0].base}/health/", headers={"Host": HOST}, timeout=10)
    assert health.status_code == 200 and health.json()["ok"] is True


def test_two_servers_one_database_share_sessions_the_rate_limit_and_the_booking_guard(
    production, committed, world
):
    production_password(world.user("colin"))
    first, second = (Browser(server.base) for server in production)
    sign_in(first, "colin")
    second.cookies = dict(first.cookies)  # the session lives in the database: any server serves it
    assert second.get("/").status_code == 200

    # The public-link limit counts in the database: requests spread over both servers add up.
    RateCount.objects.all().delete()
    _, token = measures.start_sitting(
        world.person, by=world.members["alice"], versions=[version(ONS4)], kind=SittingKind.LINK
    )
    codes = [
        Browser(production[n % 2].base).get(f"/measures/a/{token}/").status_code
        for n in range(RATE_PER_TOKEN + 1)
    ]
    assert codes == [200] * RATE_PER_TOKEN + [429]

    # Two bookings of one worker's hour, sent at the same moment to different servers: one wins.
    give_week(world.members["alice"])
    other = PersonFactory(team=world.team, given_name="Robin")
    SpellFactory(person=other, worker=world.user("alice"))
    key = slot_key(world.user("alice").pk, at(3, 10))
    forms = {
        person.pk: browser.csrf_from(browser.get(f"/schedule/people/{person.pk}/book/"))
        for browser, person in ((first, world.person), (second, other))
    }
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def book(name: str, browser: Browser, person_pk: int) -> None:
        barrier.wait()
        response = browser.post(
            f"/schedule/people/{person_pk}/book/",
            {
                "slot": key,
                "mode": "in_person",
                "place": "",
                "csrfmiddlewaretoken": forms[person_pk],
            },
        )
        results[name] = response.status_code

    threads = [
        threading.Thread(target=book, args=("first", first, world.person.pk)),
        threading.Thread(target=book, args=("second", second, other.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [302, 400], results  # one booked, one told the hour is gone
    assert Appointment.objects.filter(worker=world.user("alice")).count() == 1


def test_two_task_workers_on_one_database_run_each_task_exactly_once(
    production, committed, tmp_path_factory
):
    count = 30
    for number in range(count):
        note_run.enqueue(number)
    env = production_env(tmp_path_factory.mktemp("workers"))
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "alongside"),
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--worker-id",
                f"worker-{n}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for n in (1, 2)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()[-2000:]
    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == count
    assert {task.status for task in tasks} == {"SUCCESSFUL"}
    assert all(len(task.worker_ids) == 1 for task in tasks)  # each taken by one worker, once
    assert all(count_hit(f"task-ran:{n}", now=0) == 2 for n in range(count))  # ran once, +1 here


def test_the_sign_in_limit_holds_across_servers(production, committed, world):
    """Five wrong passwords for one account, spread over both servers and over addresses the
    proxy reports, lock it on both: the limits live in the database cache, not in a process."""
    production_password(world.user("cara"))
    for guess in range(5):
        browser = Browser(production[guess % 2].base)
        answer = refused_sign_in(browser, "cara", f"guess-{guess}")
        assert "sessionid" not in browser.cookies
    for server in production:
        browser = Browser(server.base)
        answer = refused_sign_in(browser, "cara", PASSWORD)
        assert "Too many failed login attempts" in answer.text
        assert "sessionid" not in browser.cookies
