"""The matching page sized by what it draws (issue 17, decision 0134): the proposal worked out
from plain values and set operations, equal to the per-pair computation it replaced (kept here
as the reference, on random towns); the volunteers' list a keyset page at a time."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.access.models import Membership, Role
from alongside.common.keyset import BadCursor, make_cursor
from alongside.connections import match_proposals, queries, services
from alongside.connections.commonality import DEFAULT_WEIGHTS
from alongside.connections.match_proposals import NOT_AVAILABLE, Offered, _attributes, _excluded
from alongside.connections.matcher import problem as matcher
from alongside.connections.matcher.solve import match
from alongside.connections.models import (
    Interest,
    LivedExperience,
    Locality,
    PersonProfile,
    VolunteerProfile,
)
from alongside.connections.views import volunteer_matching
from alongside.people.models import Person
from alongside.safeguarding.models import MatchingHold
from alongside.testing.factories import (
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from alongside.training.models import Activity
from alongside.training.queries import unmet_requirements_for

CANARY = "Canary reason"
GENDERS = ["", "woman", "man", "other"]


def hold(world: Any, **who: Any) -> None:
    """A safeguarding hold on a person or a volunteer, its reason the canary."""
    MatchingHold.objects.create(
        organisation=world.org,
        reason=CANARY,
        started_at=timezone.now(),
        started_by=world.user("sam"),
        **who,
    )


# The hard exclusions ---------------------------------------------------------------------------

volunteer_rows = st.lists(
    st.tuples(st.sampled_from(GENDERS), st.sampled_from([None, 1, 2, 3])), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(
    volunteers=volunteer_rows,
    has_profile=st.booleans(),
    preference=st.sampled_from(GENDERS),
    not_from_my_area=st.booleans(),
    locality=st.sampled_from([None, 1, 2, 3]),
    matched=st.sets(st.tuples(st.sampled_from([7, 8]), st.integers(0, 9))),
)
def test_a_persons_excluded_volunteers_are_the_per_pair_checks(
    volunteers, has_profile, preference, not_from_my_area, locality, matched
):
    """`Offered.excluded` (set operations per person) equals `_excluded` asked of every pair,
    the computation it replaced: matched before, the other gender, the same area."""
    offers = [
        (
            user_id,
            queries.Offer(
                membership_id=100 + user_id,
                capacity=1,
                gender=gender,
                locality_id=area,
                traits=queries.traits_for_person(Person(languages=""), None),
            ),
        )
        for user_id, (gender, area) in enumerate(volunteers)
    ]
    person = Person(pk=7)
    profile = (
        PersonProfile(
            volunteer_preference=preference, not_from_my_area=not_from_my_area, locality_id=locality
        )
        if has_profile
        else None
    )
    before = {user_id for person_id, user_id in matched if person_id == person.pk}
    expected = {
        user_id
        for user_id, offer in offers
        if _excluded(
            person,
            profile,
            Membership(user_id=user_id),
            VolunteerProfile(gender=offer.gender, locality_id=offer.locality_id),
            matched,
        )
    }
    assert Offered(offers).excluded(person, profile, before) == expected


# The proposal against the reference ------------------------------------------------------------


def reference_proposal(colin: Membership, weights: dict[str, float], after: int = 0) -> Any:
    """The matching page's proposal as it was worked out before decision 0134: model objects for
    every volunteer and their profile, traits by `traits_for_volunteer`, each pair checked by
    `_excluded`, the batch read by `pk IN (every wanting profile)`."""
    batch = list(
        queries.matchable_people(colin, include_held=True).filter(pk__gt=after)[
            : match_proposals.BATCH
        ]
    )
    held = set(
        queries.held_person_ids(colin.organisation_id).filter(person_id__in=[p.pk for p in batch])
    )
    people = [p for p in batch if p.pk not in held]
    profiles = {
        p.person_id: p
        for p in queries.profiles_visible_to(colin)
        .filter(person_id__in=[p.pk for p in people])
        .select_related("locality")
        .prefetch_related("interests")
    }
    vprofiles = {
        v.membership_id: v
        for v in VolunteerProfile.objects.filter(
            organisation_id=colin.organisation_id, available_for_matching=True, capacity__gt=0
        )
        .exclude(membership__user_id__in=queries.held_volunteer_ids(colin.organisation_id))
        .select_related("locality")
        .prefetch_related("interests")
    }
    volunteers = [m for m in queries.volunteer_memberships(colin) if m.pk in vprofiles]
    unmet = unmet_requirements_for(volunteers, activity=Activity.MATCHING, on=timezone.localdate())
    volunteers = [m for m in volunteers if not unmet[m.pk]]
    already = queries.matched_pairs(colin)
    vtraits = {m.user_id: queries.traits_for_volunteer(m, vprofiles[m.pk]) for m in volunteers}
    excluded_by_person = queries.excluded_volunteer_ids_among([p.pk for p in people])
    problem = matcher.MatchProblem(
        volunteers=[
            matcher.Volunteer(
                id=str(m.user_id),
                capacity=vprofiles[m.pk].capacity,
                languages=vtraits[m.user_id].languages,
                attributes=_attributes(vtraits[m.user_id]),
            )
            for m in volunteers
        ],
        people=[
            matcher.Person(
                id=str(p.pk),
                languages=queries.traits_for_person(p, profiles.get(p.pk)).languages,
                attributes=_attributes(queries.traits_for_person(p, profiles.get(p.pk))),
                exclude=frozenset(
                    {
                        str(m.user_id)
                        for m in volunteers
                        if _excluded(p, profiles.get(p.pk), m, vprofiles[m.pk], already)
                    }
                    | {str(v) for v in excluded_by_person.get(p.pk, ())}
                ),
            )
            for p in people
        ],
        weights=dict(weights),
    )
    return batch, vprofiles, vtraits, match(problem), held


people_rows = st.lists(
    st.fixed_dictionaries(
        {
            "languages": st.sampled_from(["English", "English, Polish", "Polish", "Urdu", ""]),
            "wants": st.booleans(),
            "own_team": st.booleans(),
            "preference": st.sampled_from(GENDERS[:3]),
            "not_from_my_area": st.booleans(),
            "locality": st.sampled_from([None, "Northfield", "Southgate"]),
            "interests": st.sets(st.sampled_from(["Walking", "Cooking", "Football"])),
            "times": st.sets(st.sampled_from(["tue_morning", "wed_evening"])),
            "held": st.integers(0, 5).map(lambda n: n == 0),
            "excludes_first": st.booleans(),
        }
    ),
    min_size=1,
    max_size=6,
)
volunteer_profiles = st.lists(
    st.fixed_dictionaries(
        {
            "languages": st.sampled_from(["English", "English, Polish", "Polish, Urdu", ""]),
            "profile": st.integers(0, 5).map(lambda n: n > 0),
            "capacity": st.integers(0, 2),
            "available": st.integers(0, 5).map(lambda n: n > 0),
            "gender": st.sampled_from(GENDERS),
            "locality": st.sampled_from([None, "Northfield", "Southgate"]),
            "interests": st.sets(st.sampled_from(["Walking", "Cooking", "Football"])),
            "times": st.sets(st.sampled_from(["tue_morning", "wed_evening"])),
            "lived": st.sets(st.sampled_from(list(LivedExperience.values)[:3])),
            "consent": st.booleans(),
            "held": st.integers(0, 5).map(lambda n: n == 0),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    people=people_rows,
    volunteers=volunteer_profiles,
    weights=st.fixed_dictionaries({key: st.sampled_from([0, 1, 2.5]) for key in DEFAULT_WEIGHTS}),
    batch=st.integers(1, 4),
)
def test_the_proposal_is_the_reference_computations_own(
    world, monkeypatch, people, volunteers, weights, batch
):
    """On random towns (languages, genders, areas, interests, times, lived experience with and
    without agreement, capacity, holds, exclusions, small batches): every batch's pairs, scores,
    reasons and held people equal the reference's (the per-pair computation the page used
    before), the batch is the same people whichever way it is read, and each volunteer's traits
    are `traits_for_volunteer`'s."""
    monkeypatch.setattr(match_proposals, "BATCH", batch)
    with transaction.atomic():
        colin = world.members["colin"]
        interests = {
            name: Interest.objects.get_or_create(organisation=world.org, name=name)[0]
            for name in ("Walking", "Cooking", "Football")
        }
        areas = {
            name: Locality.objects.get_or_create(organisation=world.org, name=name)[0]
            for name in ("Northfield", "Southgate")
        }
        elsewhere = TeamFactory(organisation=world.org, name="Elsewhere")
        made: list[Membership] = []

        def shared(row: dict[str, Any]) -> dict[str, Any]:
            """What both sides' profiles record alike: area, interests, times."""
            return {
                "locality_id": areas[row["locality"]].pk if row["locality"] else None,
                "interest_ids": [interests[name].pk for name in row["interests"]],
                "availability": sorted(row["times"]),
            }

        for number, row in enumerate(volunteers):
            member = MembershipFactory(
                organisation=world.org,
                role=Role.VOLUNTEER,
                languages=row["languages"],
                user=UserFactory(first_name=f"V{number % 3}"),  # ties in the first name
            )
            made.append(member)
            if row["profile"]:
                services.save_volunteer_profile(
                    member,
                    by=colin,
                    capacity=row["capacity"],
                    available_for_matching=row["available"],
                    gender=row["gender"],
                    **shared(row),
                    lived_experience=sorted(row["lived"]),
                    lived_experience_consent=True,
                )
                if not row["consent"]:  # agreement withdrawn: the codes stay, never used
                    VolunteerProfile.objects.filter(membership=member).update(
                        lived_experience_consent=False
                    )
            if row["held"]:
                hold(world, volunteer=member.user)
        for row in people:
            someone = PersonFactory(
                team=world.team if row["own_team"] else elsewhere, languages=row["languages"]
            )
            if row["own_team"]:
                services.save_person_profile(
                    someone,
                    by=colin,
                    wants_volunteer=row["wants"],
                    volunteer_preference=row["preference"],
                    not_from_my_area=row["not_from_my_area"],
                    **shared(row),
                    excluded_volunteer_ids=[made[0].user_id] if row["excludes_first"] else [],
                )
            else:  # another team's: never in this coordinator's batches, either way
                PersonProfile.objects.create(
                    organisation=world.org,
                    person=someone,
                    author=world.user("sam"),
                    wants_volunteer=row["wants"],
                )
            if row["held"]:
                hold(world, person=someone)

        everyone = list(queries.matchable_people(colin, include_held=True))
        assert list(queries.matchable_people(colin, include_held=True, correlated=True)) == (
            everyone
        )
        after = 0
        while True:
            proposal = match_proposals.propose(colin, weights, after=after)
            batch_people, vprofiles, _, expected, held = reference_proposal(colin, weights, after)
            assert proposal.wanting == len(everyone)
            assert [(p.person_id, p.volunteer_id, p.score) for p in proposal.pairs] == sorted(
                ((int(p.person), int(p.volunteer), round(p.score, 3)) for p in expected.pairs),
                key=lambda pair: (
                    next(q.given_name for q in batch_people if q.pk == pair[0]),
                    pair[0],
                ),
            )
            assert [(p.pk, why) for p, why in proposal.unmatched] == [
                (int(k), v)
                for k, v in sorted(expected.unmatched.items(), key=lambda kv: int(kv[0]))
            ] + [(p.pk, NOT_AVAILABLE) for p in batch_people if p.pk in held]
            assert proposal.total_score == round(expected.total_score, 3)
            offers = queries.volunteer_offers(colin)
            assert [o.membership_id for o in offers] == [
                m.pk for m in queries.volunteer_memberships(colin) if m.pk in vprofiles
            ]
            assert [(o.user_id, o.role) for o in offers] == [
                (m.user_id, m.role)
                for m in Membership.objects.filter(pk__in=vprofiles).order_by(
                    "user__first_name", "pk"
                )
            ]
            assert {o.membership_id: o.traits for o in offers} == {
                m: queries.traits_for_volunteer(
                    Membership.objects.get(pk=m), VolunteerProfile.objects.get(membership_id=m)
                )
                for m in vprofiles
            }
            if proposal.next_after is None:
                break
            after = proposal.next_after
        transaction.set_rollback(True)


