"""Reads for a person's rights: their complete record (every sphere, read by trusted code for a
subject access request, never shown to anyone but the data lead), what in it may be withheld,
and the data lead's lists.

The record is found from the models themselves (every foreign key to `Person`, as merging finds
them, and one level of rows hanging off those, such as revisions and a concern's actions), so a
model added later is in the answer without a change here.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Sphere
from alongside.audit.queries import AccessLine, access_log
from alongside.common.spheres import SphereManager, system_rows
from alongside.people.models import Person
from alongside.people.names import fold
from alongside.people.queries import people_findable_by
from alongside.rights.models import (
    LegalHold,
    RequestStatus,
    RetentionReview,
    RetentionSettings,
    ReviewStatus,
    SubjectAccessRequest,
)

WHY = "a person's rights: subject access, erasure and retention"

# Never part of an answer: search keys, one-time link hashes and the organisation (it is the
# letterhead). Nothing here is the person's information; each is derived or a secret.
HIDDEN_FIELDS = frozenset(
    {"organisation", "token_hash", "code_key", "name_key", "phone_key", "search_key",
     "phone_digits", "postcode_key"}
)  # fmt: skip
# The rights app's own rows are the organisation's decisions about the record, listed apart.
OWN_APP = "rights"


@dataclass(frozen=True, slots=True)
class Value:
    name: str
    label: str
    value: Any

    @property
    def text(self) -> str:
        """The value as a person reads it on the review page."""
        value = self.value
        if isinstance(value, datetime):
            return f"{timezone.localtime(value):%-d %b %Y, %H:%M}"
        if isinstance(value, date):
            return f"{value:%-d %b %Y}"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)


@dataclass
class Item:
    """One row of the person's record: its key ("<app>.<model>:<id>"), kind and fields."""

    key: str
    title: str
    sphere: str
    fields: list[Value]
    texts: list[str] = field(default_factory=list)  # free text, for the third-party check
    others: set[int] = field(default_factory=set)  # other people it names by reference
    other_side: bool = False  # another person's answer (an introduction's other side)


@dataclass
class Flag:
    """Something the reviewer may withhold: the item and why it is listed."""

    item: Item
    kind: str  # "third_party" or "safeguarding"
    why: str
    names: list[str] = field(default_factory=list)  # other people named in its words


@dataclass
class PersonRecord:
    person: Person
    person_ids: list[int]
    items: list[Item]
    who_saw: list[AccessLine]
    flags: list[Flag]

    def sections(self) -> list[tuple[str, str, list[Item]]]:
        """(title, sphere, items) in the order the answer gives them."""
        order = {Sphere.SHARED: 0, "equality": 1, Sphere.SUPPORT: 2, Sphere.ELIGIBILITY: 3,
                 Sphere.SAFEGUARDING: 4}  # fmt: skip
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.title, []).append(item)
        return sorted(
            ((title, items[0].sphere, items) for title, items in grouped.items()),
            key=lambda s: (order.get(s[1], 9), s[0] != _("Your details"), s[0]),
        )


def person_for_rights(membership: Membership, person_id: int) -> Person:
    """The person, for the data lead (everyone in the organisation, by identity): else 404."""
    return get_object_or_404(people_findable_by(membership).select_related("team"), pk=person_id)


def same_person_ids(person: Person) -> list[int]:
    """The person and every record merged into them (and into those): one person's rows."""
    found = [person.pk]
    frontier = [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into_id__in=frontier).values_list("id", flat=True)
        )
        found.extend(frontier)
    return found


def relation_models() -> list[tuple[type[models.Model], str]]:
    """(model, field) for every foreign key to `Person` that holds a person's own rows: not the
    audit log (append-only history), not the rights app's own rows, not many-to-many tables."""
    found = [
        (model, model_field.name)
        for model in apps.get_models()
        if model is not Person and model._meta.app_label not in ("audit", OWN_APP)
        for model_field in model._meta.concrete_fields
        if model_field.is_relation and model_field.related_model is Person
    ]
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1]))


def child_models() -> list[tuple[type[models.Model], str, type[models.Model]]]:
    """(model, field, parent) for rows hanging off a person's rows that do not name the person
    themselves: revisions, a concern's actions."""
    parents = {model for model, _ in relation_models()}
    found = []
    for model in apps.get_models():
        if model in parents or model is Person or model._meta.app_label in ("audit", OWN_APP):
            continue
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model in parents:
                found.append((model, model_field.name, model_field.related_model))
    return found


