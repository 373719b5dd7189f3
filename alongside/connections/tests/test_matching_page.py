"""Volunteer matching: hard exclusions, capacity, weights, the pure matcher's optimal pairs with
their why, and confirming some pairs in one transaction."""

import pytest

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.connections import match_proposals, services
from alongside.connections.commonality import DEFAULT_WEIGHTS
from alongside.connections.models import (
    Introduction,
    IntroductionSide,
    Kind,
    Match,
    PersonProfile,
    Status,
    VolunteerProfile,
)
from alongside.connections.tests.helpers import build_town, profile
from alongside.testing.factories import MembershipFactory, UserFactory


@pytest.fixture
def town(world):
    t = build_town(world)
    t.vols = {}
    for name, gender, langs, area in (
        ("Vera", "woman", "English, Polish", "Northfield"),
        ("Mo", "man", "English", "Southgate"),
    ):
        m = MembershipFactory(
            organisation=world.org,
            role=Role.VOLUNTEER,
            languages=langs,
            user=UserFactory(username=name.lower(), first_name=name),
        )
        services.save_volunteer_profile(
            m,
            by=world.members["colin"],
            capacity=1,
            gender=gender,
            interest_ids=[t.interests["Walking"].pk],
            locality_id=t.localities[area].pk,
            availability=["tue_morning"],
        )
        t.vols[name] = m
    world.person.languages = "English, Polish"
    world.person.save()
    profile(t, world.person, wants_volunteer=True)
    return t


def pairs(proposal):
    return {(p.person.given_name, p.volunteer.user.first_name) for p in proposal.pairs}


def test_optimal_pairs_with_why(town, world):
    colin = world.members["colin"]
    proposal = match_proposals.propose(colin, DEFAULT_WEIGHTS)
    assert pairs(proposal) == {("Pat", "Vera")}
    (pair,) = proposal.pairs
    assert "both speak Polish" in pair.why and "both live in Northfield" in pair.why
    assert proposal.bound == proposal.total_score


def test_hard_exclusions(town, world):
    colin = world.members["colin"]
    vera = town.vols["Vera"]
    # The person's own wish (a man volunteer) and a safeguarding exclusion of Mo: no one.
    profile(
        town,
        world.person,
        wants_volunteer=True,
        volunteer_preference="man",
        excluded_volunteer_ids=[town.vols["Mo"].user_id],
    )
    assert match_proposals.propose(colin, DEFAULT_WEIGHTS).pairs == []
    # "Not someone from my area": Vera lives in Northfield too.
    profile(town, world.person, wants_volunteer=True, not_from_my_area=True)
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Mo")}
    # Not available for matching / no room.
    profile(town, world.person, wants_volunteer=True)
    services.save_volunteer_profile(vera, by=colin, capacity=1, available_for_matching=False)
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Mo")}


def test_confirm_some_pairs_in_one_transaction(town, world):
    colin = world.client("colin")
    page = colin.get("/connections/matching/")
    assert page.status_code == 200 and "both speak Polish" in page.content.decode()
    vera = town.vols["Vera"]
    key = f"{world.person.pk}:{vera.user_id}"
    # A pair the matcher did not propose is refused, and nothing is saved.
    bad = colin.post(
        "/connections/matching/", {"pair": [key, f"{world.person.pk}:{town.vols['Mo'].user_id}"]}
    )
    assert bad.status_code == 400
    assert Match.objects.for_system("t").count() == 0
    assert colin.post("/connections/matching/", {"pair": ["x:y"]}).status_code == 400
    assert (
        colin.post("/connections/matching/", {"pair": [key], "languages": "99"}).status_code == 400
    )
    ok = colin.post(
        "/connections/matching/", {"pair": [key], **{k: str(v) for k, v in DEFAULT_WEIGHTS.items()}}
    )
    assert ok.status_code == 302
    (match,) = Match.objects.for_system("t")
    intro = Introduction.objects.for_system("t").get(pk=match.introduction_id)
    assert intro.kind == Kind.VOLUNTEER and intro.status == Status.PROPOSED
    sides = IntroductionSide.objects.for_system("t").filter(introduction=intro)
    assert {(s.person_id, s.volunteer_id) for s in sides} == {
        (world.person.pk, None),
        (None, vera.user_id),
    }
    assert VolunteerProfile.objects.get(membership=vera).capacity == 0
    assert AuditEvent.objects.filter(action="connections.match.confirmed").count() == 1
    # Not proposed again.
    assert match_proposals.propose(world.members["colin"], DEFAULT_WEIGHTS).pairs == []