# The volunteers' list, a page at a time --------------------------------------------------------


def names_on(page: str) -> list[str]:
    section = page.split('id="volunteers-heading"', 1)[1]
    return re.findall(r'<li><a href="/connections/volunteers/\d+/">([^<]+)</a>', section)


def link(page: str, rel: str) -> str | None:
    section = page.split('id="volunteers-heading"', 1)[1]
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', section)
    return unescape(found.group(1)) if found else None


@pytest.fixture
def crowd(world, monkeypatch):
    """Seven volunteers with profiles (two share a first name), drawn two at a time."""
    monkeypatch.setattr(volunteer_matching, "VOLUNTEERS_PAGE", 2)
    for number, first in enumerate(["Zoe", "Ann", "Bo", "Ann", "Cy", "Di", "Ed"]):
        member = MembershipFactory(
            organisation=world.org,
            role=Role.VOLUNTEER,
            user=UserFactory(first_name=first, last_name=f"V{number}"),
        )
        services.save_volunteer_profile(member, by=world.members["colin"], capacity=number % 3)
    return world


def test_the_volunteers_are_drawn_a_keyset_page_at_a_time_in_the_lists_order(crowd):
    world = crowd
    client = world.client("colin")
    expected = [
        m.user.get_full_name() or m.user.username
        for m in queries.volunteer_memberships(world.members["colin"])
    ]
    assert len(expected) == 8  # vic, a volunteer without a profile, too
    page = client.get("/connections/matching/?interests=3").content.decode()
    assert "8 volunteers" in page and link(page, "prev") is None
    seen, pages = names_on(page), [page]
    while (following := link(pages[-1], "next")) is not None:
        assert "interests=3" in following  # the weights asked for are kept
        response = client.get(f"/connections/matching/?{following}")
        assert response.status_code == 200
        pages.append(response.content.decode())
        seen += names_on(pages[-1])
    assert seen == expected and len(pages) == 4
    # Each page draws the same proposal; back from the last page is the one before it.
    assert len({p.split('id="volunteers-heading"')[0].split("<main")[-1] for p in pages}) == 1
    back = client.get(f"/connections/matching/?{link(pages[-1], 'prev')}").content.decode()
    assert names_on(back) == names_on(pages[-2])


