"""Reads of people, with visibility built in: nobody reads a person without naming who is reading.

Search (decision 0038): names are compared folded (`names.fold`: no accents, apostrophes or
case) through the stored `Person.search_key`; the database narrows to candidates with substring
matches (a GIN trigram index on PostgreSQL, a scan of one short column on SQLite), and the
ranking happens here: exact name, then a name that starts with what was typed, then one typo,
then part of a name; ties go to whoever was seen most recently.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import overload

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.names import (
    fold,
    looks_like_phone,
    one_edit_pieces,
    phone_digits,
    postcode_parts,
    typed_date,
    within_one_edit,
)
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.visibility.people import findable_people_q, visible_people_q

# How many name candidates are ranked at most; beyond it the most alike by key come first.
MAX_CANDIDATES = 3000
MAX_WORDS = 5
FUZZY_MIN_LENGTH = 5  # one typo in a shorter word matches too many names to help


def people_visible_to(membership: Membership | None) -> QuerySet[Person]:
    """The people whose shared-sphere record this membership may see. Never crosses organisations."""
    allowed = visible_people_q(membership)
    if allowed is None:
        return Person.objects.none()
    return Person.objects.filter(allowed)


def people_findable_by(membership: Membership | None) -> QuerySet[Person]:
    """The people this membership may find by search: those it sees, and for a data lead (who
    answers subject access requests and tidies records) everyone in the organisation, shown by
    identity only. Decision 0038."""
    allowed = findable_people_q(membership)
    if allowed is None:
        return Person.objects.none()
    return Person.objects.filter(allowed)


def get_person_for_user(membership: Membership | None, person_id: int) -> Person:
    """The person, or Http404 when they do not exist or this membership may not see them."""
    return get_object_or_404(people_visible_to(membership).select_related("team"), pk=person_id)


def people_whose_names_contain(membership: Membership | None, text: str) -> QuerySet[Person]:
    """People whose names contain every word of `text` (folded: accents, apostrophes and case
    ignored), among those the membership may see, by name. For the API's plain listing."""
    people = people_visible_to(membership).select_related("team")
    for word in fold(text).split()[:MAX_WORDS]:
        people = people.filter(search_key__contains=word)
    return people.order_by("given_name", "family_name", "id")


# --- search -------------------------------------------------------------------------------------


class Seen:
    """The last-seen filter's choices: when the person last had a contact."""

    WITHIN_4_WEEKS = "4w"
    WITHIN_3_MONTHS = "3m"
    NOT_FOR_3_MONTHS = "over3m"
    NEVER = "never"


class Status:
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Filters:
    worker_id: int | None = None  # their named worker now
    team_id: int | None = None  # their service
    seen: str = ""  # a `Seen` value
    status: str = ""  # a `Status` value; "" for everyone

    def apply(self, people: QuerySet[Person], organisation_id: int) -> QuerySet[Person]:
        if self.worker_id is not None:
            named = NamedWorkerSpell.objects.filter(
                worker_id=self.worker_id, ended_on__isnull=True
            ).values("person_id")
            people = people.filter(pk__in=named)
        if self.team_id is not None:
            people = people.filter(team_id=self.team_id)
        if self.status == Status.OPEN:
            people = people.filter(closed_on__isnull=True)
        elif self.status == Status.CLOSED:
            people = people.filter(closed_on__isnull=False)
        if self.seen:
            days = {Seen.WITHIN_4_WEEKS: 28, Seen.WITHIN_3_MONTHS: 91}.get(self.seen, 91)
            since = timezone.now() - timedelta(days=days)
            # Per person, on the contacts' (person, at) index: cheaper than collecting the ids
            # of everyone seen lately when that is most of the organisation.
            ever = Exists(Contact.objects.filter(person_id=OuterRef("pk")))
            recent = Exists(Contact.objects.filter(person_id=OuterRef("pk"), at__gte=since))
            if self.seen in (Seen.WITHIN_4_WEEKS, Seen.WITHIN_3_MONTHS):
                people = people.filter(recent)
            elif self.seen == Seen.NOT_FOR_3_MONTHS:
                people = people.filter(ever).exclude(recent)
            elif self.seen == Seen.NEVER:
                people = people.exclude(ever)
        return people


class Match:
    """How well a name matched, best first (the first sort key of the results)."""

    EXACT = 0
    PREFIX = 1
    TYPO = 2
    PART = 3


@dataclass(frozen=True, slots=True)
class Query:
    """What was typed, read as one kind of search."""

    words: tuple[str, ...] = ()
    phone: str = ""
    postcode: str = ""  # a full postcode with one space
    district: str = ""  # a postcode district alone ("LS6")
    born_on: date | None = None

    @classmethod
    def read(cls, text: str) -> "Query":
        text = text.strip()
        if not text:
            return cls()
        born_on = typed_date(text)
        if born_on is not None:
            return cls(born_on=born_on)
        if looks_like_phone(text):
            return cls(phone=phone_digits(text))
        parts = postcode_parts(text)
        if parts is not None:
            district, full = parts
            return cls(postcode=full) if full else cls(district=district)
        return cls(words=tuple(fold(text).split()[:MAX_WORDS]))

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phone or self.postcode or self.district or self.born_on)