def rows_of(person_ids: list[int]) -> Iterator[tuple[type[models.Model], list[Any]]]:
    """Every row of the person's (model, rows), children after their parents. Trusted reads."""
    seen: dict[type[models.Model], list[int]] = {}
    for model, field_name in relation_models():
        rows = list(
            system_rows(model, WHY).filter(**{f"{field_name}_id__in": person_ids}).order_by("pk")
        )
        seen.setdefault(model, []).extend(row.pk for row in rows)
        if rows:
            yield model, rows
    for model, field_name, parent in child_models():
        parent_ids = seen.get(parent, [])
        if not parent_ids:
            continue
        rows = list(
            system_rows(model, WHY).filter(**{f"{field_name}_id__in": parent_ids}).order_by("pk")
        )
        if rows:
            yield model, rows


def erasable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields that hold words, names or contact details: text without fixed choices."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.is_relation
        and not f.primary_key
    ]


class _Names:
    """Labels for what a row points at, each looked up once."""

    def __init__(self, person_ids: list[int]) -> None:
        self.person_ids = set(person_ids)
        self.cache: dict[tuple[type[models.Model], Any], str] = {}

    def describe(self, model: type[models.Model], pk: Any) -> str:
        key = (model, pk)
        if key not in self.cache:
            self.cache[key] = self._describe(model, pk)
        return self.cache[key]

    def _describe(self, model: type[models.Model], pk: Any) -> str:
        if model is get_user_model():
            user = model._default_manager.filter(pk=pk).first()
            return (user.get_full_name() or user.get_username()) if user else ""
        if model is Person:
            if pk in self.person_ids:
                return _("you")
            other = Person.objects.filter(pk=pk).first()
            return other.display_name if other else ""
        label = str(model._meta.verbose_name)
        if isinstance(model._default_manager, SphereManager):
            return f"{label} {pk}"
        row = model._default_manager.filter(pk=pk).first()
        return str(row) if row is not None else f"{label} {pk}"


def _item(row: Any, names: _Names, *, title: str | None = None) -> Item:
    model = type(row)
    values: list[Value] = []
    texts: list[str] = []
    others: set[int] = set()
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in HIDDEN_FIELDS:
            continue
        raw = getattr(row, model_field.attname)
        if raw in (None, "", [], {}):
            continue
        label = str(getattr(model_field, "verbose_name", model_field.name))
        if model_field.is_relation and model_field.related_model is not None:
            if model_field.related_model is Person and model is not Person:
                if raw in names.person_ids:
                    continue  # whose row it is: the answer is all theirs
                others.add(raw)
            shown: Any = names.describe(model_field.related_model, raw)
        elif getattr(model_field, "choices", None):
            shown = str(dict(model_field.flatchoices).get(raw, raw))
        else:
            shown = raw
            if isinstance(raw, str) and model_field in erasable_fields(model):
                texts.append(raw)
        values.append(Value(model_field.name, label, shown))
    return Item(
        key=f"{model._meta.label_lower}:{row.pk}",
        title=title or str(model._meta.verbose_name_plural).capitalize(),
        sphere=str(getattr(model, "SPHERE", Sphere.SHARED)),
        fields=values,
        texts=texts,
        others=others,
    )


def _other_sides(person_ids: list[int], names: _Names) -> list[Item]:
    """The other side of each of the person's introductions: another person's answer."""
    side_model = apps.get_model("connections", "IntroductionSide")
    rows = system_rows(side_model, WHY)
    theirs = rows.filter(person_id__in=person_ids).values_list("introduction_id", flat=True)
    found = []
    for side in rows.filter(introduction_id__in=list(theirs)).exclude(person_id__in=person_ids):
        item = _item(side, names, title=_("The other side of your introductions"))
        item.other_side = True
        found.append(item)
    return found


def gather_record(person: Person, *, viewer: Membership) -> PersonRecord:
    """Everything the organisation holds about `person` (and records merged into them), with
    "who saw my record" as the data lead sees it and the items the reviewer may withhold.
    Trusted reads: call only from the rights services, which audit them."""
    person_ids = same_person_ids(person)
    names = _Names(person_ids)
    items = [
        _item(p, names, title=_("Your details")) for p in Person.objects.filter(pk__in=person_ids)
    ]
    for _model, rows in rows_of(person_ids):
        items.extend(_item(row, names) for row in rows)
    items.extend(_other_sides(person_ids, names))
    who_saw = access_log(
        person.pk,
        person.organisation_id,
        viewer=viewer,
        also_person_ids=person_ids[1:],
    )
    return PersonRecord(person, person_ids, items, who_saw, flags_for(person, person_ids, items))


