"""Time the aggregate pages and report sections of one code tree against another, side by side.

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/aggregates.py \
        --old /tmp/base [--repeat 1] [--only team_continuity,scorecard_team]

`--old` is a checkout of the code to compare with (e.g. `git archive <commit> alongside config |
tar -x -C /tmp/base`); it runs against the same database, with this checkout's virtualenv. For
each section and repeat, a fresh process of the old tree and then one of this tree each time the
section once, in-process (Django's test client for pages, the function for report sections and
the scorecard), after django.setup and a warm-up of the sign-in page. Printed: seconds old and
new, the ratio old/new, each process's peak memory, and for pages the response size. Sections
run in turn, old then new, so both see the same machine load; the ratio is what to read.

The period is the pages' default, the twelve months to today; pages are seen as the demo's
`coordinator` (a team), the scorecard for that team and for the whole organisation.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SECTIONS = (
    "sign_in",
    "my_people",
    "person_page",
    "team_continuity",
    "team_continuity_kept",
    "scorecard_page_kept",
    "team_learning_kept",
    "inbox",
    "matching",
    "continuity_csv",
    "outcomes",
    "scorecard_team",
    "scorecard_organisation",
    "scorecard_continuity",
    "report_reach",
    "report_continuity",
    "report_value",
    "report_relationship_check",
    "report_outcomes",
    "report_associations",
    "report_outcome_figures",
    "report_failure_demand",
    "report_needs",
    "report_discretion",
    "report_connection",
    "report_page",
    "report_page_pdf",
    "report_referrals",
    "report_whole",
)


def _environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-bench-"))


def run_one(section: str) -> dict[str, Any]:
    """Time one section in this process (the tree on sys.path[0])."""
    import django

    django.setup()
    if section == "collectstatic":
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        return {"seconds": 0.0, "peak_mb": 0.0, "bytes": None}
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from alongside.access.models import Membership, Organisation

    user = get_user_model().objects.get(username="coordinator")
    membership = Membership.objects.filter(user=user).first()
    assert membership is not None
    organisation = Organisation.objects.get(pk=membership.organisation_id)
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    client = Client()
    client.get("/login/")  # warm-up: templates, translations, URL resolver
    size = None

    def page(url: str) -> bytes:
        """The whole body: a streamed download (the continuity CSV) is read to its end."""
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content)
        body: bytes = response.content
        return body

    if section == "size":
        from alongside.people.models import Person
        from alongside.relationships.models import Contact

        return {"people": Person.objects.count(), "contacts": Contact.objects.count()}
    if section in ("my_people", "person_page"):
        return _supporter_page(section)
    try:
        from alongside.common.models import WorkedOutFigures
    except ImportError:  # a tree from before decision 0133
        pass
    else:
        # A team page's figures kept by an earlier run (decision 0133) would make its first
        # reader's time a read: every section starts with none kept.
        WorkedOutFigures.objects.all().delete()
    kept_pages = {
        "team_continuity_kept": "/insights/continuity/",
        "scorecard_page_kept": "/learning/scorecard/",
        "team_learning_kept": "/learning/",
    }
    if section in kept_pages:
        page(kept_pages[section])  # the first reader works them out; the next reads them
    began, cpu = time.perf_counter(), time.process_time()
    if section == "sign_in":
        walls, cpus = [], []
        for _ in range(21):
            one, one_cpu = time.perf_counter(), time.process_time()
            Client().get("/login/")
            walls.append(time.perf_counter() - one)
            cpus.append(time.process_time() - one_cpu)
        began = time.perf_counter() - sorted(walls)[10]
        cpu = time.process_time() - sorted(cpus)[10]
    elif section == "team_continuity":
        size = len(page("/insights/continuity/"))
    elif section in kept_pages:
        size = len(page(kept_pages[section]))
    elif section == "inbox":
        size = len(page("/inbox/"))
    elif section == "matching":
        size = len(page("/connections/matching/"))
    elif section == "continuity_csv":
        size = len(page("/insights/continuity/export.csv"))
    elif section == "outcomes":
        size = len(page("/measures/outcomes/"))
    elif section == "report_page":  # the learning report's page, its default six months
        size = len(page("/reports/"))
    elif section == "report_page_pdf":  # its PDF download, the same period
        size = len(page("/reports/download/?format=pdf"))
    elif section == "scorecard_continuity":  # the continuity panel alone, for the team
        from alongside.learning.scorecard import _continuity_panel

        _continuity_panel(organisation.pk, membership.team_id, start, today)
    elif section.startswith("scorecard_"):
        from alongside.learning.scorecard import scorecard

        team_id = membership.team_id if section == "scorecard_team" else None
        scorecard(organisation.pk, team_id, start, today)
    elif section.startswith("report_"):
        from alongside.reports import content as report

        built = report.ReportContent(organisation=organisation, start=start, end=today)
        since = report._aware(start)
        until = report._aware(today + timedelta(days=1))
        contacts = report.Contact.objects.filter(
            organisation=organisation, at__gte=since, at__lt=until
        )
        name = section.removeprefix("report_")
        if name == "whole":  # every section, as `alongside report` builds it before rendering
            report.build(organisation, start, today)
        elif name == "referrals":
            report.referrals_summary(organisation.pk, start, today)
        elif name == "reach":
            report._reach(built, contacts, since)
        elif name == "continuity":
            report._continuity(built, contacts, since, until)
        elif name == "value":
            report._value(built, contacts)
        else:
            from alongside.learning import queries as learning
            from alongside.learning.scorecard import connection_panel
            from alongside.measures import queries as measures

            functions = {
                "relationship_check": measures.relationship_check_summary,
                "outcomes": measures.outcome_changes,
                "associations": measures.continuity_associations,
                # what the report calls: the three above from one read (decision 0108)
                "outcome_figures": measures.outcome_figures,
                "failure_demand": learning.failure_demand_by_month,
                "needs": learning.needs_summary,
                "discretion": learning.discretion_summary,
                "connection": connection_panel,
            }
            functions[name](organisation.pk, None, start, today)
    else:
        raise SystemExit(f"unknown section {section}")
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "bytes": size}


def _supporter_page(section: str) -> dict[str, Any]:
    """The median of 11 requests, after one warm-up, of the supporter's "My people" or the page
    of the person in their caseload with the number of contacts nearest 50 (bench/growth.py)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from alongside.people.models import Person

    user = get_user_model().objects.get(username="supporter")
    url = "/"
    if section == "person_page":
        caseload = Person.objects.filter(spells__worker=user, spells__ended_on__isnull=True)
        counted = caseload.annotate(n=Count("contacts")).values_list("pk", "n")
        url = f"/people/{min(counted, key=lambda row: (abs(row[1] - 50), row[0]))[0]}/"
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200, url
    walls, cpus = [], []
    for _ in range(11):
        one, one_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append(time.perf_counter() - one)
        cpus.append(time.process_time() - one_cpu)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": sorted(walls)[5], "cpu": sorted(cpus)[5], "peak_mb": peak_mb, "bytes": None}


