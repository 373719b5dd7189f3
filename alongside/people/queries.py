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
from typing import Any, overload

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role, Sphere
from alongside.common.keyset import KeysetPage, keyset_page, position_page
from alongside.common.suppression import shown
from alongside.people.matching import Identity, postcode_district, rank_matches
from alongside.people.models import (
    AgeBand,
    EqualityMonitoring,
    MergeProposal,
    Person,
    PersonMerge,
)
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
from alongside.visibility.roles import may_read_sphere

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


def sees_person(membership: Membership | None, person_id: str = "person_id") -> Exists:
    """Over a row with a key to a person (`person_id`, or the field named): this membership may
    see that person. A correlated EXISTS, one primary-key probe per row the query's own indexes
    found, not `person__in=people_visible_to(...)`: that IN list holds everyone the membership
    sees (the whole organisation for most roles), and SQLite builds it for every query that asks
    (0.2 s on 100,000 people for a supporter's few overdue referrals; issue 17)."""
    return Exists(people_visible_to(membership).filter(pk=OuterRef(person_id)))


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
    return get_object_or_404(
        people_visible_to(membership).select_related("team", "organisation"), pk=person_id
    )


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


BY_NAME = ("given_name", "family_name", "pk")
PEOPLE_SCOPE = "people.person_list"


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

    def page(self, cursor: str | None, size: int) -> KeysetPage[Person]:
        """The page `cursor` names (decision 0114). Everyone by name is a keyset list read from
        the (organisation, given name, family name, id) index, so any page costs what the first
        does; a search's few results ranked in Python are paged by position."""
        if self.rows is not None and self.rows.query.order_by == BY_NAME:
            page = keyset_page(self.rows, cursor, size=size, scope=PEOPLE_SCOPE)
            for person in page:
                person.last_seen = person.seen  # type: ignore[attr-defined]
            return page
        return position_page(self, cursor, size=size, scope=PEOPLE_SCOPE)


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
        return PeopleFound(rows=rows.order_by(*BY_NAME))
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


def possible_matches_many(
    membership: Membership | None, identities: Sequence[Identity], *, up_to_id: int | None = None
) -> list[list[int]]:
    """For each identity, the ids of people this membership may find who may be that person
    (`people.matching`, the same check as `possible_matches`), strongest first: one query for
    the whole batch, for importers. `up_to_id`: only people whose id is at most this (the people
    on the record before an import began)."""
    names = {i.name_key for i in identities if i.name_key}
    phones = {i.phone_key for i in identities if i.phone_key}
    if not names and not phones:
        return [[] for _ in identities]
    found = people_findable_by(membership).filter(
        Q(name_key__in=sorted(names)) | Q(phone_key__in=sorted(phones)), merged_into__isnull=True
    )
    if up_to_id is not None:
        found = found.filter(pk__lte=up_to_id)
    by_name: dict[str, list[tuple[int, Identity]]] = {}
    by_phone: dict[str, list[tuple[int, Identity]]] = {}
    for pk, name, born, postcode, phone in found.order_by().values_list(
        "pk", "name_key", "date_of_birth", "postcode", "phone_key"
    ):
        candidate = (pk, Identity(name, born, postcode, phone))
        by_name.setdefault(name, []).append(candidate)
        if phone:
            by_phone.setdefault(phone, []).append(candidate)
    answers = []
    for identity in identities:
        candidates = dict(by_name.get(identity.name_key, []) if identity.name_key else [])
        if identity.phone_key:
            candidates.update(by_phone.get(identity.phone_key, []))
        answers.append(rank_matches(identity, list(candidates.items()))[:MATCH_LIMIT])
    return answers


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


def _proposals_waiting_for(membership: Membership) -> QuerySet[MergeProposal]:
    """Waiting merges this membership approves (a sphere its role reads, not yet approved) or,
    for a coordinator, proposed (decision 0048)."""
    waiting = MergeProposal.objects.filter(
        organisation_id=membership.organisation_id, status=MergeProposal.Status.WAITING
    )
    mine = Q(pk__in=[])
    if may_read_sphere(membership.role, Sphere.ELIGIBILITY):
        mine |= Q(needs_eligibility=True, eligibility_approved_by__isnull=True)
    if may_read_sphere(membership.role, Sphere.SAFEGUARDING):
        mine |= Q(needs_safeguarding=True, safeguarding_approved_by__isnull=True)
    if membership.role == Role.COORDINATOR:
        mine |= Q(proposed_by_id=membership.user_id)
    return waiting.filter(mine)


def merge_proposals_for(membership: Membership, limit: int = 100) -> list[MergeProposal]:
    """The waiting merges this membership approves or proposed, oldest first (one query)."""
    return list(
        _proposals_waiting_for(membership)
        .select_related("survivor", "merged", "proposed_by")
        .order_by("proposed_at", "pk")[:limit]
    )


def merges_waiting_count(membership: Membership | None) -> int:
    """The navigation's badge beside "Merges to check" (one query)."""
    if membership is None or not membership.is_active:
        return 0
    return _proposals_waiting_for(membership).count()
