"""CPU time of one page in-process, signed in as a demo login (issue 17).

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/page_cpu.py ROLE PATH \
        [REPEAT] [--profile]

Production settings (DEBUG off, static manifest collected into a temporary folder). One warm-up
request, then REPEAT requests (default 5) through Django's test client: prints the median and
least CPU time (`time.process_time`, which a shared machine distorts far less than wall-clock),
the median wall time and the answer's size; `--profile` adds a cProfile of one more request by
CPU time. Run it from another tree's directory (with this checkout's `.venv` linked there) to
measure that tree's code side by side.
"""

import cProfile
import os
import pstats
import sys
import tempfile
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="page-cpu-"))


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", "--noinput", verbosity=0)
    role, path = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 5
    client = Client()
    client.force_login(get_user_model().objects.get(username=role))
    response = client.get(path)
    if response.status_code != 200:
        print(f"{path} as {role}: HTTP {response.status_code}")
        return 1
    cpu, wall = [], []
    for _ in range(repeat):
        started, clock = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu.append(time.process_time() - started)
        wall.append(time.perf_counter() - clock)
    cpu.sort()
    wall.sort()
    print(
        f"{path} as {role}: CPU median {cpu[len(cpu) // 2] * 1000:.1f} ms "
        f"(least {cpu[0] * 1000:.1f}), wall median {wall[len(wall) // 2] * 1000:.1f} ms, "
        f"{len(response.content) // 1024} KB"
    )
    if "--profile" in sys.argv:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        client.get(path)
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            int(os.environ.get("PROFILE_LINES", "35"))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
