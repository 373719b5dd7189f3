"""Time each section of the 12-month learning report in one process, and the PDF's own peak.

    DATABASE_URL=sqlite:////tmp/large.sqlite3 DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS='*' \
        .venv/bin/python bench/report_sections.py <tree>

`<tree>` is a code tree (this checkout, or `git archive <commit> alongside config templates |
tar -x -C /tmp/base`), put first on the path. Each of `reports.content.build`'s calls is timed
with `time.process_time` in build's order (period 2025-12-01..2026-11-30, the first
organisation), then the HTML and the PDF; before the PDF the process's peak resident size is
reset (`/proc/self/clear_refs`, Linux), so the last lines give rendering's own peak.
"""

import resource
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
import django  # noqa: E402 - after choosing the tree

django.setup()

from alongside.access.models import Organisation  # noqa: E402
from alongside.learning.queries import (  # noqa: E402
    discretion_summary,
    failure_demand_by_month,
    needs_summary,
)
from alongside.learning.scorecard import connection_panel  # noqa: E402
from alongside.measures.queries import outcome_figures  # noqa: E402
from alongside.referrals.queries import referrals_summary  # noqa: E402
from alongside.reports import content as report  # noqa: E402
from alongside.reports import render  # noqa: E402

START, END = date(2025, 12, 1), date(2026, 11, 30)
rows: list[tuple[str, float]] = []


def timed(name: str, function: Callable[[], Any]) -> Any:
    began = time.process_time()
    result = function()
    rows.append((name, time.process_time() - began))
    return result


def status(key: str) -> int:
    return int(Path("/proc/self/status").read_text().split(key + ":")[1].split()[0]) // 1024


def main() -> None:
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    org = organisation.pk
    built = report.ReportContent(organisation=organisation, start=START, end=END)
    since, until = report._aware(START), report._aware(END + timedelta(days=1))
    contacts = report.Contact.objects.filter(organisation=organisation, at__gte=since, at__lt=until)
    timed("reach", lambda: report._reach(built, contacts, since))
    timed("continuity (section + trend)", lambda: report._continuity(built, contacts, since, until))
    timed("value (hours_given, gifts)", lambda: report._value(built, contacts))
    outcomes = timed(
        "outcome_figures (check, outcomes, associations)",
        lambda: outcome_figures(org, None, START, END),
    )
    built.sections = {
        "relationship_check": outcomes.relationship_check,
        "outcomes": outcomes.changes,
        "associations": outcomes.associations,
        "failure_demand": timed(
            "failure demand", lambda: failure_demand_by_month(org, None, START, END)
        ),
        "needs": timed("needs", lambda: needs_summary(org, None, START, END)),
        "discretion": timed("discretion", lambda: discretion_summary(org, None, START, END)),
        "connection": timed("connection panel", lambda: connection_panel(org, None, START, END)),
        "referrals": timed("referrals", lambda: referrals_summary(org, START, END)),
    }
    # Stories and team learning are left out: a few rows.
    timed("render_html (charts drawn)", lambda: render.render_html(built))
    print("before rendering: rss MB", status("VmRSS"), "peak so far MB", status("VmHWM"))
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak
    timed("render_pdf (html, charts, WeasyPrint)", lambda: render.render_pdf(built))
    print("rendering the PDF: peak MB", status("VmHWM"), "rss after MB", status("VmRSS"))
    for name, cpu in rows:
        print(f"{name:48s} {cpu:7.2f}")
    print("peak MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    main()
