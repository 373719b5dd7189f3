"""Every SELECT one page runs, explained on PostgreSQL: execution and planning time (issue 17).

    DATABASE_URL=postgres://... .venv/bin/python bench/page_plans.py ROLE PATH

Production settings, signed in as a demo login; one warm-up request, then the page's statements
are captured and each is run again under `EXPLAIN (ANALYZE, FORMAT JSON)`, slowest first, with
the totals. Session 13 found the person page's planning (13 ms) four times its execution (3 ms).
"""

import os
import sys
import tempfile

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="page-plans-"))


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        print("page_plans explains on PostgreSQL only: set DATABASE_URL", file=sys.stderr)
        return 2
    role, path = sys.argv[1], sys.argv[2]
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username=role))
    client.get(path)
    statements = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        client.get(path)
    rows = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.startswith("SELECT") or "pg_advisory" in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0][0]
            rows.append((plan["Execution Time"], plan["Planning Time"], sql[:100]))
    for executing, planning, sql in sorted(rows, reverse=True):
        print(f"execution {executing:7.2f} ms  planning {planning:6.2f} ms  {sql}")
    print(
        f"{len(statements)} statements, {len(rows)} explained: execution "
        f"{sum(r[0] for r in rows):.1f} ms, planning {sum(r[1] for r in rows):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
