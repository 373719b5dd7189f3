"""The relationships part of the REST API: a person's contacts, recording one, and my people.

What people said (`asked_for`, `notes`) comes only through `support.services.read_contact_notes` (visibility + read audit),
naming the caller, and every read of it is audited; otherwise those keys are null.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import StringConstraints, field_validator

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest
from alongside.access.models import Membership
from alongside.common.once import claim_once, replayed_object_id
from alongside.people.api import (
    ERRORS,
    NO_NUL,
    ErrorOut,
    ObjectId,
    PageInput,
    Pages,
    membership_of,
    worker_name,
)
from alongside.people.models import Person
from alongside.people.queries import get_person_for_user
from alongside.relationships import services
from alongside.relationships.forms import worker_queryset
from alongside.relationships.models import Contact, Initiator, Mode
from alongside.relationships.queries import MyPersonRow, Priority, contacts_of, my_people
from alongside.support.models import SupportNote
from alongside.support.services import read_contact_notes

router = Router(tags=["relationships"])

PriorityCode = Literal[
    "follow_up_overdue", "longer_than_usual", "new_worker", "follow_up_soon", "routine"
]
PRIORITY_CODES: dict[int, PriorityCode] = {
    Priority.FOLLOW_UP_OVERDUE: "follow_up_overdue",
    Priority.LONGER_THAN_USUAL: "longer_than_usual",
    Priority.NEW_WORKER: "new_worker",
    Priority.FOLLOW_UP_SOON: "follow_up_soon",
    Priority.ROUTINE: "routine",
}
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Any unique string (a UUID is usual). Sending the same key again answers with the "
            "contact the first request recorded (200), never a second one (docs/decisions/0015)."
        ),
    ),
]
TheirWords = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
Notes = Annotated[str, StringConstraints(max_length=8000, pattern=NO_NUL)]
LateReason = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
WorkerId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ContactOut(Schema):
    id: int
    at: datetime
    mode: Mode
    minutes: int
    initiated_by: Initiator
    worker_id: int
    worker: str
    follow_up_on: date | None
    asked_for: str | None = None
    notes: str | None = None


class ContactPage(Pages.Output):
    items: list[ContactOut]


class ContactIn(Schema):
    at: datetime
    mode: Mode
    minutes: int
    initiated_by: Initiator
    worker: WorkerId | None = Field(None, description="Who led it; you, when not given.")
    also_present: list[WorkerId] = Field([], max_length=20)
    others_present: ShortText = ""
    follow_up_on: date | None = None
    asked_for: TheirWords = ""
    notes: Notes = ""
    late_reason: LateReason = Field(
        "",
        description=(
            "Why the contact is recorded late: needed when `at` is further back than the "
            "organisation's window for late records (14 days unless changed)."
        ),
    )

    @field_validator("at")
    @classmethod
    def local_when_naive(cls, at: datetime) -> datetime:
        """A time without an offset is the organisation's local time, as on the contact form."""
        return timezone.make_aware(at) if timezone.is_naive(at) else at


class ContinuityOut(Schema):
    contacts: int
    workers: int
    upc: float | None
    coc: float | None
    secon: float | None
    mmci: float | None
    hhi: float | None
    named_share: float | None


class MyPersonOut(Schema):
    person_id: int
    name: str
    priority: PriorityCode
    named_worker_since: date
    last_contact_at: datetime | None
    days_since_contact: int | None
    usual_gap_days: int
    follow_up_on: date | None
    continuity: ContinuityOut

    @staticmethod
    def resolve_person_id(row: MyPersonRow) -> int:
        return row.person.pk

    @staticmethod
    def resolve_name(row: MyPersonRow) -> str:
        return row.person.display_name

    @staticmethod
    def resolve_priority(row: MyPersonRow) -> PriorityCode:
        return PRIORITY_CODES[row.priority]

    @staticmethod
    def resolve_named_worker_since(row: MyPersonRow) -> date:
        return row.spell.started_on


