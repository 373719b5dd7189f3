"""Server time and query counts of "Find a person" on a demo database, beside two yardsticks.

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/search.py [--repeat 20]

For each search (a folded name, a typo, a phone number, a postcode district, a date of birth,
filters alone) the whole page is timed in-process around Django's test client (request,
queries, template; no network), as a supporter who sees everyone, with production settings.
Side by side, in the same loop so both see the same machine load: the sign-in page (the
cheapest page there is) and a plain indexed name lookup through the ORM (`given_name` and
`family_name` equal, on the organisation's name index). Prints median and 90th percentile and
the query count; exits 1 when a search page takes 250 ms or more at the median, or when its
query count is above 12.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))
TARGET_MS = 250.0
MAX_QUERIES = 12


def request_text(query: str) -> str:
    """The q= value of a query string (the benchmark's are simple)."""
    for part in query.split("&"):
        if part.startswith("q="):
            return part[2:].replace("+", " ")
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from alongside.access.models import Membership
    from alongside.people.models import Person
    from alongside.people.queries import Filters, search_people

    user = get_user_model().objects.get(username="supporter")
    membership = Membership.objects.filter(user=user).first()
    assert membership is not None
    client = Client()
    client.force_login(user)
    anonymous = Client()
    org = membership.organisation_id
    sample = Person.objects.filter(organisation_id=org).exclude(phone_digits="").first()
    assert sample is not None
    phone = sample.phone_digits
    district = (
        Person.objects.filter(organisation_id=org)
        .exclude(postcode_key="")
        .values_list("postcode_key", flat=True)
        .first()
        or "RV3 1AB"
    ).split()[0]
    born = (
        Person.objects.filter(organisation_id=org, date_of_birth__isnull=False)
        .values_list("date_of_birth", flat=True)
        .first()
    )
    searches = {
        "name: obrien": "q=obrien",
        "name: Aydin": "q=Aydin",
        "typo: Mairaed": "q=Mairaed",
        "two words: mairead obrien": "q=mairead+obrien",
        "prefix: sam": "q=sam",
        f"phone: {phone}": f"q={phone}",
        f"district: {district}": f"q={district}",
        f"date of birth: {born:%d/%m/%Y}" if born else "date of birth: 05/12/1970": (
            f"q={born:%d/%m/%Y}" if born else "q=05/12/1970"
        ),
        "filters only: seen in 4 weeks": "q=&seen=4w",
        "everyone, first page": "q=",
    }

    def lookup() -> None:
        list(Person.objects.filter(organisation_id=org, given_name=sample.given_name,
                                   family_name=sample.family_name)[:50])  # fmt: skip

    def timed(run: Callable[[], object]) -> float:
        start = time.perf_counter()
        run()
        return (time.perf_counter() - start) * 1000

    total = Person.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} · {total:,} people")
    failures = []
    rows = []
    for name, query in searches.items():
        url = f"/people/?{query}"
        client.get(url)  # warm
        page, signin, plain = [], [], []
        for _ in range(args.repeat):
            executed: list[str] = []

            def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                start = time.perf_counter()
                response = client.get(url)
                page.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            signin.append(timed(lambda: anonymous.get("/login/")))
            plain.append(timed(lookup))
        filters = Filters(seen="4w") if "seen=4w" in query else Filters()
        found = len(search_people(membership, request_text(query), filters))
        count = len(executed)
        median = statistics.median(page)
        p90 = statistics.quantiles(page, n=10)[-1]
        rows.append(
            (name, median, p90, count, found, statistics.median(signin), statistics.median(plain))
        )
        if median >= TARGET_MS:
            failures.append(f"{name}: median {median:.1f} ms ≥ {TARGET_MS} ms")
        if count > MAX_QUERIES:
            failures.append(f"{name}: {count} queries > {MAX_QUERIES}")
    print(
        "| search | median | p90 | queries | found | sign-in page (median) | indexed name lookup (median) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, median, p90, count, found, signin_ms, plain_ms in rows:
        print(
            f"| {name} | {median:.1f} ms | {p90:.1f} ms | {count} | {found} | {signin_ms:.1f} ms | {plain_ms:.2f} ms |"
        )
    print(
        f"command: DATABASE_URL={os.environ.get('DATABASE_URL', '(default)')} .venv/bin/python bench/search.py --repeat {args.repeat}"
    )
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