def test_weights_change_the_proposal(town, world):
    colin = world.members["colin"]
    # Two people, one volunteer with room for one: weights decide who is matched.
    ray = town.ray
    ray.languages = "English"
    ray.save()
    profile(
        town,
        ray,
        wants_volunteer=True,
        interest_ids=[town.interests["Cooking"].pk],
        locality_id=None,
        availability=[],
    )
    services.save_volunteer_profile(town.vols["Mo"], by=colin, capacity=0)
    services.save_volunteer_profile(
        town.vols["Vera"], by=colin, capacity=1, interest_ids=[town.interests["Cooking"].pk]
    )
    heavy_cooking = {**DEFAULT_WEIGHTS, "interests": 10, "languages": 0}
    assert pairs(match_proposals.propose(colin, heavy_cooking)) == {("Ray", "Vera")}
    heavy_polish = {**DEFAULT_WEIGHTS, "interests": 0, "languages": 10}
    assert pairs(match_proposals.propose(colin, heavy_polish)) == {("Pat", "Vera")}


def test_only_coordinators(town, world):
    for persona in ("alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"):
        assert world.client(persona).get("/connections/matching/").status_code == 404


def test_the_matching_page_costs_the_same_queries_however_many_want_a_volunteer(town, world):
    """Issue 17: each person's exclusions were three queries (26,996 queries and 150 s for the
    100,000-person demo's 8,991 people wanting a volunteer); now three for everyone."""
    from alongside.testing.factories import PersonFactory
    from alongside.testing.helpers import assert_constant_queries

    def add(n):
        for _ in range(n):
            someone = PersonFactory(team=world.team, languages="English, Polish")
            profile(
                town,
                someone,
                by="colin",
                wants_volunteer=True,
                excluded_volunteer_ids=[town.vols["Mo"].user_id],
            )

    assert_constant_queries(world.client("colin"), "/connections/matching/", add)


def test_exclusions_for_many_people_are_each_persons_own(town, world):
    from alongside.connections import queries
    from alongside.testing.factories import PersonFactory

    ray = town.ray
    no_mo = PersonFactory(team=world.team)
    profile(town, ray, wants_volunteer=True, excluded_volunteer_ids=[town.vols["Vera"].user_id])
    profile(
        town,
        no_mo,
        by="colin",
        wants_volunteer=True,
        excluded_volunteer_ids=[town.vols["Mo"].user_id, town.vols["Vera"].user_id],
    )
    everyone = queries.excluded_volunteer_ids_among([world.person.pk, ray.pk, no_mo.pk])
    assert everyone == {
        ray.pk: {town.vols["Vera"].user_id},
        no_mo.pk: {town.vols["Mo"].user_id, town.vols["Vera"].user_id},
    }
    for person in (world.person, ray, no_mo):
        assert queries.excluded_volunteer_ids(person) == everyone.get(person.pk, set())
    assert match_proposals.propose(world.members["colin"], DEFAULT_WEIGHTS).pairs


