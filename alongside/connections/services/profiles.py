"""Writes for what people share: a person's and a volunteer's connections profile, what a group is
about, and the organisation's lists of interests and neighbourhoods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.audit import actions
from alongside.audit.services import record
from alongside.connections import queries
from alongside.connections.models import (
    SLOTS,
    Interest,
    LivedExperience,
    Locality,
    PersonProfile,
    SpaceProfile,
    VolunteerGender,
    VolunteerPreference,
    VolunteerProfile,
)
from alongside.people.models import Person
from alongside.visibility.roles import WORKER_ROLES

SLOT_CODES = frozenset(code for code, _ in SLOTS)
LIVED_CODES = frozenset(str(c.value) for c in LivedExperience)
MAX_WORDS = 2000


def _check_slots(slots: Iterable[str], field: str) -> list[str]:
    chosen = sorted(set(slots))
    if any(slot not in SLOT_CODES for slot in chosen):
        raise ValidationError({field: _("Choose times from the list.")})
    return chosen


def _org_items(model: type[Any], organisation_id: int, ids: Iterable[int], field: str) -> list[Any]:
    wanted = set(ids)
    found = list(model.objects.filter(organisation_id=organisation_id, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: _("Choose from your organisation's list.")})
    return found


# Profiles -------------------------------------------------------------------------------------


def save_person_profile(
    person: Person,
    *,
    by: Membership,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    availability: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    lived_experience_consent: bool = False,
    open_to_introductions: bool = True,
    wants_volunteer: bool = False,
    volunteer_preference: str = "",
    not_from_my_area: bool = False,
    excluded_people_ids: Iterable[int] = (),
    excluded_volunteer_ids: Iterable[int] = (),
    in_their_words: str = "",
    request_id: str = "",
) -> PersonProfile:
    """Record what the person is happy to share for connections (all of it replaced).

    Lived experience needs the person's agreement: without it, none may be recorded.
    Side effects: the profile, one `connections.profile.saved` audit event (field names only).
    """
    if not queries.may_edit_profile(by, person):
        raise ValidationError(_("You cannot change this person's connections profile."))
    lived = sorted(set(lived_experience))
    errors: dict[str, str] = {}
    if any(code not in LIVED_CODES for code in lived):
        errors["lived_experience"] = "Choose from the list."
    elif lived and not lived_experience_consent:
        errors["lived_experience_consent"] = (
            "Only record lived experience when they agree to it being used to find people "
            "they have something in common with."
        )
    if volunteer_preference not in VolunteerPreference.values:
        errors["volunteer_preference"] = "Choose from the list."
    if len(in_their_words) > MAX_WORDS:
        errors["in_their_words"] = f"At most {MAX_WORDS} characters."
    if errors:
        raise ValidationError(errors)
    slots = _check_slots(availability, "availability")
    interests = _org_items(Interest, person.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, person.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    excluded_people = list(
        Person.objects.filter(
            organisation_id=person.organisation_id, pk__in=set(excluded_people_ids)
        ).exclude(pk=person.pk)
    )
    if len(excluded_people) != len(set(excluded_people_ids) - {person.pk}):
        raise ValidationError({"excluded_people": _("Choose people from your organisation.")})
    excluded_volunteers = list(
        User.objects.filter(
            memberships__organisation_id=person.organisation_id,
            pk__in=set(excluded_volunteer_ids),
        ).distinct()
    )
    if len(excluded_volunteers) != len(set(excluded_volunteer_ids)):
        raise ValidationError({"excluded_volunteers": _("Choose workers from your organisation.")})
    with transaction.atomic():
        profile: PersonProfile | None = (
            PersonProfile.objects.for_system("saving a profile the writer may change")
            .select_for_update()
            .filter(person_id=person.pk)
            .first()
        )
        created = profile is None
        if profile is None:
            profile = PersonProfile(
                organisation_id=person.organisation_id, person=person, author_id=by.user_id
            )
        profile.locality = locality
        profile.availability = slots
        profile.lived_experience = lived if lived_experience_consent else []
        profile.lived_experience_consent = lived_experience_consent
        profile.open_to_introductions = open_to_introductions
        profile.wants_volunteer = wants_volunteer
        profile.volunteer_preference = volunteer_preference
        profile.not_from_my_area = not_from_my_area
        profile.in_their_words = in_their_words.strip()
        profile.save()
        profile.interests.set(interests)
        profile.excluded_people.set(excluded_people)
        profile.excluded_volunteers.set(excluded_volunteers)
        record(
            profile,
            action=actions.CONNECTIONS_PROFILE_SAVED,
            by=by,
            summary={
                "created": created,
                "interests": len(interests),
                "slots": len(slots),
                "lived_experience_consent": lived_experience_consent,
                "exclusions": len(excluded_people) + len(excluded_volunteers),
            },
            request_id=request_id,
        )
    return profile


def save_volunteer_profile(
    volunteer: Membership,
    *,
    by: Membership,
    capacity: int,
    available_for_matching: bool = True,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    availability: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    lived_experience_consent: bool = False,
    gender: str = "",
    request_id: str = "",
) -> VolunteerProfile:
    """The volunteer (or their coordinator) records capacity and what they share.

    Only a coordinator may mark a volunteer not available for matching against their wish; the
    volunteer may always step back themselves. Side effects: one `connections.volunteer.saved`."""
    if not queries.may_manage_volunteer(by, volunteer):
        raise ValidationError(_("You cannot change this volunteer's details."))
    lived = sorted(set(lived_experience))
    errors: dict[str, str] = {}
    if not 0 <= capacity <= 20:
        errors["capacity"] = "Between 0 and 20 people."
    if any(code not in LIVED_CODES for code in lived):
        errors["lived_experience"] = "Choose from the list."
    elif lived and not lived_experience_consent:
        errors["lived_experience_consent"] = "Only with their agreement."
    if gender not in VolunteerGender.values:
        errors["gender"] = "Choose from the list."
    if errors:
        raise ValidationError(errors)
    slots = _check_slots(availability, "availability")
    interests = _org_items(Interest, volunteer.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, volunteer.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    with transaction.atomic():
        profile, created = VolunteerProfile.objects.select_for_update().get_or_create(
            membership=volunteer, defaults={"organisation_id": volunteer.organisation_id}
        )
        profile.capacity = capacity
        profile.available_for_matching = available_for_matching
        profile.locality = locality
        profile.availability = slots
        if not profile.lived_experience_tell:  # the volunteer's own page keeps what they tell
            profile.lived_experience = lived if lived_experience_consent else []
        elif lived_experience_consent:
            profile.lived_experience = lived
        if profile.lived_experience_consent != lived_experience_consent:
            profile.lived_experience_consent_on = timezone.localdate()
        profile.lived_experience_consent = lived_experience_consent
        profile.gender = gender
        profile.save()
        profile.interests.set(interests)
        record(
            profile,
            action=actions.CONNECTIONS_VOLUNTEER_SAVED,
            by=by,
            summary={
                "membership": volunteer.pk,
                "created": created,
                "capacity": capacity,
                "available_for_matching": available_for_matching,
            },
            request_id=request_id,
        )
    return profile


def save_space_profile(
    space: Any,
    *,
    by: Membership,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    times: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    request_id: str = "",
) -> SpaceProfile:
    """What a group is about, where and when (for suggesting it). Coordinators or its host."""
    if not may_describe_space(by, space):
        raise ValidationError(_("You cannot describe this group."))
    lived = sorted(set(lived_experience))
    if any(code not in LIVED_CODES for code in lived):
        raise ValidationError({"lived_experience": _("Choose from the list.")})
    slots = _check_slots(times, "times")
    interests = _org_items(Interest, space.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, space.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    with transaction.atomic():
        profile, _created = SpaceProfile.objects.select_for_update().get_or_create(space=space)
        profile.locality = locality
        profile.times = slots
        profile.lived_experience = lived
        profile.save()
        profile.interests.set(interests)
        record(
            profile,
            action=actions.CONNECTIONS_SPACE_DESCRIBED,
            by=by,
            summary={"space": space.pk, "interests": len(interests), "times": len(slots)},
            organisation_id=space.organisation_id,
            request_id=request_id,
        )
    return profile


def may_describe_space(membership: Membership | None, space: Any) -> bool:
    if membership is None or not membership.is_active:
        return False
    if space.organisation_id != membership.organisation_id:
        return False
    return membership.role == Role.COORDINATOR or (
        membership.role in WORKER_ROLES and space.host_id == membership.user_id
    )


def add_to_list(*, by: Membership, kind: str, name: str, request_id: str = "") -> Any:
    """A coordinator adds an interest or a neighbourhood to the organisation's list."""
    if by.role != Role.COORDINATOR:
        raise ValidationError(_("Only a coordinator can change the lists."))
    model: Any = {"interest": Interest, "locality": Locality}.get(kind)
    name = " ".join(name.split())
    if model is None:
        raise ValidationError({"kind": _("Choose interests or neighbourhoods.")})
    if not 2 <= len(name) <= 60:
        raise ValidationError({"name": _("Between 2 and 60 characters.")})
    if model.objects.filter(organisation_id=by.organisation_id, name__iexact=name).exists():
        raise ValidationError({"name": _("That is already on the list.")})
    with transaction.atomic():
        item = model.objects.create(organisation_id=by.organisation_id, name=name)
        record(
            item,
            action=actions.CONNECTIONS_LIST_ADDED,
            by=by,
            summary={"kind": kind, "id": item.pk},
            request_id=request_id,
        )
    return item


# Introductions --------------------------------------------------------------------------------
