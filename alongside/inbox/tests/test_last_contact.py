"""The inbox's maintained last contact (decision 0126): kept in step by every write, rebuilt ==
incremental, and the coordinator's "stopped coming" and overdue follow-ups read from it give what
a plain pass over the contacts and spells gives (the reference, in Python below)."""

from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.access.models import Role
from alongside.inbox import queries
from alongside.inbox.last_contact import refresh
from alongside.inbox.models import LastContact
from alongside.relationships.models import Contact, Initiator, NamedWorkerSpell
from alongside.relationships.summaries import rebuild
from alongside.testing.every_write import Writes, every_contact_and_spell_write
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.plans import explain, refuse_other_plans

NOW = "2026-03-10 10:00:00+00:00"
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def _rows() -> set[tuple[Any, ...]]:
    return set(LastContact.objects.values_list(*(f.attname for f in LastContact._meta.fields[1:])))


def _in_step() -> None:
    rows = _rows()
    assert refresh(None) == len(rows)
    assert _rows() == rows


# A person: their team (0 the coordinator's, 1 another), an open spell from this many days ago
# (or none), an earlier ended spell or not, and contacts (days ago, coarse so that several share
# a time; a follow-up this many days from today or none; removed or not).
contacts = st.lists(
    st.tuples(
        st.integers(-3, 130),
        st.one_of(st.none(), st.integers(-100, 3)),
        st.booleans(),
    ),
    max_size=6,
)
people = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.one_of(st.none(), st.integers(0, 120)),
        st.booleans(),
        contacts,
        st.booleans(),  # listed already (skipped by "stopped coming")
    ),
    max_size=10,
)


def _reference(
    team_ids: set[int], skip: set[int], limit: int
) -> tuple[list[int], list[tuple[int, Any]]]:
    """Overdue follow-ups (contact ids) and "stopped coming" (person id, last contact), from every
    recorded contact and open spell, in Python."""
    now, today = timezone.now(), timezone.localdate()
    cutoff = now - timedelta(weeks=queries.STOPPED_WEEKS)
    recorded = list(Contact.objects.filter(person_id__in=team_ids))
    last: dict[int, datetime] = {}
    for contact in recorded:
        last[contact.person_id] = max(last.get(contact.person_id, contact.at), contact.at)
    promises = sorted(
        (contact.follow_up_on, contact.pk)
        for contact in recorded
        if contact.at == last[contact.person_id]
        and contact.follow_up_on is not None
        and today - timedelta(days=queries.FOLLOW_UP_LOOKBACK_DAYS) <= contact.follow_up_on < today
    )
    spells = NamedWorkerSpell.objects.filter(
        person_id__in=team_ids, ended_on__isnull=True, started_on__lte=cutoff.date()
    )
    quiet = sorted(
        (
            (spell.person_id in last, last.get(spell.person_id), spell.pk, spell.person_id)
            for spell in spells
            if spell.person_id not in skip
            and (spell.person_id not in last or last[spell.person_id] < cutoff)
        ),
        key=lambda row: (row[0], row[1] or now, row[2]),
    )
    return [pk for _day, pk in promises][:limit], [(row[3], row[1]) for row in quiet][:limit]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people, st.integers(1, 4))