@pytest.mark.parametrize("cursor", ["nonsense", "x" * 700, "é"])
def test_a_bad_volunteers_cursor_is_a_400_in_plain_words(crowd, cursor):
    response = crowd.client("colin").get("/connections/matching/", {"cursor": cursor})
    assert response.status_code == 400
    assert str(BadCursor().args[0]) in unescape(response.content.decode())


def test_a_cursor_from_another_list_or_organisation_is_refused(crowd):
    world = crowd
    key = ["Ann", world.members["vic"].pk]
    for scope in (
        "workers",
        f"{volunteer_matching.VOLUNTEERS_SCOPE}:{world.other_org.pk}",
    ):
        response = world.client("colin").get(
            "/connections/matching/", {"cursor": make_cursor(scope, "a", key)}
        )
        assert response.status_code == 400, scope
    own = make_cursor(f"{volunteer_matching.VOLUNTEERS_SCOPE}:{world.org.pk}", "a", key)
    assert world.client("colin").get("/connections/matching/", {"cursor": own}).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "cara", "vic", "amir", "sam", "dana", "fern"])
def test_no_one_but_a_coordinator_reads_the_page_even_with_a_cursor(crowd, persona):
    world = crowd
    cursor = make_cursor(f"{volunteer_matching.VOLUNTEERS_SCOPE}:{world.org.pk}", "a", ["Ann", 1])
    for query in ({}, {"cursor": cursor}, {"cursor": "nonsense"}):
        response = world.client(persona).get("/connections/matching/", query)
        assert response.status_code == 404, (persona, query)
        body = response.content.decode()
        assert "Zoe" not in body and "can take" not in body


def test_a_held_volunteer_reads_not_available_on_their_page_never_why(crowd):
    world = crowd
    zoe = Membership.objects.get(organisation=world.org, user__first_name="Zoe")
    hold(world, volunteer=zoe.user)
    client = world.client("colin")
    pages = [client.get("/connections/matching/").content.decode()]
    while (following := link(pages[-1], "next")) is not None:
        pages.append(client.get(f"/connections/matching/?{following}").content.decode())
    (hers,) = [p for p in pages if any(n.startswith("Zoe") for n in names_on(p))]
    assert NOT_AVAILABLE in hers.split('id="volunteers-heading"')[1]
    for p in pages:
        assert CANARY not in p
        if p is not hers:
            assert NOT_AVAILABLE not in p.split('id="volunteers-heading"')[1]