def measure(tree: Path, section: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--run", section, "--tree", str(tree)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tree)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old", type=Path, help="the code tree to compare with")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", help="comma-separated sections")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _environment()
    if args.run:
        sys.path.insert(0, str(args.tree.resolve()))
        print(json.dumps(run_one(args.run)))
        return 0
    sections = args.only.split(",") if args.only else list(SECTIONS)
    os.environ["ALONGSIDE_VAR_DIR"] = tempfile.mkdtemp(prefix="alongside-bench-")
    measure(ROOT, "collectstatic")  # the manifest production settings need, shared by both
    trees = [("old", args.old), ("new", ROOT)] if args.old else [("new", ROOT)]
    print(
        f"{'section':24} {'old s':>8} {'new s':>8} {'old cpu':>8} {'new cpu':>8} "
        f"{'cpu old/new':>11} {'old MB':>7} {'new MB':>7}  size"
    )
    for section in sections:
        for _ in range(args.repeat):
            found = {name: measure(tree, section) for name, tree in trees}
            old, new = found.get("old", {}), found["new"]
            if "error" in old or "error" in new:
                print(f"{section:24} error: {old.get('error') or new.get('error')}", flush=True)
                continue
            nan = float("nan")
            ratio = old["cpu"] / new["cpu"] if old and new["cpu"] else nan
            sizes = " → ".join(
                f"{r['bytes'] / 1024:.0f} KB" for r in (old, new) if r and r.get("bytes")
            )
            print(
                f"{section:24} {old.get('seconds', nan):8.3f} {new['seconds']:8.3f} "
                f"{old.get('cpu', nan):8.3f} {new['cpu']:8.3f} {ratio:10.1f}× "
                f"{old.get('peak_mb', nan):7.0f} {new['peak_mb']:7.0f}  {sizes}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
