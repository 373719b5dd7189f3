"""Safeguarding fixtures: the shared `world`, plus a second safeguarding lead (`sage`) and email
addresses for the people who are told about concerns and overrides."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from alongside.access.models import Role
from alongside.conftest import World
from alongside.people.models import Person
from alongside.safeguarding import services
from alongside.safeguarding.models import Concern, Override
from alongside.testing.factories import MembershipFactory, UserFactory

# The reason given when a test reads sphere records directly, to count or check them.
REASON = "counting in a view test"
JUSTIFICATION = "She said she would end her life tonight and the named worker is unreachable."
CONCERN_TEXT = (
    "Bruises on both wrists; said her son grips her when she will not hand over her card."
)


@pytest.fixture
def sg(world: World) -> World:
    """`world` with `sage`, a second safeguarding lead, and email addresses on leads and data lead."""
    world.members["sage"] = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="sage", first_name="Sage"),
        role=Role.SAFEGUARDING_LEAD,
    )
    for name in ("sam", "sage", "dana", "alice", "amir", "colin"):
        user = world.user(name)
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    # Olly's organisation has a safeguarding lead of its own, who must never hear about ours.
    world.members["oscar"] = MembershipFactory(
        organisation=world.other_org,
        user=UserFactory(username="oscar", email="oscar@example.org"),
        role=Role.SAFEGUARDING_LEAD,
    )
    return world


def make_concern(
    world: World, *, by: str = "alice", person: Person | None = None, text: str = CONCERN_TEXT
) -> Concern:
    return services.raise_concern(
        person or world.person,
        by=world.members[by],
        category="physical",
        what_happened=text,
        immediate_risk=False,
    )


def make_override(
    world: World,
    *,
    by: str = "sam",
    person: Person | None = None,
    minutes_ago: int = 0,
    now: datetime | None = None,
) -> Override:
    return services.start_override(
        person or world.person,
        by=world.members[by],
        reason_code="risk_to_person",
        justification=JUSTIFICATION,
        now=(now or timezone.now()) - timedelta(minutes=minutes_ago),
    )


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def stored(model) -> int:  # type: ignore[no-untyped-def]
    return model.objects.for_system(REASON).count()