def contact_rows(
    request: AuthedHttpRequest, membership: Membership, person: Person, contacts: Sequence[Contact]
) -> list[ContactOut]:
    """The contacts with the words the caller may read (one query); the read is audited."""
    notes = read_contact_notes(
        membership,
        [contact.pk for contact in contacts],
        person_id=person.pk,
        organisation_id=person.organisation_id,
        request_id=request.request_id,
    )
    return [contact_out(contact, notes.get(contact.pk)) for contact in contacts]


def contact_out(contact: Contact, note: SupportNote | None) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        at=contact.at,
        mode=Mode(contact.mode),
        minutes=contact.minutes,
        initiated_by=Initiator(contact.initiated_by),
        worker_id=contact.worker_id,
        worker=worker_name(contact.worker),
        follow_up_on=contact.follow_up_on,
        asked_for=note.asked_for if note else None,
        notes=note.text if note else None,
    )


def workers_named(membership: Membership, payload: ContactIn) -> tuple[User, list[User]]:
    """The lead worker (the caller when not given) and the others there, from this organisation."""
    lead_id = payload.worker or membership.user_id
    found = {
        u.pk: u for u in worker_queryset(membership).filter(pk__in=[lead_id, *payload.also_present])
    }
    if lead_id not in found:
        raise ValidationError({"worker": "Choose a worker who works in this organisation."})
    if any(pk not in found for pk in payload.also_present):
        raise ValidationError({"also_present": "Choose workers who work in this organisation."})
    return found[lead_id], [found[pk] for pk in payload.also_present]


@router.get(
    "/people/{person_id}/contacts",
    response={200: ContactPage, 400: ErrorOut, **ERRORS},
    summary="A person's contacts, newest first",
)
def list_contacts(
    request: AuthedHttpRequest, person_id: ObjectId, pages: Query[PageInput]
) -> dict[str, Any]:
    """`asked_for` and `notes` are null unless the caller may read that contact's words."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    contacts = contacts_of(person).select_related("worker").order_by("-at", "-id")
    page = Pages(scope=f"api.contacts:{person.pk}").paginate_queryset(contacts, pages, request)
    page["items"] = contact_rows(request, membership, person, page["items"])
    return page


@router.post(
    "/people/{person_id}/contacts",
    response={201: ContactOut, 200: ContactOut, 409: ErrorOut, **ERRORS},
    summary="Record a contact",
)
def create_contact(
    request: AuthedHttpRequest,
    person_id: ObjectId,
    payload: ContactIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[ContactOut] | Status[dict[str, str]]:
    """Record a contact, as the contact form does. Bad input is a 422 naming the field.

    With an `Idempotency-Key` already used, nothing new is recorded: the answer is the first
    contact (200), or 409 when the key was used for another person."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.record_contact", membership, person)
    worker, also_present = workers_named(membership, payload)
    with transaction.atomic():
        claim = None
        if idempotency_key is not None:
            claim = claim_once(membership.user_id, idempotency_key)
            if claim is None:
                first_id = replayed_object_id(membership.user_id, idempotency_key)
                first = (
                    contacts_of(person).filter(pk=first_id) if first_id else Contact.objects.none()
                )
                if not first:
                    return Status(
                        409, {"detail": "This Idempotency-Key was used for another request."}
                    )
                return Status(200, contact_rows(request, membership, person, list(first))[0])
        contact = services.record_contact(
            person,
            by=membership,
            at=payload.at,
            worker=worker,
            mode=payload.mode,
            minutes=payload.minutes,
            initiated_by=payload.initiated_by,
            also_present=also_present,
            others_present=payload.others_present,
            follow_up_on=payload.follow_up_on,
            asked_for=payload.asked_for,
            notes=payload.notes,
            late_reason=payload.late_reason,
        )
        if claim is not None:
            claim.object_id = contact.pk
            claim.save(update_fields=["object_id"])
    return Status(201, contact_rows(request, membership, person, [contact])[0])


@router.get("/me/people", response={200: list[MyPersonOut], **ERRORS}, summary="My people")
def list_my_people(request: AuthedHttpRequest) -> list[MyPersonRow]:
    """The people the caller is named worker for, who needs contact first."""
    return my_people(membership_of(request))