@pytest.mark.parametrize("persona", ["alice", "colin", "vic"])
def test_which_introductions_a_worker_sees_is_asked_per_side_not_as_a_list_of_people(
    town, world, persona
):
    """Issue 17: `introductions_visible_to` limited sides with `person IN (SELECT … every person
    the viewer sees)`: the whole organisation, built by SQLite on every person page (0.25 s of
    it on the 100,000-person demo, with 8 introductions). Now correlated EXISTS, per side."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.connections import queries

    with CaptureQueriesContext(connection) as context:
        list(queries.introductions_visible_to(world.members[persona]))
    sql = context.captured_queries[0]["sql"].replace('"U0"', "U0").replace('"U1"', "U1")
    assert 'FROM "connections_introduction"' in sql, sql
    assert '"person_id" IN (SELECT' not in sql, sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + context.captured_queries[0]["sql"])
            plan = "\n".join(str(row[3]) for row in cursor.fetchall())
        lines = plan.splitlines()
        # A volunteer's own small lists (their spells, contacts) are the visibility rule's; a list
        # of people is what must not be built.
        built = [lines[i + 1] for i, line in enumerate(lines[:-1]) if "LIST SUBQUERY" in line]
        assert not [line for line in built if "people_pers" in line], plan
        people = [line for line in lines if "people_pers" in line]
        assert all("PRIMARY KEY" in line for line in people), plan


def test_pairs_are_proposed_for_a_batch_at_a_time_and_confirmed_from_the_batch_shown(
    town, world, monkeypatch
):
    """Decision 0112: the matcher runs on BATCH people at a time (in id order) and every
    volunteer with room; the next batch is a link further on, and confirming a pair works out the
    same batch again. Each batch's pairs are the matcher's own for that batch's problem."""
    from alongside.connections.matcher import problem as matcher
    from alongside.connections.matcher.solve import match

    monkeypatch.setattr(match_proposals, "BATCH", 1)
    colin = world.members["colin"]
    ray = town.ray
    ray.languages = "English"
    ray.save()
    profile(town, ray, wants_volunteer=True, locality_id=None, availability=[])
    assert world.person.pk < ray.pk
    first = match_proposals.propose(colin, DEFAULT_WEIGHTS)
    assert pairs(first) == {("Pat", "Vera")} and first.unmatched == []
    assert (first.wanting, first.after, first.next_after) == (2, 0, world.person.pk)
    second = match_proposals.propose(colin, DEFAULT_WEIGHTS, after=world.person.pk)
    assert second.next_after is None and second.wanting == 2
    # Ray alone: Vera and Mo both have room; the pure matcher on Ray alone chooses the same.
    queries = match_proposals.queries
    vtraits = {
        m.user_id: queries.traits_for_volunteer(m, VolunteerProfile.objects.get(membership=m))
        for _, m in sorted(town.vols.items())
    }
    rtraits = queries.traits_for_person(ray, queries.profiles_visible_to(colin).get(person=ray))
    alone = match(
        matcher.MatchProblem(
            volunteers=[
                matcher.Volunteer(
                    id=str(user_id),
                    capacity=1,
                    languages=traits.languages,
                    attributes=match_proposals._attributes(traits),
                )
                for user_id, traits in vtraits.items()
            ],
            people=[
                matcher.Person(
                    id=str(ray.pk),
                    languages=rtraits.languages,
                    attributes=match_proposals._attributes(rtraits),
                )
            ],
            weights=dict(DEFAULT_WEIGHTS),
        )
    )
    assert [(p.person_id, p.volunteer_id) for p in second.pairs] == [
        (int(p.person), int(p.volunteer)) for p in alone.pairs
    ]
    (pair,) = second.pairs
    client = world.client("colin")
    page = client.get("/connections/matching/").content.decode()
    assert f'href="?after={world.person.pk}"' in page and "The next 1" in page
    later = client.get(f"/connections/matching/?after={world.person.pk}").content.decode()
    assert 'rel="next"' not in later and "From the first" in later
    assert f'name="after" value="{world.person.pk}"' in later
    key = f"{ray.pk}:{pair.volunteer_id}"
    weights = {k: str(v) for k, v in DEFAULT_WEIGHTS.items()}
    # Ray's pair is not in the first batch's proposal: refused there, confirmed from his.
    assert client.post("/connections/matching/", {"pair": [key], **weights}).status_code == 400
    confirmed = client.post(
        "/connections/matching/", {"pair": [key], "after": str(world.person.pk), **weights}
    )
    assert confirmed.status_code == 302
    assert Match.objects.for_system("t").get().person_id == ray.pk


