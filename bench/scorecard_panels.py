"""Per-panel CPU seconds of the scorecard for the demo coordinator's team and the organisation,
the period the page's default (the twelve months to today), in the code tree that is the current
directory: run it from an old tree (with this checkout's virtualenv linked) to compare.

    DATABASE_URL=sqlite:////tmp/copy.sqlite3 .venv/bin/python bench/scorecard_panels.py both 3

Prints each panel's median CPU seconds over the repeats (and the whole scorecard's), the process's
peak memory and the load average. Production settings.
"""

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any


def main() -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")
    os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    import alongside
    from alongside.access.models import Membership
    from alongside.learning import scorecard as card
    from alongside.learning.queries import discretion_summary, failure_demand_by_month

    print("code:", alongside.__file__)
    user = get_user_model().objects.get(username="coordinator")
    membership = Membership.objects.filter(user=user).first()
    assert membership is not None
    org = membership.organisation_id
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    scopes = {"team": [membership.team_id], "org": [None]}.get(which, [membership.team_id, None])

    def panels(team: int | None) -> dict[str, Callable[[], Any]]:
        return {
            "discretion": lambda: discretion_summary(org, team, start, today),
            "failure_demand": lambda: failure_demand_by_month(org, team, start, today),
            "autonomy(goals)": lambda: card._own_goals(org, team, start, today),
            "continuity": lambda: card._continuity_panel(org, team, start, today),
            "training": lambda: card._training_panel(org, team, today),
            "attitudes": lambda: card._attitudes_panel(org, team, start, today),
            "separation": lambda: card._separation_panel(org, team, start, today),
            "connection": lambda: card.connection_panel(org, team, start, today),
            "WHOLE": lambda: card.scorecard(org, team, start, today),
        }

    card.scorecard(org, membership.team_id, today, today)  # warm-up: imports
    for team in scopes:
        for name, function in panels(team).items():
            seconds = []
            for _ in range(repeat):
                began = time.process_time()
                function()
                seconds.append(time.process_time() - began)
            seconds.sort()
            label = "team" if team else "org"
            print(f"{label:5} {name:18} cpu {seconds[len(seconds) // 2]:.3f} s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak {peak:.0f} MB, load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
