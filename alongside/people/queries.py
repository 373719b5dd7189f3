"""Reads of people, with visibility built in: nobody reads a person without naming who is reading."""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.common.suppression import shown
from alongside.people.matching import Identity, postcode_district, rank_matches
from alongside.people.models import AgeBand, EqualityMonitoring, Person, PersonMerge
from alongside.visibility.people import visible_people_q


def people_visible_to(membership: Membership | None) -> QuerySet[Person]:
    """The people whose shared-sphere record this membership may see. Never crosses organisations."""
    allowed = visible_people_q(membership)
    if allowed is None:
        return Person.objects.none()
    return Person.objects.filter(allowed)


def get_person_for_user(membership: Membership | None, person_id: int) -> Person:
    """The person, or Http404 when they do not exist or this membership may not see them."""
    return get_object_or_404(people_visible_to(membership).select_related("team"), pk=person_id)


def search_people(membership: Membership | None, text: str) -> QuerySet[Person]:
    """People whose names contain every word of `text`, among those the membership may see."""
    people = people_visible_to(membership).select_related("team")
    for word in text.split()[:5]:
        people = people.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return people.order_by("given_name", "family_name", "id")


def possible_matches(
    membership: Membership | None, identity: Identity, *, exclude_id: int | None = None
) -> list[Person]:
    """People this membership may see who may be the person described (`people.matching`),
    strongest first; one indexed query. Only the people the viewer may see are asked about, so
    the question never reveals someone they could not find themselves."""
    if not identity.name_key and not identity.phone_key:
        return []
    same = Q(pk__in=[])
    if identity.name_key:
        same |= Q(name_key=identity.name_key)
    if identity.phone_key:
        same |= Q(phone_key=identity.phone_key)
    found = people_visible_to(membership).filter(same).select_related("team")
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    by_id = {person.pk: person for person in found[:MATCH_LIMIT]}
    ranked = rank_matches(identity, [(pk, identity_of(p)) for pk, p in by_id.items()])
    return [by_id[pk] for pk in ranked]


MATCH_LIMIT = 20


def identity_of(person: Person) -> Identity:
    return Identity(
        name_key=person.name_key,
        date_of_birth=person.date_of_birth,
        postcode=person.postcode,
        phone_key=person.phone_key,
    )


def second_identifier(person: Person, *, with_service: bool = True) -> str:
    """Words that tell two people of the same name apart, from their shared record only (what
    anyone who may see the person sees): year of birth or age band, postcode district, the last
    three digits of their phone, their service. For pickers and the possible-match question."""
    parts: list[str] = []
    if person.date_of_birth is not None:
        parts.append(_("born %(year)s") % {"year": person.date_of_birth.year})
    elif person.age_band and person.age_band != AgeBand.PREFER_NOT:
        parts.append(_("aged %(band)s") % {"band": AgeBand(person.age_band).label.lower()})
    if person.postcode:
        parts.append(postcode_district(person.postcode))
    if len(person.phone_key) >= 3:
        parts.append(_("phone ending %(digits)s") % {"digits": person.phone_key[-3:]})
    if with_service:
        parts.append(person.team.name)
    return " · ".join(parts)


def merged_survivor_id(membership: Membership | None, person_id: int) -> int | None:
    """The record a merged-away person now lives on, if the membership may see it."""
    merged = (
        Person.objects.filter(pk=person_id, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    if merged is None or not people_visible_to(membership).filter(pk=merged).exists():
        return None
    return merged


def merged_ids(person: Person) -> list[int]:
    """The ids of the records merged into this person (their audit events are this person's)."""
    return list(
        Person.objects.filter(
            merged_into=person, organisation_id=person.organisation_id
        ).values_list("pk", flat=True)
    )


def merges_in(membership: Membership, limit: int = 200) -> list[PersonMerge]:
    """The organisation's merges, newest first (one query), for the data lead's review."""
    return list(
        PersonMerge.objects.filter(organisation_id=membership.organisation_id)
        .select_related("survivor", "merged", "merged_by")
        .order_by("-merged_at", "-id")[:limit]
    )


def equality_of(person: Person) -> EqualityMonitoring | None:
    """The person's equality answers: only for a caller that checked `people.record_equality`."""
    return EqualityMonitoring.objects.filter(person=person).first()


@dataclass(frozen=True)
class EqualityTotal:
    question: str
    rows: list[tuple[str, str]]  # (answer, count as shown: "fewer than 5" for small numbers)


def equality_totals(membership: Membership) -> list[EqualityTotal]:
    """How many people gave each answer, for the organisation: counts under 5 are never shown
    (`common.suppression`). The age band comes from the person record. Six queries."""
    people = Person.objects.filter(
        organisation_id=membership.organisation_id, merged_into__isnull=True
    )
    answers = EqualityMonitoring.objects.filter(
        organisation_id=membership.organisation_id, person__merged_into__isnull=True
    )
    totals = []
    questions: list[tuple[str, QuerySet[Any], str, Any]] = [
        (str(_("Age band")), people, "age_band", AgeBand),
    ]
    for name in ("gender", "ethnicity", "disability", "sexual_orientation", "religion"):
        field = EqualityMonitoring._meta.get_field(name)
        assert isinstance(field, models.CharField)
        questions.append((str(field.verbose_name), answers, name, field))
    for question, rows, name, labels in questions:
        grouped = rows.order_by().values(name).annotate(n=Count("pk"))
        counts = {row[name]: row["n"] for row in grouped}
        choices = labels.choices if hasattr(labels, "choices") else []
        shown_rows = [(str(label), shown(counts.get(value, 0))) for value, label in choices]
        shown_rows.append((str(_("Not asked")), shown(counts.get("", 0))))
        totals.append(EqualityTotal(question, shown_rows))
    return totals