def test_the_team_s_wanting_people_are_counted_from_the_two_indexes_made_for_it(town, world):
    """Decision 0136: the matching page counts the coordinator's team's people who would like a
    volunteer from `profile_wants_volunteer` (only the wanting profiles) and `person_team_ids`
    (the team's people as ids), not by reading every profile and every person; in one query
    over the profiles (session 14)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.connections import queries

    colin = world.members["colin"]
    wanting = queries.matchable_people(colin, include_held=True)
    with CaptureQueriesContext(connection) as context:
        counted = queries.matchable_count(colin)
    assert counted == len({p.pk for p in wanting}) > 0
    (sql,) = (query["sql"] for query in context.captured_queries)
    # Counted over the profiles: the people are not read again (session 14).
    assert 'FROM "connections_personprofile"' in sql, sql
    assert f'"people_person"."team_id" = {colin.team_id}' in sql
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's few rows are cheaper to scan; the partial index must be usable. Which of
            # the person indexes PostgreSQL takes for one row is a coin toss (its primary key, in
            # one CI run), so `person_team_ids` is checked on SQLite here and measured on the
            # 100,020-person demo (docs/benchmarks.md, session 11).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "profile_wants_volunteer" in plan, plan
            return
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = "\n".join(str(row[3]) for row in cursor.fetchall())
    assert "profile_wants_volunteer" in plan, plan
    assert "person_team_ids" in plan, plan


def test_the_count_of_people_wanting_a_volunteer_is_the_number_matchable(town, world):
    """`matchable_count` (over the profiles) is how many `matchable_people` gives with those on
    a hold: a team's wanting people, held or not, and those whose match was declined; not those
    not wanting, another team's, nor those matched with an introduction still open. The same for
    a coordinator of no team and of another team."""
    from alongside.connections import queries
    from alongside.connections.tests.test_matching_pages import hold
    from alongside.testing.factories import PersonFactory, TeamFactory

    colin = world.members["colin"]
    elsewhere = TeamFactory(organisation=world.org, name="Elsewhere")
    people = {
        name: PersonFactory(team=team, given_name=name)
        for name, team in (
            ("Wants", world.team),
            ("Not", world.team),
            ("Other team", elsewhere),
            ("Held", world.team),
            ("Declined", world.team),
        )
    }
    for name, person in people.items():
        if person.team_id == world.team.pk:
            profile(town, person, by=colin, wants_volunteer=name != "Not")
        else:  # another team's: written as its own coordinator would
            PersonProfile.objects.create(
                organisation=world.org,
                person=person,
                author=world.user("sam"),
                wants_volunteer=True,
            )
    hold(world, person=people["Held"])
    # world.person's match has its introduction still open; "Declined"'s was declined.
    from django.utils import timezone

    now = timezone.now()
    for person, status in ((world.person, Status.PROPOSED), (people["Declined"], Status.DECLINED)):
        introduction = Introduction.objects.create(
            organisation=world.org,
            kind=Kind.VOLUNTEER,
            status=status,
            proposed_by=world.user("colin"),
            created_at=now,
        )
        Match.objects.create(
            organisation=world.org,
            person=person,
            volunteer=town.vols["Vera"].user,
            score=1.0,
            confirmed_by=world.user("colin"),
            confirmed_at=now,
            introduction=introduction,
        )

    expected = {people["Wants"].pk, people["Held"].pk, people["Declined"].pk}
    assert {p.pk for p in queries.matchable_people(colin, include_held=True)} == expected
    assert queries.matchable_count(colin) == 3
    # A coordinator of no team counts the organisation's: "Other team" too.
    teamless = MembershipFactory(organisation=world.org, role=Role.COORDINATOR, team=None)
    everyone = {p.pk for p in queries.matchable_people(teamless, include_held=True)}
    assert queries.matchable_count(teamless) == len(everyone)
    # Another team's coordinator sees none of this team's people.
    other = MembershipFactory(organisation=world.org, role=Role.COORDINATOR, team=elsewhere)
    assert queries.matchable_count(other) == len(
        list(queries.matchable_people(other, include_held=True))
    )
