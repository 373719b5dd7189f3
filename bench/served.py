"""Pages served by gunicorn under concurrent clients, side by side in one run (issue 17 item 5).

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/served.py \
        [--clients 2] [--seconds 20] [--rounds 1] [--workers 2] [--port 8180] [--only sign-in,...]

What it does, on the demo database DATABASE_URL names (SQLite or PostgreSQL; `alongside demo
--people 100000` for the large one):

1. Production settings (DEBUG off, the static manifest collected into var/bench-served/, again
   only when a static file changed since,
   `DATABASE_CONN_MAX_AGE` as settings default it unless set).
2. Signs in each demo role a page needs (a server-side session, as `alongside demo` logins make
   after their password and second step) and picks the supporter's people with the number of
   contacts closest to 1 and to 50.
3. Starts gunicorn with the project's own `config/gunicorn.conf.py` (its timeout and access
   log), on loopback, with `--workers` processes, the app and its views loaded before the
   workers fork (`--preload`, bench/served_wsgi.py; startup is not what is measured).
4. For each round, for each page in turn: one request to warm it, then locust (headless,
   `bench/locustfile.py`) with `--clients` users asking for the page back to back for
   `--seconds`. A page whose warm-up request alone takes longer than `--seconds` is not loaded
   further: its one time is reported (and it misses the goal).
5. Prints per page p50 and p95 (milliseconds, over every round), requests per second, the ratio
   of requests per second to the sign-in page's, the answer size, and the non-200 answers.

Exit 1 when a page misses its goal: p95 under 300 ms at 2 clients, with no failed request; the
learning report's goal is issue 17's for the whole report, under 10 s.
The load generator runs on the same machine as the server and takes its share of the cores, as
it did for the figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_P95_MS = 300.0
REPORT_GOAL_P95_MS = 10_000.0  # issue 17: the whole learning report (HTML and PDF) under 10 s


@dataclass
class Page:
    name: str
    path: str
    role: str | None  # the demo login, or None for the sign-in page itself
    times: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    seconds: float = 0.0  # time under load, over every round
    goal_ms: float = GOAL_P95_MS  # p95 must be under this


def environment(var_dir: str) -> dict[str, str]:
    """Production settings for this process and the server it starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALONGSIDE_VAR_DIR", var_dir)
    return dict(os.environ)


def prepare(clients_near: tuple[int, ...]) -> tuple[dict[str, str], list[Page], str]:
    """Collect static files, sign the roles in, choose the people; return cookies and pages."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from alongside.people.models import Person

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [p.stat().st_mtime for p in ROOT.glob("alongside/*/static/**/*") if p.is_file()]
    if not manifest.exists() or manifest.stat().st_mtime < max(sources, default=0):
        began = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"collectstatic: {time.perf_counter() - began:.1f} s", flush=True)
    users = (
        get_user_model()
        .objects.filter(username__in=["supporter", "coordinator", "funder"])
        .in_bulk(field_name="username")
    )
    cookies = {}
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[username] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    counted = list(
        Person.objects.filter(spells__worker=users["supporter"], spells__ended_on__isnull=True)
        .annotate(n=Count("contacts"))
        .values_list("pk", "n")
    )
    people = [min(counted, key=lambda row: (abs(row[1] - near), row[0])) for near in clients_near]
    pages = [
        Page("sign-in page", "/login/", None),
        Page("My people", "/", "supporter"),
        *(Page(f"person page, {n} contacts", f"/people/{pk}/", "supporter") for pk, n in people),
        Page('person search "Reid"', "/people/?q=Reid", "supporter"),
        Page("API my people", "/api/v1/me/people", "supporter"),
        Page("team continuity", "/insights/continuity/", "coordinator"),
        Page("matching", "/connections/matching/", "coordinator"),
        Page("coordinator inbox", "/inbox/", "coordinator"),
        Page("team scorecard", "/learning/scorecard/", "coordinator"),
        Page("team learning", "/learning/", "coordinator"),
        Page("learning report, 6 months", "/reports/", "funder", goal_ms=REPORT_GOAL_P95_MS),
    ]
    described = (
        f"{connection.vendor} {connection.settings_dict['NAME']} · "
        f"{Person.objects.count():,} people · CONN_MAX_AGE {connection.settings_dict['CONN_MAX_AGE']}"
    )
    connection.close()
    return cookies, pages, described


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "config" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # Load the app once, before the workers fork: on a busy machine a worker loading it on
        # its first request can outlive the config's timeout and be killed before it answers.
        "--preload",
        "--pythonpath",
        str(ROOT / "bench"),
        "served_wsgi:application",
    ]
    with log.open("ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}: see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5):  # noqa: S310
                return server
        except urllib.error.HTTPError:
            return server  # answering: 503 only says no task worker runs beside it
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /health/ within 600 s: see {log}")


def warm(url: str, cookie: str, timeout: float) -> tuple[float, int, int]:
    """One request: milliseconds, status (0 when no answer), bytes."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
            return (time.perf_counter() - began) * 1000, response.status, len(body)
    except urllib.error.HTTPError as error:
        return (time.perf_counter() - began) * 1000, error.code, 0
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return (time.perf_counter() - began) * 1000, 0, 0


