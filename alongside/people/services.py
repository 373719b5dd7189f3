"""Writes to the person record."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person

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
)


def _check_team(team: Team, organisation_id: int) -> None:
    if team.organisation_id != organisation_id:
        raise ValidationError({"team": _("Choose a service in this organisation.")})


def create_person(*, by: Membership, team: Team, given_name: str, **fields: Any) -> Person:
    """Add a person to the organisation of `by`. Side effects: one Person, one audit event."""
    _check_team(team, by.organisation_id)
    if not given_name.strip():
        raise ValidationError({"given_name": _("Enter their first name.")})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        person = Person(
            organisation_id=by.organisation_id, team=team, given_name=given_name.strip(), **fields
        )
        person.full_clean()
        person.save()
        record(person, action=actions.PEOPLE_PERSON_CREATED, by=by)
    return person


def update_person(person: Person, *, by: Membership, **fields: Any) -> Person:
    """Change a person's record. Side effects: saves the person, one audit event naming changed fields."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if "team" in fields:
        _check_team(fields["team"], person.organisation_id)
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
