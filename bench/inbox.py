"""CPU time of the coordinator's inbox, whole and by section, on a demo database.

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/inbox.py [--repeat 7]

Run with the working directory at the tree to measure (its `alongside` is imported first), so an
older tree (`git archive main alongside config manage.py templates | tar -x -C /tmp/base`) runs
its own code with this script: `cd /tmp/base && python /path/to/bench/inbox.py`. Production
settings (DEBUG off), in-process through Django's test client, one warm-up request, then the
median and minimum CPU time (`time.process_time`: SQLite runs inside the process) of the page
and of each section's query function, the page's queries and size, and the load average.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))


def cpu(run, repeat):  # type: ignore[no-untyped-def]
    run()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--login", default="coordinator")
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import alongside
    from alongside.access.models import Membership
    from alongside.inbox import queries

    call_command("collectstatic", interactive=False, verbosity=0)
    user = get_user_model().objects.get(username=args.login)
    membership = Membership.objects.filter(user=user).first()
    client = Client()
    client.force_login(user)
    print(f"code: {Path(alongside.__file__).parent} · load {os.getloadavg()}")
    response = client.get("/inbox/")
    with CaptureQueriesContext(connection) as context:
        response = client.get("/inbox/")
    assert response.status_code == 200
    print(f"page: {len(response.content):,} bytes · {len(context.captured_queries)} queries")
    median, least = cpu(lambda: client.get("/inbox/"), args.repeat)
    print(f"{'inbox page':28s} CPU median {median:7.1f} ms · min {least:7.1f} ms")
    today = timezone.localdate()
    for name in ("overdue_follow_ups", "stopped_coming", "worker_requests", "new_without_worker"):
        run = getattr(queries, name)
        median, least = cpu(lambda run=run: run(membership, today=today), args.repeat)
        print(f"{name:28s} CPU median {median:7.1f} ms · min {least:7.1f} ms")
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
