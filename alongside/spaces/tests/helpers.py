"""Samples for the spaces tests: a space, today's session and a tie per subject, as the access
matrix's `Samples` would build them (related Pat / unrelated Una / other Quinn)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from alongside.access.models import Role
from alongside.spaces.models import Attendance, Session, Space, Tie, TieCount
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)


def make_space(organisation: Any, *, team: Any, host: Any, name: str = "Lunch club") -> Space:
    return Space.objects.create(
        organisation=organisation, team=team, name=name, venue="The hall", host=host
    )


def make_session(space: Space, on: date | None = None, hour: int = 12) -> Session:
    return Session.objects.create(
        organisation=space.organisation,
        space=space,
        on=on or timezone.localdate(),
        starts_at=time(hour),
        ends_at=time(hour + 2),
    )


def attend(session: Session, person: Any) -> Attendance:
    return Attendance.objects.create(
        organisation=session.organisation,
        session=session,
        space=session.space,
        on=session.on,
        person=person,
    )


class Samples:
    def __init__(self, world: Any) -> None:
        self.world = world
        wes = MembershipFactory(
            organisation=world.org, user=UserFactory(username="wes"), role=Role.SUPPORTER
        ).user
        foodbank = TeamFactory(organisation=world.org, name="Foodbank")
        other_team = world.other_person.team
        una = PersonFactory(team=foodbank, given_name="Una", family_name="Related-to-no-one")
        SpellFactory(person=una, worker=wes)
        ContactFactory(
            person=world.person, worker=world.user("vic"), at=timezone.now() - timedelta(days=10)
        )
        self.people = {"related": world.person, "unrelated": una, "other": world.other_person}
        owners = {"related": world.user("alice"), "unrelated": wes, "other": world.user("olly")}
        teams = {"related": world.team, "unrelated": foodbank, "other": other_team}
        self.spaces, self.sessions, self.ties = {}, {}, {}
        for subject, person in self.people.items():
            self.spaces[subject] = Space.objects.create(
                organisation=person.organisation,
                team=teams[subject],
                name=f"Space {subject}",
                venue="The hall",
                host=owners[subject],
            )
            self.sessions[subject] = Session.objects.create(
                organisation=person.organisation,
                space=self.spaces[subject],
                on=timezone.localdate(),
                starts_at=time(10),
                ends_at=time(12),
            )
            self.ties[subject] = Tie.objects.create(
                organisation=person.organisation,
                person=person,
                kind="bonding",
                description="Matrix tie",
                recorded_on=timezone.localdate(),
                author=owners[subject],
            )
            TieCount.objects.create(
                organisation=person.organisation,
                person=person,
                team=person.team,
                counted_on=timezone.localdate(),
                bonding=1,
                author=owners[subject],
            )

    def kwargs(self, names: list[str], subject: str) -> dict[str, int]:
        fill = {
            "space_id": lambda: self.spaces[subject].pk,
            "session_id": lambda: self.sessions[subject].pk,
            "person_id": lambda: self.people[subject].pk,
            "tie_id": lambda: self.ties[subject].pk,
        }
        return {name: fill[name]() for name in names}
