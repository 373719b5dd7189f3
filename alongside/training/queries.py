"""Reads for training: the check other apps call before letting a member do something
(`unmet_requirements`), a member's own record, the coordinator's lists."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from alongside.access.models import Membership
from alongside.training.models import Completion, Requirement


def day_words(day: date) -> str:
    """3 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def unmet_requirements(membership: Membership, *, activity: str, on: date) -> list[str]:
    """Plain-English reasons this member may not do `activity` on `on` (empty list: they may),
    e.g. ["Safeguarding training ran out on 3 Nov 2026."]. One or two queries, whatever the size.

    What counts is every course required for the activity or for the member's role. A course is
    met by a completion on or before `on` that has not run out by `on` (the expiry day itself is
    still in date)."""
    required = {
        requirement.course_id: requirement.course
        for requirement in Requirement.objects.filter(
            Q(activity=activity) | Q(role=membership.role),
            organisation_id=membership.organisation_id,
        ).select_related("course")
    }
    if not required:
        return []
    latest: dict[int, date] = {}  # course id -> the furthest expiry (date.max: never)
    for course_id, expires_on in Completion.objects.filter(
        membership=membership, course_id__in=required, completed_on__lte=on
    ).values_list("course_id", "expires_on"):
        latest[course_id] = max(latest.get(course_id, date.min), expires_on or date.max)
    reasons = []
    for course_id, course in sorted(required.items(), key=lambda item: item[1].name):
        if course_id not in latest:
            reasons.append(f"{course.name} training is not recorded.")
            continue
        if latest[course_id] < on:
            reasons.append(f"{course.name} training ran out on {day_words(latest[course_id])}.")
    return reasons