def test_the_coordinators_sections_are_the_reference_rebuilt_or_incremental(drawn, limit):
    """Random people in two teams, open and ended spells, contacts sharing times, follow-ups in
    and out of the window, removed contacts: the rows kept contact by contact are what a rebuild
    makes, and the coordinator's two sections read from them are the reference, page by page
    (`limit` small, so the order and the cut are tested)."""
    with transaction.atomic():
        org = OrganisationFactory()
        teams = [TeamFactory(organisation=org), TeamFactory(organisation=org)]
        coordinator = MembershipFactory(organisation=org, team=teams[0], role=Role.COORDINATOR)
        worker = UserFactory()
        now, today = timezone.now(), timezone.localdate()
        skip = set()
        for team, open_since, ended_before, found, listed in drawn:
            person = PersonFactory(organisation=org, team=teams[team])
            if ended_before:
                SpellFactory(
                    person=person,
                    worker=worker,
                    started_on=today - timedelta(days=400),
                    ended_on=today - timedelta(days=300),
                )
            if open_since is not None:
                SpellFactory(
                    person=person, worker=worker, started_on=today - timedelta(days=open_since)
                )
            for days_ago, follow_up, removed in found:
                ContactFactory(
                    person=person,
                    worker=worker,
                    at=now - timedelta(days=days_ago),
                    follow_up_on=None if follow_up is None else today + timedelta(days=follow_up),
                    removed_at=now if removed else None,
                )
            if listed:
                skip.add(person.pk)
        _in_step()
        team_ids = set(queries._team_people(coordinator).values_list("pk", flat=True))
        promises, quiet = _reference(team_ids, skip, limit)
        with mock.patch.object(queries, "LIMIT", limit):
            follow_ups = queries._team_follow_ups(coordinator, today=today)
            stopped = queries._team_stopped_coming(
                coordinator, cutoff=now - timedelta(weeks=queries.STOPPED_WEEKS), skip=skip
            )
        assert [contact.pk for contact in follow_ups] == promises
        assert [(spell.person_id, at) for spell, at in stopped] == quiet
        transaction.set_rollback(True)


def test_every_service_that_changes_contacts_or_spells_keeps_the_last_contacts_in_step(world):
    """Recording, changing, moving, removing and putting back a contact, naming a worker, a warm
    and a cold handover, merging two records and undoing it: after each, the rows are what a
    rebuild makes (`refresh_people` runs `refresh` in each write's transaction)."""
    now = timezone.now()

    def row(person: Any) -> tuple[Any, ...]:
        return LastContact.objects.values_list("contact_id", "at", "spell_id").get(
            for_person=person, person_row=True
        )

    def check(step: str, writes: Writes) -> None:
        _in_step()
        first, other = writes.first, writes.other
        assert first is not None
        if step == "recorded":
            assert row(world.person)[:2] == (first.pk, now - timedelta(days=3))
        elif step == "updated":
            assert row(world.person)[1] == now - timedelta(days=2)
        elif step == "named a worker":
            assert row(other) == (None, None, NamedWorkerSpell.objects.get(person=other).pk)
        elif step == "moved":
            assert row(other)[0] == first.pk
        elif step == "cold handover":
            assert row(other)[2] == NamedWorkerSpell.objects.get(person=other, ended_on=None).pk
        elif step == "merged":
            assert not LastContact.objects.filter(for_person=writes.third).exists()
        elif step == "merge undone":
            assert LastContact.objects.filter(for_person=writes.third).exists()
        elif step == "removed":
            assert writes.removed is not None and row(other)[0] != writes.removed.pk
        elif step == "restored":
            assert writes.removed is not None and row(other)[0] == writes.removed.pk

    writes = every_contact_and_spell_write(world, check)
    # `alongside summaries rebuild` rebuilds them too.
    LastContact.objects.all().delete()
    rebuild()
    assert LastContact.objects.filter(for_person=writes.other, contact=writes.removed).exists()


def _plan(sql: str, params: Any) -> str:
    # The index must be able to give the order: the planner may not sort instead, nor read the
    # whole table, nor hash (tiny tables in tests have made PostgreSQL's choice flaky).
    refuse_other_plans()
    return explain(sql, params)


