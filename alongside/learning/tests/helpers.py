"""Test helpers: contacts, demand, needs and spends in one call each."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from alongside.learning import services
from alongside.learning.models import Need, Spend
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory


def aware(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def people(world: Any, n: int, *, team: Any = None, worker: str = "alice") -> list[Any]:
    """n people in the team (Pat's by default), each with `worker` as named worker."""
    made = []
    for index in range(n):
        person = PersonFactory(
            team=team or world.team, given_name=f"P{index}", family_name="Crafted"
        )
        SpellFactory(person=person, worker=world.user(worker))
        made.append(person)
    return made


def contact(world: Any, person: Any, *, on: date | None = None, worker: str = "alice") -> Any:
    at = aware(on) if on else timezone.now() - timedelta(hours=2)
    return ContactFactory(
        person=person, worker=world.user(worker), at=at, recorded_by=world.user(worker)
    )


def demand(
    world: Any,
    person: Any,
    kind: str,
    *,
    on: date,
    failure_kind: str = "chasing",
    words: str = "",
    by: str = "alice",
) -> Any:
    c = contact(world, person, on=on, worker=by)
    return services.mark_demand(
        c,
        by=world.members[by],
        kind=kind,
        failure_kind=failure_kind if kind == "failure" else "",
        in_their_words=words,
    )


def need(
    world: Any,
    person: Any,
    *,
    opened: date,
    words: str = "Help with the rent arrears",
    by: str = "alice",
) -> Need:
    return services.open_need(
        person, by=world.members[by], in_their_words=words, first_contact_on=opened
    )


def spend(
    world: Any,
    person: Any,
    amount: str = "10.00",
    *,
    on: date | None = None,
    by: str = "alice",
    purpose: str = "Bus fare to the job centre",
) -> Spend:
    return services.record_spend(
        person,
        by=world.members[by],
        amount=Decimal(amount),
        purpose=purpose,
        spent_on=on or timezone.localdate(),
    )