def _name_index(person: Person, person_ids: list[int]) -> dict[tuple[str, ...], str]:
    """Folded full names of everyone else in the organisation -> the name as written."""
    index: dict[tuple[str, ...], str] = {}
    others = (
        Person.objects.filter(organisation_id=person.organisation_id)
        .exclude(pk__in=person_ids)
        .exclude(family_name="")
        .values_list("given_name", "preferred_name", "family_name")
    )
    for given, preferred, family in others.iterator(chunk_size=2000):
        for first in {given, preferred} - {""}:
            words = tuple(fold(f"{first} {family}").split())
            if len(words) >= 2:
                index[words] = f"{first} {family}"
    return index


def named_in(text: str, index: dict[tuple[str, ...], str]) -> list[str]:
    """The names from `index` that appear in `text` as whole words (folded)."""
    words = fold(text).split()
    lengths = {len(key) for key in index}
    found: list[str] = []
    for size in sorted(lengths):
        for start in range(len(words) - size + 1):
            name = index.get(tuple(words[start : start + size]))
            if name and name not in found:
                found.append(name)
    return found


def flags_for(person: Person, person_ids: list[int], items: list[Item]) -> list[Flag]:
    """What may be withheld: other people named in the words or pointed at, another person's
    introduction answers, and every safeguarding record."""
    index = _name_index(person, person_ids)
    flags = []
    for item in items:
        named = [name for text in item.texts for name in named_in(text, index)]
        if item.other_side:
            flags.append(Flag(item, "third_party", _("Another person's answer to an introduction")))
        elif named:
            flags.append(Flag(item, "third_party", _("It names other people"), sorted(set(named))))
        elif item.others:
            flags.append(Flag(item, "third_party", _("It is also about another person")))
        if item.sphere == Sphere.SAFEGUARDING:
            flags.append(
                Flag(
                    item,
                    "safeguarding",
                    _(
                        "A safeguarding record: withhold it if telling them could cause serious harm"
                    ),
                )
            )
    return flags


# The data lead's lists ---------------------------------------------------------------------------


def open_requests(membership: Membership) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(
        organisation_id=membership.organisation_id, status=RequestStatus.REVIEWING
    ).select_related("person")


def answered_requests(membership: Membership) -> QuerySet[SubjectAccessRequest]:
    return (
        SubjectAccessRequest.objects.filter(
            organisation_id=membership.organisation_id, status=RequestStatus.ANSWERED
        )
        .select_related("person")
        .order_by("-answered_at")
    )


def requests_open_count(membership: Membership) -> int:
    """For the navigation's badge: requests still to answer."""
    return open_requests(membership).count()


def get_request(membership: Membership, request_id: int) -> SubjectAccessRequest:
    return get_object_or_404(
        SubjectAccessRequest.objects.select_related("person", "person__team"),
        pk=request_id,
        organisation_id=membership.organisation_id,
    )


def requests_due_by(organisation_id: int, day: date) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(
        organisation_id=organisation_id, status=RequestStatus.REVIEWING, due_on__lte=day
    )


def hold_in_force(person_ids: list[int]) -> LegalHold | None:
    return (
        LegalHold.objects.filter(person_id__in=person_ids, lifted_at__isnull=True)
        .select_related("set_by")
        .first()
    )


def holds_in_force(organisation_id: int) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(
        organisation_id=organisation_id, lifted_at__isnull=True
    ).select_related("person", "set_by")


def retention_settings(organisation_id: int) -> RetentionSettings:
    found = RetentionSettings.objects.filter(organisation_id=organisation_id).first()
    return found or RetentionSettings(organisation_id=organisation_id)


def waiting_review(organisation_id: int) -> RetentionReview | None:
    return RetentionReview.objects.filter(
        organisation_id=organisation_id, status=ReviewStatus.WAITING
    ).first()


def get_review(membership: Membership, review_id: int) -> RetentionReview:
    return get_object_or_404(
        RetentionReview, pk=review_id, organisation_id=membership.organisation_id
    )


def recent_reviews(organisation_id: int) -> QuerySet[RetentionReview]:
    return RetentionReview.objects.filter(organisation_id=organisation_id)[:10]


@dataclass(frozen=True, slots=True)
class ReviewLine:
    person: Person | None
    sphere: str
    due_on: str
    hold: LegalHold | None = None


def review_lines(review: RetentionReview) -> list[ReviewLine]:
    """The review's items and holds, with the people named (two queries)."""
    people = Person.objects.in_bulk(
        [item["person"] for item in review.items] + [held["person"] for held in review.held]
    )
    holds = LegalHold.objects.select_related("set_by").in_bulk(
        [held["hold"] for held in review.held]
    )
    lines = [
        ReviewLine(people.get(item["person"]), str(Sphere(item["sphere"]).label), item["due_on"])
        for item in review.items
    ]
    lines += [
        ReviewLine(people.get(held["person"]), "", "", holds.get(held["hold"]))
        for held in review.held
    ]
    return lines
