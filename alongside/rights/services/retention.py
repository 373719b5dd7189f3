"""Retention: when a person's involvement closes, each sphere of their records is kept for the
organisation's period for it (`RetentionSettings`), then anonymised. The daily check lists what
is due for the data lead (`RetentionReview`) and tells them; nothing is anonymised until they
confirm. A person under a legal hold is never anonymised automatically: the review lists them
with the hold's reason, so the data lead sees why.

Their identity (the shared sphere) goes last: only when every other sphere that holds their
records is due too, so a safeguarding record kept longer still says whom it is about.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Role, Sphere
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import system_rows
from alongside.people.models import Person
from alongside.rights.models import (
    Anonymisation,
    AnonymisationKind,
    LegalHold,
    RetentionReview,
    RetentionSettings,
    ReviewStatus,
)
from alongside.rights.queries import WHY, relation_models, retention_settings, waiting_review
from alongside.rights.services.erasure import SPHERES, anonymise_sphere, sphere_of

MAX_YEARS = 100


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Due:
    person_id: int
    sphere: str
    due_on: date


def _spheres_held(person_ids: list[int]) -> dict[int, set[str]]:
    """For each person (merged records counted as their survivor's), the spheres holding rows:
    one query per kind of record, never one per person."""
    survivor = dict(
        Person.objects.filter(merged_into_id__in=person_ids).values_list("id", "merged_into_id")
    )
    found: dict[int, set[str]] = defaultdict(set)
    every = list(person_ids) + list(survivor)
    for model, field_name in relation_models():
        sphere = sphere_of(model)
        owners = (
            system_rows(model, WHY)
            .filter(**{f"{field_name}_id__in": every})
            .order_by()
            .values_list(f"{field_name}_id", flat=True)
            .distinct()
        )
        for owner in owners:
            found[survivor.get(owner, owner)].add(sphere)
    return found


def due_for(organisation_id: int, today: date) -> tuple[list[Due], list[LegalHold]]:
    """What has passed its retention period on `today`, and the legal holds that keep some of it."""
    settings = retention_settings(organisation_id)
    closed: dict[int, date] = {
        person_id: closed_on
        for person_id, closed_on in Person.objects.filter(
            organisation_id=organisation_id, closed_on__isnull=False, merged_into__isnull=True
        ).values_list("id", "closed_on")
        if closed_on is not None
    }
    if not closed:
        return [], []
    done = set(
        Anonymisation.objects.filter(person_id__in=list(closed)).values_list("person_id", "sphere")
    )
    holds = {
        hold.person_id: hold
        for hold in LegalHold.objects.filter(
            person_id__in=list(closed), lifted_at__isnull=True
        ).select_related("person", "set_by")
    }
    present = _spheres_held(list(closed))
    due: list[Due] = []
    held: list[LegalHold] = []
    for person_id, closed_on in sorted(closed.items()):
        spheres = (present.get(person_id, set()) | {Sphere.SHARED}) - {
            sphere for pid, sphere in done if pid == person_id
        }
        if not spheres:
            continue
        dates = {s: years_after(closed_on, settings.years(s)) for s in spheres}
        # Their identity goes when everything else of theirs does.
        if Sphere.SHARED in dates:
            dates[Sphere.SHARED] = max(dates.values())
        ready = [Due(person_id, s, d) for s, d in dates.items() if d <= today]
        if not ready:
            continue
        if person_id in holds:
            held.append(holds[person_id])
            continue
        due.extend(sorted(ready, key=lambda d: SPHERES.index(d.sphere)))
    return due, held


def _as_items(due: list[Due]) -> list[dict[str, Any]]:
    return [
        {"person": d.person_id, "sphere": d.sphere, "due_on": d.due_on.isoformat()} for d in due
    ]


def check_organisation(organisation: Organisation, today: date) -> RetentionReview | None:
    """The daily check for one organisation: a review of what is due (replacing a waiting one
    that lists something else), and the data leads told in the app, with no names. None when
    nothing is due or the waiting review already lists it."""
    due, held = due_for(organisation.pk, today)
    if not due and not held:
        return None
    items = _as_items(due)
    held_items = [{"person": h.person_id, "hold": h.pk} for h in held]
    waiting = waiting_review(organisation.pk)
    if waiting is not None and waiting.items == items and waiting.held == held_items:
        return None
    with transaction.atomic():
        if waiting is not None:
            waiting.status = ReviewStatus.REPLACED
            waiting.save(update_fields=["status"])
        review = RetentionReview.objects.create(
            organisation=organisation, made_on=today, items=items, held=held_items
        )
        record(
            review,
            action=actions.RIGHTS_RETENTION_CHECKED,
            by=None,
            person_id=None,
            summary={"review": review.pk, "items": len(items), "held": len(held_items)},
        )
        leads = [
            m.user
            for m in Membership.objects.active()
            .filter(organisation=organisation, role=Role.DATA_LEAD)
            .select_related("user")
        ]
        notify(
            leads,
            organisation_id=organisation.pk,
            text=_("Some records have passed their retention period: review them."),
            url=reverse("rights:retention_review", args=[review.pk]),
            email_subject=_("Records to review for retention"),
        )
    return review


def check_all(today: date) -> list[RetentionReview]:
    return [
        review
        for organisation in Organisation.objects.order_by("pk")
        if (review := check_organisation(organisation, today)) is not None
    ]


def confirm_review(review: RetentionReview, *, by: Membership) -> list[Anonymisation]:
    """The data lead confirms: what is still due today (and not held) is anonymised, in one
    transaction. Side effects: one Anonymisation and one audit event per person and sphere; one
    audit event for the review."""
    if review.status != ReviewStatus.WAITING:
        raise ValidationError(_("This review is not waiting: it was confirmed or replaced."))
    still_due, _held = due_for(review.organisation_id, timezone.localdate())
    still = {(d.person_id, d.sphere) for d in still_due}
    people = Person.objects.in_bulk([item["person"] for item in review.items])
    done: list[Anonymisation] = []
    with transaction.atomic():
        for item in review.items:
            person = people.get(item["person"])
            if person is None or (item["person"], item["sphere"]) not in still:
                continue
            made = anonymise_sphere(
                person, item["sphere"], kind=AnonymisationKind.RETENTION, by=by, review=review
            )
            if made is None:
                continue
            done.append(made)
            record(
                person,
                action=actions.RIGHTS_RETENTION_ANONYMISED,
                by=by,
                summary={"sphere": made.sphere, "rows": made.rows, "review": review.pk},
            )
        review.status = ReviewStatus.CONFIRMED
        review.confirmed_by = by.user
        review.confirmed_at = timezone.now()
        review.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record(
            review,
            action=actions.RIGHTS_RETENTION_CONFIRMED,
            by=by,
            person_id=None,
            summary={"review": review.pk, "anonymised": len(done)},
        )
    return done


def change_settings(
    settings: RetentionSettings, *, by: Membership, **years: int
) -> RetentionSettings:
    """Set the organisation's retention periods (whole years, 1 to 100)."""
    errors = {
        name: _("Enter a number of years from 1 to 100.")
        for name, value in years.items()
        if not 1 <= int(value) <= MAX_YEARS
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in years.items():
            setattr(settings, name, int(value))
        settings.save()
        record(
            settings,
            action=actions.RIGHTS_RETENTION_SETTINGS_CHANGED,
            by=by,
            person_id=None,
            summary={name: int(value) for name, value in years.items()},
        )
    return settings
