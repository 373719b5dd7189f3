"""Server time and query counts of "My people", the person page, the coordinator's inbox and the
volunteer matching page on a demo database.

    DATABASE_URL=sqlite:///var/large.sqlite3 .venv/bin/python bench/pages.py [--repeat 30]

Build the large demo first:
    DATABASE_URL=sqlite:///var/large.sqlite3 .venv/bin/alongside migrate
    DATABASE_URL=sqlite:///var/large.sqlite3 .venv/bin/alongside demo --people 100000

Server time is measured in-process around Django's test client (request handling, queries and
template rendering; no network), with production settings (DEBUG off, static manifest built).
Prints median and 90th percentile per page, the number of queries, and fails (exit 1) when a page
takes its target or more at the median (50 ms; the coordinator's inbox 100 ms; the matching page
1 s: issue 17) or when the person page's query count differs between people with few and many
contacts. `--pages` picks some of them by name (`my-people`, `person`, `inbox`, `matching`).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as production runs: DEBUG off (no query log, no template debug), static manifest built.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))
TARGET_MS = 50.0
TARGETS_MS = {"inbox": 100.0, "matching": 1000.0}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pages", default="my-people,person,inbox,matching")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alongside.people.models import Person
    from alongside.relationships.models import NamedWorkerSpell

    user = get_user_model().objects.get(username="supporter")
    client = Client()
    client.force_login(user)
    people = Person.objects.filter(spells__worker=user, spells__ended_on__isnull=True)
    counted = list(people.annotate(n=Count("contacts")).order_by("n").values_list("pk", "n"))
    few, many = counted[0], counted[-1]
    # name -> (which page, login, url)
    every = {
        "My people": ("my-people", "supporter", "/"),
        f"person page ({few[1]} contacts)": ("person", "supporter", f"/people/{few[0]}/"),
        f"person page ({many[1]} contacts)": ("person", "supporter", f"/people/{many[0]}/"),
        "inbox (coordinator)": ("inbox", "coordinator", "/inbox/"),
        "matching (coordinator)": ("matching", "coordinator", "/connections/matching/"),
    }
    chosen = set(args.pages.split(","))
    pages = {name: page for name, page in every.items() if page[0] in chosen}
    clients = {"supporter": client}
    if any(login != "supporter" for _, login, _ in pages.values()):
        clients["coordinator"] = Client()
        clients["coordinator"].force_login(get_user_model().objects.get(username="coordinator"))
    total_people = Person.objects.count()
    caseload = NamedWorkerSpell.objects.filter(worker=user, ended_on__isnull=True).count()
    print(
        f"database: {connection.settings_dict['NAME']} · {total_people:,} people · supporter caseload {caseload}"
    )
    failures = []
    queries: dict[str, int] = {}
    for name, (page, login, url) in pages.items():
        client = clients[login]
        client.get(url)  # warm caches
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as context:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        queries[name] = len(context.captured_queries)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:32s} median {median:6.1f} ms · p90 {p90:6.1f} ms · {queries[name]} queries")
        target = TARGETS_MS.get(page, TARGET_MS)
        if median >= target:
            failures.append(f"{name}: median {median:.1f} ms ≥ {target} ms")
    person_counts = {count for name, count in queries.items() if name.startswith("person page")}
    if len(person_counts) != 1:
        failures.append(f"person page query count varies with contacts: {sorted(person_counts)}")
    print(
        f"command: DATABASE_URL={os.environ.get('DATABASE_URL', '(default)')} .venv/bin/python bench/pages.py --repeat {args.repeat} --pages {args.pages}"
    )
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