def _last_seen() -> Subquery:
    latest = Contact.objects.filter(person_id=OuterRef("pk")).order_by("-at").values("at")[:1]
    return Subquery(latest)


def _word_match(word: str, tokens: list[str]) -> int | None:
    best: int | None = None
    for token in tokens:
        if token == word:
            return Match.EXACT
        if token.startswith(word):
            kind = Match.PREFIX
        elif len(word) >= FUZZY_MIN_LENGTH and within_one_edit(word, token):
            kind = Match.TYPO
        elif word in token:
            kind = Match.PART
        else:
            continue
        best = kind if best is None else min(best, kind)
    return best


def name_match(words: Sequence[str], key: str) -> int | None:
    """How well every word of a search matches a person's folded names (None: it does not)."""
    tokens = key.split()
    worst = Match.EXACT
    for word in words:
        kind = _word_match(word, tokens)
        if kind is None:
            return None
        worst = max(worst, kind)
    return worst


def _candidates_q(words: Sequence[str]) -> Q:
    q = Q()
    for word in words:
        either = Q(search_key__contains=word)
        if len(word) >= FUZZY_MIN_LENGTH:
            left, right = one_edit_pieces(word)
            either |= Q(search_key__contains=left) | Q(search_key__contains=right)
        q &= either
    return q


class PeopleFound(Sequence[Person]):
    """Search results in order. Ranked by name, they are ids and a slice reads its people in one
    query; otherwise a query set, sliced by the database. Either way a Paginator's page costs
    at most two queries, whatever the number found."""

    def __init__(
        self,
        ids: list[int] | None = None,
        last_seen: dict[int, datetime | None] | None = None,
        rows: QuerySet[Person] | None = None,
    ) -> None:
        self.ids = ids if ids is not None else []
        self.last_seen = last_seen or {}
        self.rows = rows
        self._count: int | None = None

    def __len__(self) -> int:
        return self.count()

    def count(self, value: object = None) -> int:  # Paginator calls count() with no argument
        if self.rows is None:
            return len(self.ids)
        if self._count is None:
            self._count = self.rows.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> Person: ...
    @overload
    def __getitem__(self, index: slice) -> list[Person]: ...
    def __getitem__(self, index: int | slice) -> Person | list[Person]:
        if isinstance(index, int):
            if index < 0:
                index += len(self)
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        if self.rows is not None:
            people = list(self.rows[index])
            for person in people:
                person.last_seen = person.seen  # type: ignore[attr-defined]
            return people
        ids = self.ids[index]
        by_id = Person.objects.select_related("team").in_bulk(ids)
        people = [by_id[pk] for pk in ids if pk in by_id]
        for person in people:
            person.last_seen = self.last_seen.get(person.pk)  # type: ignore[attr-defined]
        return people

    def __iter__(self) -> Iterator[Person]:
        return iter(self[:])


def search_people(
    membership: Membership | None,
    text: str,
    filters: Filters | None = None,
    *,
    within: QuerySet[Person] | None = None,
) -> PeopleFound:
    """The people this membership may find that match `text` (a name, a phone number, a postcode
    or district, a date of birth) and the filters, best match first. Two queries at most.

    `within` narrows to the people a form may accept (a picker offers only those); it must
    already be limited to people the membership may see."""
    people = people_findable_by(membership) if within is None else within
    if membership is None or people.query.is_empty():
        return PeopleFound()
    people = (filters or Filters()).apply(people, membership.organisation_id)
    query = Query.read(text)
    if query.words:
        return _rank_by_name(people, query.words)
    if query.phone:
        if len(query.phone) >= 10:
            people = people.filter(phone_digits=query.phone)
        else:  # the last digits of a number
            people = people.filter(phone_digits__endswith=query.phone)
    elif query.postcode:
        people = people.filter(postcode_key=query.postcode)
    elif query.district:
        people = people.filter(postcode_key__startswith=f"{query.district} ")
    elif query.born_on:
        people = people.filter(date_of_birth=query.born_on)
    rows = people.select_related("team").annotate(seen=_last_seen())
    if query.is_empty:  # everyone (filtered), by name
        return PeopleFound(rows=rows.order_by("given_name", "family_name", "pk"))
    # A phone number, postcode or birthday: few people; whoever was seen last first.
    order = (F("seen").desc(nulls_last=True), "given_name", "family_name", "pk")
    return PeopleFound(rows=rows.order_by(*order))


def _rank_by_name(people: QuerySet[Person], words: tuple[str, ...]) -> PeopleFound:
    rows = (
        people.filter(_candidates_q(words))
        .annotate(seen=_last_seen())
        .order_by("search_key", "pk")
        .values_list("pk", "search_key", "seen")[:MAX_CANDIDATES]
    )
    ranked: list[tuple[int, float, str, int]] = []
    seen: dict[int, datetime | None] = {}
    for pk, key, last in rows:
        kind = name_match(words, key)
        if kind is None:
            continue
        seen[pk] = last
        ranked.append((kind, -last.timestamp() if last else float("inf"), key, pk))
    ranked.sort()
    return PeopleFound([row[3] for row in ranked], seen)
