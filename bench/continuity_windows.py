"""Time the report's continuity section (2025-12-01..2026-11-30) or
`insights.queries.team_continuity` for the demo's coordinator's team (`team_continuity`) or the
whole organisation (`org_continuity`), in-process, with the code tree in the current directory
imported first (decision 0119's side-by-side runs):

    cd TREE && DATABASE_URL=... python /path/to/bench/continuity_windows.py report_continuity

Prints one JSON line: CPU and wall seconds of the call, peak memory, and the figures made.
"""

import json
import os
import resource
import sys
import time
from datetime import date, timedelta
from typing import Any

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(section: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from alongside.access.models import Membership, Organisation

    user = get_user_model().objects.get(username="coordinator")
    membership = Membership.objects.filter(user=user).first()
    assert membership is not None
    organisation = Organisation.objects.get(pk=membership.organisation_id)
    began, cpu = time.perf_counter(), time.process_time()
    result: list[Any]
    if section == "report_continuity":
        from alongside.relationships.models import Contact
        from alongside.reports import content as report

        start, end = date(2025, 12, 1), date(2026, 11, 30)
        built = report.ReportContent(organisation=organisation, start=start, end=end)
        since, until = report._aware(start), report._aware(end + timedelta(days=1))
        contacts = Contact.objects.filter(organisation=organisation, at__gte=since, at__lt=until)
        report._continuity(built, contacts, since, until)
        result = [[f.label, f.text, f.value] for f in built.continuity]
        result.append([str(point) for point in built.continuity_trend[0].points])
    elif section in ("team_continuity", "org_continuity"):
        # org_continuity: the whole organisation (`?team=all`, a coordinator without a team).
        from alongside.insights.queries import team_continuity

        team = membership.team if section == "team_continuity" else None
        found = team_continuity(team, organisation_id=organisation.pk)
        year = found.year
        result = [found.people, year.people, year.contacts, year.workers, year.person_weighted]
        result += [year.contact_weighted, found.distribution, found.people_without_named_share]
        result += [found.at_risk_count]
        # What the page shows of each quarter (the same in trees before and after 0129).
        result += [
            [q.label, q.summary.people, q.summary.contacts]
            + [q.summary.person_weighted[name] for name in ("named_share", "upc", "coc")]
            for q in found.trend
        ]
    else:
        raise SystemExit(f"unknown section {section}")
    return {
        "section": section,
        "cpu": round(time.process_time() - cpu, 3),
        "wall": round(time.perf_counter() - began, 3),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "result": result,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), default=str))
