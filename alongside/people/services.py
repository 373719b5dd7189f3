"""Writes to the person record."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import birth_date_problem, date_problem
from alongside.people.matching import (
    Identity,
    name_key,
    normalise_postcode,
    phone_key,
    phone_problem,
)
from alongside.people.models import EqualityMonitoring, Person
from alongside.people.queries import possible_matches

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "languages",
    "access_needs",
    "contact_preference",
    "contact_details",
    "what_matters",
    "team",
    "date_of_birth",
    "age_band",
    "postcode",
    "phone",
    "email",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
)


class PossibleMatch(ValidationError):
    """The person being added may already be on the record: ask "Is this the same person?".

    A ValidationError, so a caller that does not ask the question still refuses in plain words;
    `people` holds the candidates the adding worker may see, strongest first."""

    def __init__(self, people: list[Person]) -> None:
        super().__init__(
            _(
                "Someone with this name may already be on the record. Check whether they are "
                "the same person, or confirm they are someone new."
            ),
            code="possible_match",
        )
        self.people = people


def clean_basics(fields: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """The record basics among `fields`, checked and written one way (postcode "SW1A 1AA", phone
    as typed but trimmed). Raises ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    born = cleaned.get("date_of_birth")
    if born is not None:
        problem = birth_date_problem(born, today=today or timezone.localdate())
        if problem:
            errors["date_of_birth"] = _(problem)
    if cleaned.get("postcode"):
        postcode = normalise_postcode(cleaned["postcode"])
        if postcode is None:
            errors["postcode"] = _("Enter a UK postcode, like SW1A 1AA.")
        else:
            cleaned["postcode"] = postcode
    for field in ("phone", "emergency_contact_phone"):
        if field in cleaned:
            cleaned[field] = " ".join(str(cleaned[field]).split())
            problem = phone_problem(cleaned[field])
            if problem:
                errors[field] = _(problem)
    if "email" in cleaned:
        cleaned["email"] = str(cleaned["email"]).strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def identity_for(given_name: str, family_name: str, fields: dict[str, Any]) -> Identity:
    """What matching knows of a person about to be added (`people.matching`)."""
    return Identity(
        name_key=name_key(given_name, family_name),
        date_of_birth=fields.get("date_of_birth"),
        postcode=fields.get("postcode", ""),
        phone_key=phone_key(fields.get("phone", "")),
    )


def _check_team(team: Team, organisation_id: int) -> None:
    if team.organisation_id != organisation_id:
        raise ValidationError({"team": _("Choose a service in this organisation.")})


def create_person(
    *, by: Membership, team: Team, given_name: str, confirm_new: bool = False, **fields: Any
) -> Person:
    """Add a person to the organisation of `by`, unless they may already be on the record.

    Every path that adds a person comes here, so every one asks: when someone `by` may see may
    be the same person (`people.queries.possible_matches`), raises `PossibleMatch` unless
    `confirm_new` says the worker checked and this is someone new.
    Side effects: one Person, one audit event (`confirmed_new` when a match was set aside).
    """
    _check_team(team, by.organisation_id)
    if not given_name.strip():
        raise ValidationError({"given_name": _("Enter their first name.")})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    fields = clean_basics(fields)
    matches = possible_matches(by, identity_for(given_name, fields.get("family_name", ""), fields))
    if matches and not confirm_new:
        raise PossibleMatch(matches)
    with transaction.atomic():
        person = Person(
            organisation_id=by.organisation_id, team=team, given_name=given_name.strip(), **fields
        )
        person.full_clean()
        person.save()
        record(
            person,
            action=actions.PEOPLE_PERSON_CREATED,
            by=by,
            summary={"possible_matches_set_aside": [p.pk for p in matches]} if matches else None,
        )
    return person


def update_person(person: Person, *, by: Membership, **fields: Any) -> Person:
    """Change a person's record. Side effects: saves the person, one audit event naming changed fields."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if "team" in fields:
        _check_team(fields["team"], person.organisation_id)
    fields = clean_basics(fields)
    changed = sorted(name for name, value in fields.items() if getattr(person, name) != value)
    if not changed:
        return person
    with transaction.atomic():
        for name in changed:
            setattr(person, name, fields[name])
        person.full_clean()
        person.save()
        record(person, action=actions.PEOPLE_PERSON_CHANGED, by=by, summary={"fields": changed})
    return person


def close_involvement(person: Person, *, by: Membership, on: date, reason: str) -> Person:
    """Close the person's involvement: their need is met, in their words. They drop out of
    "My people" lists until reopened. Side effects: saves the person, one audit event."""
    if person.closed_on is not None:
        raise ValidationError(_("Their involvement is already closed."))
    problem = date_problem(on)
    if problem:
        raise ValidationError({"closed_on": _(problem)})
    if on > timezone.localdate():
        raise ValidationError({"closed_on": _("Enter today or a day in the past.")})
    if not reason.strip():
        raise ValidationError({"closed_reason": _("Say why, in their words.")})
    with transaction.atomic():
        person.closed_on = on
        person.closed_reason = reason.strip()
        person.full_clean()
        person.save(update_fields=["closed_on", "closed_reason"])
        record(person, action=actions.PEOPLE_INVOLVEMENT_CLOSED, by=by, summary={"on": str(on)})
    return person


def reopen_involvement(person: Person, *, by: Membership) -> Person:
    """They came back: open their involvement again (the closing stays in the audit).
    Side effects: saves the person, one audit event."""
    if person.closed_on is None:
        raise ValidationError(_("Their involvement is open."))
    with transaction.atomic():
        closed_on = person.closed_on
        person.closed_on = None
        person.closed_reason = ""
        person.save(update_fields=["closed_on", "closed_reason"])
        record(
            person,
            action=actions.PEOPLE_INVOLVEMENT_REOPENED,
            by=by,
            summary={"closed_on": str(closed_on)},
        )
    return person


EQUALITY_FIELDS = ("gender", "ethnicity", "disability", "sexual_orientation", "religion")


def record_equality(person: Person, *, by: Membership, **answers: str) -> EqualityMonitoring:
    """Keep the person's answers to the equality questions (decision 0037). The caller has
    checked `people.record_equality`. Side effects: one EqualityMonitoring saved; one audit event
    naming which questions were answered, never the answers."""
    unknown = set(answers) - set(EQUALITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown equality fields: {sorted(unknown)}")
    with transaction.atomic():
        row = EqualityMonitoring.objects.filter(person=person).first() or EqualityMonitoring(
            organisation_id=person.organisation_id, person=person
        )
        for name, value in answers.items():
            setattr(row, name, value)
        row.recorded_by = by.user
        row.full_clean()
        row.save()
        record(
            row,
            action=actions.PEOPLE_EQUALITY_RECORDED,
            by=by,
            summary={"answered": sorted(name for name in EQUALITY_FIELDS if getattr(row, name))},
        )
    return row