def load(page: Page, host: str, cookie: str, args: argparse.Namespace, work: Path) -> None:
    """Warm the page, then load it with locust; add what was measured to `page`."""
    ms, status, size = warm(host + page.path, cookie, args.timeout)
    if status != 200 or ms > args.seconds * 1000:
        page.times.append(ms)
        page.statuses.append(status)
        page.sizes.append(size)
        page.seconds += ms / 1000
        return
    times = work / f"times-{time.monotonic_ns()}.txt"
    env = {
        **os.environ,
        "BENCH_PATH": page.path,
        "BENCH_COOKIE": cookie,
        "BENCH_TIMES": str(times),
        "BENCH_TIMEOUT": str(args.timeout),
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        host,
        "--users",
        str(args.clients),
        "--spawn-rate",
        str(args.clients),
        "--run-time",
        f"{max(1, round(args.seconds))}s",
        "--stop-timeout",
        str(int(args.timeout)),
        "--loglevel",
        "ERROR",
    ]
    ran = subprocess.run(command, env=env, cwd=work, capture_output=True, check=False)  # noqa: S603
    page.seconds += args.seconds  # locust's run time, after its own start-up
    if not times.exists():
        raise SystemExit(f"locust did not run: {ran.stderr.decode()[-2000:]}")
    for line in times.read_text().splitlines():
        ms_text, status_text, size_text = line.split()
        page.times.append(float(ms_text))
        page.statuses.append(int(status_text))
        page.sizes.append(int(size_text))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20, help="load per page per round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--timeout", type=float, default=70.0, help="seconds one request may take")
    parser.add_argument("--only", help="comma-separated page names (prefixes), sign-in always")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="alongside-served-"))
    # The static manifest is kept between runs (collecting it takes minutes on a busy machine).
    environment(str(ROOT / "var" / "bench-served"))
    cookies, pages, described = prepare((1, 50))
    if args.only:
        wanted = [name.strip() for name in args.only.split(",")]
        pages = [p for p in pages if p.role is None or any(p.name.startswith(w) for w in wanted)]
    log = work / "gunicorn.log"
    server = start_server(args.port, args.workers, log)
    host = f"http://127.0.0.1:{args.port}"
    print(f"database: {described}")
    print(
        f"gunicorn: config/gunicorn.conf.py, {args.workers} workers · locust: {args.clients} clients, "
        f"{args.seconds:g} s per page, {args.rounds} round(s)",
        flush=True,
    )
    try:
        for _ in range(args.rounds):
            for page in pages:
                load(page, host, cookies.get(page.role or "", ""), args, work)
    finally:
        server.terminate()
        server.wait(timeout=60)
    sign_in = pages[0]
    base_rate = sum(1 for s in sign_in.statuses if s == 200) / sign_in.seconds
    print(
        f"\n{'page':28} {'p50 ms':>9} {'p95 ms':>9} {'req/s':>7} {'vs sign-in':>10} "
        f"{'KB':>6} {'n':>6} {'failed':>6}  goal"
    )
    failures = []
    for page in pages:
        ok = sum(1 for s in page.statuses if s == 200)
        failed = len(page.statuses) - ok
        rate = ok / page.seconds if page.seconds else 0.0
        p50, p95 = percentile(page.times, 0.50), percentile(page.times, 0.95)
        size = statistics.median(page.sizes) / 1024
        met = p95 < page.goal_ms and failed == 0
        print(
            f"{page.name:28} {p50:9.1f} {p95:9.1f} {rate:7.1f} {rate / base_rate:9.3f}× "
            f"{size:6.0f} {len(page.times):6d} {failed:6d}  {'met' if met else 'MISSED'}"
        )
        if not met:
            failures.append(f"{page.name}: p95 {p95:.0f} ms, {failed} failed of {len(page.times)}")
    print(
        f"\ncommand: DATABASE_URL={os.environ.get('DATABASE_URL', '(default)')} "
        f".venv/bin/python bench/served.py --clients {args.clients} --seconds {args.seconds:g} "
        f"--rounds {args.rounds} --workers {args.workers}"
    )
    for failure in failures:
        print("MISSED:", failure)
    if failures:
        print(f"(gunicorn's log: {log})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