@pytest.mark.parametrize("section", ["stopped_coming", "follow_ups"])
def test_the_coordinators_sections_walk_their_index_in_order(world, section):
    """Each section reads the maintained rows on its own index, in the order shown (no sort of
    the organisation's rows), with the team asked per row by primary key, on both databases.
    Many rows: 600 people of the organisation, half of them in the coordinator's team."""
    org, colin = world.org, world.members["colin"]
    other_team = TeamFactory(organisation=org)
    now, today = timezone.now(), timezone.localdate()
    worker = world.user("alice")
    with transaction.atomic():
        for n in range(600):
            person = PersonFactory(team=world.team if n % 2 else other_team)
            spell = NamedWorkerSpell.objects.create(
                organisation=org,
                person=person,
                worker=worker,
                started_on=today - timedelta(days=200),
                reason="first",
            )
            contact = Contact.objects.create(
                organisation=org,
                person=person,
                worker=worker,
                recorded_by=worker,
                at=now - timedelta(days=n % 120),
                minutes=10,
                initiated_by=Initiator.US,
                follow_up_on=today - timedelta(days=n % 80) if n % 3 else None,
            )
            LastContact.objects.create(
                for_person=person,
                organisation=org,
                contact=contact,
                at=contact.at,
                contacted=True,
                follow_up_on=contact.follow_up_on,
                spell=spell,
                spell_started_on=spell.started_on,
            )
        refuse_other_plans("inbox_lastcontact")
        if section == "stopped_coming":
            cutoff = now - timedelta(weeks=queries.STOPPED_WEEKS)
            rows = queries._team_stopped_coming(colin, cutoff=cutoff, skip=[world.person.pk])
            index = "last_contact_quiet_spells"
            query = _query(lambda: queries._team_stopped_coming(colin, cutoff=cutoff, skip=[1]))
        else:
            rows = queries._team_follow_ups(colin, today=today)
            index = "last_contact_follow_ups"
            query = _query(lambda: queries._team_follow_ups(colin, today=today))
        assert len(rows) == queries.LIMIT  # positive control: a full page of the team's
        plan = _plan(*query)
        assert index in plan, plan
        if connection.vendor == "sqlite":
            assert "TEMP B-TREE" not in plan, plan
            assert "LIST SUBQUERY" not in plan, plan
            people = [line for line in plan.splitlines() if " U0 " in line]  # the team's EXISTS
            assert people and all("PRIMARY KEY" in line for line in people), plan
        else:
            assert "Sort" not in plan, plan
            assert "people_person_pkey" in plan, plan
        transaction.set_rollback(True)


def _query(run: Any) -> tuple[str, Any]:
    """The SQL and parameters of the first query `run` makes."""
    seen: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run()
    return seen[0]


def test_a_person_without_contacts_or_an_open_spell_has_no_row(world):
    """Only people with a recorded contact or an open spell have rows; a person whose only
    contact is removed, and whose spell ended, has none."""
    person = PersonFactory(team=world.team)
    ContactFactory(person=person, at=timezone.now(), removed_at=timezone.now())
    SpellFactory(
        person=person,
        started_on=date(2025, 1, 1),
        ended_on=date(2025, 6, 1),
    )
    assert not LastContact.objects.filter(for_person=person).exists()
    spell = SpellFactory(person=person, started_on=date(2025, 7, 1))
    assert LastContact.objects.filter(for_person=person, spell=spell, contacted=False).exists()


def test_overdue_referrals_ask_who_is_visible_per_referral_not_as_a_list_of_everyone(world):
    """Referrals out with no answer limited referrals with `person IN (SELECT … everyone the
    viewer sees)`, which SQLite built on every read (0.2 s of the coordinator's inbox on the
    large demo). Now a correlated EXISTS, a primary-key probe per referral found by its index."""
    from alongside.referrals.queries import overdue_out

    rows = overdue_out(world.members["colin"], today=timezone.localdate())
    sql, params = rows.query.sql_with_params()
    assert 'IN (SELECT U0."id" FROM "people_person" U0' not in sql.replace('"U0"', "U0"), sql
    assert "EXISTS" in sql, sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[3]) for row in cursor.fetchall())
        assert "LIST SUBQUERY" not in plan, plan
        people = [line for line in plan.splitlines() if " U0 " in line]
        assert people and all("PRIMARY KEY" in line for line in people), plan
