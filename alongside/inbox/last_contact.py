"""Keeping `inbox.LastContact` in step with the contacts and spells (decision 0126): writes only.

`refresh(person_ids)` rewrites these people's rows; it is registered with
`relationships.summaries.keep_people`, so every write that changes a contact's person, time or
removal, or a named-worker spell (they all call `refresh_people` in their transaction), brings
the rows in step in the same transaction, and `summaries.rebuild` (`alongside summaries
rebuild`, the demo after its bulk load) rebuilds them with `refresh(None)`. A migration passes
its historical models.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery

from alongside.inbox.models import LastContact
from alongside.people.models import Person
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.relationships.summaries import keep_people

BATCH = 5000


@dataclass(frozen=True)
class Models:
    person: Any = Person
    contact: Any = Contact
    spell: Any = NamedWorkerSpell
    last_contact: Any = LastContact


def rows_for(person_ids: list[int], models: Models = Models()) -> list[Any]:  # noqa: B008
    """These people's rows, unsaved: the recorded contacts at each person's latest time, and
    their open spell (three queries; the latest contacts found through the (person, at) index)."""
    recorded = models.contact._base_manager.filter(removed_at__isnull=True)
    latest = recorded.filter(person_id=OuterRef("person_id")).order_by("-at").values("at")[:1]
    contacts = (
        recorded.filter(person_id__in=person_ids, at=Subquery(latest))
        .order_by("person_id", "-pk")
        .values_list("person_id", "pk", "at", "follow_up_on")
    )
    spells = {
        person_id: (pk, started_on)
        for person_id, pk, started_on in models.spell._base_manager.filter(
            person_id__in=person_ids, ended_on__isnull=True
        ).values_list("person_id", "pk", "started_on")
    }
    organisations = dict(
        models.person._base_manager.filter(pk__in=person_ids).values_list("pk", "organisation_id")
    )

    def row(person_id: int, **contact: Any) -> Any:
        spell_id, started_on = spells.get(person_id, (None, None))
        return models.last_contact(
            for_person_id=person_id,
            organisation_id=organisations[person_id],
            spell_id=spell_id,
            spell_started_on=started_on,
            **contact,
        )

    rows, seen = [], set()
    for person_id, pk, at, follow_up_on in contacts:
        rows.append(
            row(
                person_id,
                contact_id=pk,
                at=at,
                contacted=True,
                follow_up_on=follow_up_on,
                person_row=person_id not in seen,  # the highest id at the latest time
            )
        )
        seen.add(person_id)
    rows.extend(row(person_id) for person_id in spells if person_id not in seen)
    return rows


def refresh(person_ids: Iterable[int] | None, models: Models = Models()) -> int:  # noqa: B008
    """Rewrite these people's rows (None: everyone's, a batch of people at a time); returns how
    many rows were written. Call it inside the write's transaction (`refresh_people` does)."""
    if person_ids is not None:
        ids = sorted(set(person_ids))
        models.last_contact.objects.filter(for_person_id__in=ids).delete()
        rows = rows_for(ids, models)
        models.last_contact.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
    models.last_contact.objects.all().delete()
    people = models.person._base_manager.order_by("pk").values_list("pk", flat=True)
    written, last = 0, 0
    while batch := list(people.filter(pk__gt=last)[:BATCH]):
        rows = rows_for(batch, models)
        models.last_contact.objects.bulk_create(rows, batch_size=BATCH)
        written, last = written + len(rows), batch[-1]
    return written


keep_people(refresh)
