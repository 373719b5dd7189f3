"""The people part of the REST API: find people and read their shared-sphere record.

Every read starts from the caller's membership through `people.queries`, so a person the caller
may not see is a 404, exactly as on the pages.
"""

from datetime import date
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from alongside.access.http import AuthedHttpRequest
from alongside.access.models import Membership
from alongside.people.models import ContactPreference, Person
from alongside.people.queries import get_person_for_user, people_whose_names_contain
from alongside.relationships.models import NamedWorkerSpell

router = Router(tags=["people"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL; Django's form fields refuse it too.

# Object ids in paths: positive and within a 64-bit key, so bad ids are a 422, never a crash.
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class PageInput(PageNumberPagination.Input):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class Pages(PageNumberPagination):
    """Ninja's page-number pagination, with bounds so no page asks the database for nonsense."""

    Input = PageInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


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


@router.get("/people", response={200: list[PersonSummaryOut], **ERRORS}, summary="Find people")
@paginate(Pages)
def list_people(
    request: AuthedHttpRequest,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
) -> QuerySet[Person]:
    """The people the caller may see whose names contain every word of `q`."""
    return people_whose_names_contain(membership_of(request), q).prefetch_related(open_spells())


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="A person")
def read_person(request: AuthedHttpRequest, person_id: ObjectId) -> Person:
    """The person's shared-sphere record and their named worker."""
    person = get_person_for_user(membership_of(request), person_id)
    prefetch_related_objects([person], open_spells())
    return person
