"""The people part of the REST API: find people and read their shared-sphere record.

Every read starts from the caller's membership through `people.queries`, so a person the caller
may not see is a 404, exactly as on the pages.
"""

from datetime import date
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest
from alongside.access.models import Membership, Team
from alongside.common.keyset import MAX_CURSOR_LENGTH, BadCursor, keyset_around, keyset_page
from alongside.people import services
from alongside.people.models import AgeBand, ContactPreference, Person
from alongside.people.queries import get_person_for_user, people_whose_names_contain
from alongside.relationships.models import NamedWorkerSpell

router = Router(tags=["people"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL; Django's form fields refuse it too.

# Object ids in paths: positive and within a 64-bit key, so bad ids are a 422, never a crash.
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class Pages(PaginationBase):
    """Pages of an API list (decision 0114): by `cursor`, a keyset page (`common.keyset`); by
    `page` number, as before, with its count. Either way the answer names the cursors of the
    pages either side, so a client can walk on from any page."""

    class Input(PaginationBase.Input):
        page: int = Field(
            1,
            ge=1,
            le=MAX_PAGE,
            description="A page by number (reads every row before it: use `cursor` to walk a "
            "long list).",
        )
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
        cursor: str | None = Field(
            None,
            max_length=MAX_CURSOR_LENGTH,
            description="The `next` or `previous` of an earlier answer: the page after (or before) "
            "it, read from where that page ended whatever its depth. Opaque; one made by hand or "
            "for another list is a 400. Not with `page`.",
        )

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(
            description="How many in the whole list; null when asked by `cursor` (counting "
            "every row would cost what the cursor saves)."
        )
        next: str | None = Field(description="The cursor of the next page; null on the last.")
        previous: str | None = Field(
            description="The cursor of the page before; null on the first."
        )

    def __init__(self, *, scope: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scope = scope

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = pagination.page_size or PAGE_SIZE
        try:
            if pagination.cursor:
                if pagination.page != 1:
                    raise HttpError(400, _("Give a page number or a cursor, not both."))
                page = keyset_page(queryset, pagination.cursor, size=size, scope=self.scope)
                count = None
            else:
                start = (pagination.page - 1) * size
                items = list(queryset[start : start + size])
                count = self._items_count(queryset)
                page = keyset_around(queryset, items, scope=self.scope, first=start == 0)
                if start + len(items) >= count:
                    page.next_cursor = None
        except BadCursor as error:
            raise HttpError(400, str(error)) from None
        return {
            "items": page.items,
            "count": count,
            "next": page.next_cursor,
            "previous": page.previous_cursor,
        }


PageInput = Pages.Input


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(description='Where: for example ["body", "payload", "minutes"].')
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


# The answers any endpoint may give besides its own: signed out, not visible, bad input.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class TeamOut(Schema):
    id: int
    name: str


class NamedWorkerOut(Schema):
    id: int
    name: str
    since: date


class PersonSummaryOut(Schema):
    id: int
    display_name: str
    preferred_name: str
    pronouns: str
    team: TeamOut
    named_worker: str | None = Field(description="The named worker's name, if they have one.")

    @staticmethod
    def resolve_named_worker(person: Person) -> str | None:
        spells = person.open_spells  # type: ignore[attr-defined]
        return worker_name(spells[0].worker) if spells else None


class PersonOut(Schema):
    id: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    languages: str
    access_needs: str
    contact_preference: ContactPreference
    contact_details: str
    what_matters: str
    date_of_birth: date | None
    age_band: str
    postcode: str
    phone: str
    email: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relationship: str
    closed_on: date | None = Field(description="When their involvement closed (their need met).")
    closed_reason: str
    team: TeamOut
    named_worker: NamedWorkerOut | None

    @staticmethod
    def resolve_named_worker(person: Person) -> NamedWorkerOut | None:
        spells = person.open_spells  # type: ignore[attr-defined]
        if not spells:
            return None
        spell = spells[0]
        return NamedWorkerOut(
            id=spell.worker_id, name=worker_name(spell.worker), since=spell.started_on
        )


def worker_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def membership_of(request: AuthedHttpRequest) -> Membership:
    """The caller's membership. A signed-in user with none gets 404: nothing is revealed."""
    membership: Membership | None = request.membership
    if membership is None:
        raise Http404
    return membership


def open_spells() -> "Prefetch[Any]":
    """Each person's `open_spells`: the open named-worker spell and its worker (one query)."""
    spells = NamedWorkerSpell.objects.filter(ended_on__isnull=True).select_related("worker")
    return Prefetch("spells", queryset=spells, to_attr="open_spells")


@router.get(
    "/people",
    response={200: list[PersonSummaryOut], 400: ErrorOut, **ERRORS},
    summary="Find people",
)
@paginate(Pages, scope="api.people")
def list_people(
    request: AuthedHttpRequest,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
) -> QuerySet[Person]:
    """The people the caller may see whose names contain every word of `q`."""
    return people_whose_names_contain(membership_of(request), q).prefetch_related(open_spells())


def _text(max_length: int) -> Any:
    return Field("", max_length=max_length, pattern=NO_NUL)


class PersonIn(Schema):
    """A person to add, as the "Add a person" form takes them. Only `given_name` and `team` are
    needed; each other field is optional."""

    given_name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    family_name: str = _text(100)
    team: int = Field(ge=1, le=2**63 - 1, description="The id of their service.")
    preferred_name: str = _text(100)
    pronouns: str = _text(50)
    languages: str = _text(200)
    access_needs: str = _text(2000)
    contact_preference: ContactPreference = ContactPreference.PHONE
    contact_details: str = _text(300)
    what_matters: str = _text(4000)
    date_of_birth: date | None = None
    age_band: AgeBand | None = None
    postcode: str = _text(20)
    phone: str = _text(30)
    email: str = _text(254)
    emergency_contact_name: str = _text(200)
    emergency_contact_phone: str = _text(30)
    emergency_contact_relationship: str = _text(100)
    confirm_new: bool = Field(
        False,
        description="True when you checked the possible matches a 409 named: someone new.",
    )


class PossibleMatchOut(Schema):
    detail: str
    candidates: list[int] = Field(description="Ids of people who may be the same person.")


@router.post(
    "/people",
    response={201: PersonOut, 409: PossibleMatchOut, **ERRORS},
    summary="Add a person",
)
def create_person(request: AuthedHttpRequest, payload: PersonIn) -> Any:
    """Add a person, as the "Add a person" form does. When someone the caller may see may be the
    same person, nothing is added: 409 with their ids, unless `confirm_new` is true."""
    membership = membership_of(request)
    require_rule("people.add_person", membership)
    team = Team.objects.filter(organisation_id=membership.organisation_id, pk=payload.team).first()
    if team is None:
        raise ValidationError({"team": "Choose a service in this organisation."})
    fields = payload.dict(exclude={"team", "given_name", "confirm_new"})
    fields["age_band"] = fields["age_band"] or ""
    try:
        person = services.create_person(
            by=membership,
            team=team,
            given_name=payload.given_name,
            confirm_new=payload.confirm_new,
            **fields,
        )
    except services.PossibleMatch as question:
        return Status(
            409,
            PossibleMatchOut(
                detail=str(question.message), candidates=[p.pk for p in question.people]
            ),
        )
    prefetch_related_objects([person], open_spells())
    return Status(201, person)


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="A person")
def read_person(request: AuthedHttpRequest, person_id: ObjectId) -> Person:
    """The person's shared-sphere record and their named worker."""
    person = get_person_for_user(membership_of(request), person_id)
    prefetch_related_objects([person], open_spells())
    return person
