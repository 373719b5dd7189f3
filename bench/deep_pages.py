"""A deep page of the people list and of the people API, OFFSET against keyset (decision 0114).

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/deep_pages.py \
        [--tree /tmp/base] [--repeat 10] [--page 1000]

Runs the code of `--tree` (default: this checkout), so the code before keyset pagination and
after it can be run alternately against the same database. Each page is fetched in-process
through Django's test client (request, queries, template; no network) as a supporter who sees
everyone, with production settings; CPU time (this process: SQLite runs inside it) and wall
time per request, medians of the repeats, and the query count. Pages:

- the sign-in page (the cheapest page there is; the yardstick),
- the people list, first page, and the page `--page` deep: `?page=N` where the tree pages by
  number, `?cursor=` (the cursor after the row just before that page) where it pages by key,
- the API's people list: `?page=N` (both trees) and, where the tree has cursors, `?cursor=`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args()
    sys.path.insert(0, args.tree)
    os.chdir(args.tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    from alongside.access.models import Membership
    from alongside.people.queries import search_people

    user = get_user_model().objects.get(username="supporter")
    membership = Membership.objects.filter(user=user).first()
    client = Client()
    client.force_login(user)
    anonymous = Client()
    size = 50
    start = (args.page - 1) * size
    found = search_people(membership, "")
    keyset = hasattr(found, "page")
    urls = {"sign-in": ("/login/", anonymous), "list, page 1": ("/people/", client)}
    if keyset:
        from alongside.common.keyset import AFTER, make_cursor
        from alongside.people.queries import PEOPLE_SCOPE

        assert found.rows is not None
        before = found.rows[start - 1]
        cursor = make_cursor(
            PEOPLE_SCOPE, AFTER, [before.given_name, before.family_name, before.pk]
        )
        urls[f"list, page {args.page}"] = (f"/people/?cursor={cursor}", client)
    else:
        urls[f"list, page {args.page}"] = (f"/people/?page={args.page}", client)
    urls[f"API, page={args.page}"] = (f"/api/v1/people?page={args.page}&page_size={size}", client)
    if keyset:
        first = client.get(f"/api/v1/people?page={args.page - 1}&page_size={size}").json()
        urls["API, cursor at the same depth"] = (
            f"/api/v1/people?cursor={first['next']}&page_size={size}",
            client,
        )
    print(f"tree {args.tree} · {'keyset' if keyset else 'offset'} · {connection.vendor}")
    expected = None
    for name, (url, who) in urls.items():
        response = who.get(url)  # warm
        assert response.status_code == 200, (name, response.status_code)
        if name.startswith("API"):
            ids = [item["id"] for item in response.json()["items"]]
            expected = expected or ids
            assert ids == expected, name  # the same page either way
        cpu, wall, queries = [], [], 0
        for _ in range(args.repeat):
            executed: list[str] = []

            def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                c0, w0 = time.process_time(), time.perf_counter()
                who.get(url)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            queries = len(executed)
        print(
            f"{name:34} cpu {statistics.median(cpu):8.1f} ms  wall "
            f"{statistics.median(wall):8.1f} ms  queries {queries}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
