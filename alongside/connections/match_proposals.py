"""One-to-one volunteer matching: build the problem from profiles, call the pure matcher, and
explain each proposed pair in plain words (a read: confirming pairs is `services.matches`).

Hard exclusions are worked out here and passed to the matcher as each person's `exclude`:
volunteers the person (or a safeguarding decision) excluded, volunteers who said no to them
before, pairs already matched, a volunteer of another gender than the one they asked for, a
volunteer from their own neighbourhood when they asked for "not someone from my area". The
matcher itself allows a pair only when they share a language (`Person.languages`,
`Membership.languages`; none recorded: not matched, and the page says why). Volunteers not
available for matching, or with no room left, are left out altogether, and so is anyone on a
safeguarding hold (`queries.held_person_ids` / `held_volunteer_ids`: ids only, never why); a
held person who would like a volunteer is listed as not available, with no reason. Lived
experience is used only where both agreed to it (`usable_lived_experience`). A volunteer whose
training for matching is not in date (`training.queries.unmet_requirements_for`, activity
"matching") is not proposed, and the coordinator reads why (`Proposal.not_ready`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from alongside.access.models import Membership
from alongside.connections import queries
from alongside.connections.commonality import DEFAULT_WEIGHTS, Traits
from alongside.connections.matcher import problem as matcher
from alongside.connections.matcher.solve import match
from alongside.connections.models import PersonProfile, VolunteerProfile
from alongside.people.models import Person
from alongside.training.models import Activity
from alongside.training.queries import unmet_requirements_for

# What coordinators read about someone on a safeguarding hold: never the reason or who placed it.
NOT_AVAILABLE = "Not available for matching or introductions"
# Proposals are made for this many people at a time, those waiting longest first (by record, the
# oldest first), and the next batch is a page further on (decision 0112): the whole team at once
# was 8,991 people and 1 MB on the 100,000-person demo, and a minute of the solver's time.
BATCH = 50


@dataclass(frozen=True)
class Pair:
    person_id: int
    volunteer_id: int  # user id
    score: float
    why: tuple[str, ...]
    person: Person | None = None
    volunteer: Membership | None = None


@dataclass
class Proposal:
    pairs: list[Pair] = field(default_factory=list)
    unmatched: list[tuple[Person, str]] = field(default_factory=list)  # person, why not
    total_score: float = 0.0
    bound: float | None = None
    people: int = 0
    volunteers: int = 0
    # Volunteers left out because their training for matching is not in date, with the reasons.
    not_ready: list[tuple[Membership, list[str]]] = field(default_factory=list)
    # The batch: people after this id (0: from the first); everyone who would like a volunteer;
    # where the next batch starts (None: this is the last).
    after: int = 0
    wanting: int = 0
    next_after: int | None = None


def clean_weights(raw: Mapping[str, Any]) -> dict[str, float]:
    """Weights from a form or a stored match: known keys only, each 0..10."""
    weights = dict(DEFAULT_WEIGHTS)
    for key in DEFAULT_WEIGHTS:
        if key in raw and raw[key] not in (None, ""):
            value = float(raw[key])
            if not 0 <= value <= 10:
                raise ValueError(key)
            weights[key] = value
    return weights


def _attributes(traits: Traits) -> dict[str, frozenset[str]]:
    return {
        # English is what almost everyone shares: only other languages add to the score.
        "languages": traits.languages - {"english"},
        "interests": traits.interests,
        "locality": frozenset({traits.locality}) if traits.locality else frozenset(),
        "availability": traits.availability,
        "lived_experience": traits.lived_experience,
    }


def propose(membership: Membership, weights: Mapping[str, float], *, after: int = 0) -> Proposal:
    """The optimal set of pairs for one batch of the coordinator's team (the BATCH people who
    would like a volunteer after the id `after`, in id order), with why, from the pure matcher.

    The matcher sees only the batch: its pairs are the optimum for those people and every
    volunteer with room, the same pairs `match` gives for that problem on its own."""
    batch = list(
        queries.matchable_people(membership, include_held=True, correlated=True).filter(
            pk__gt=after
        )[: BATCH + 1]
    )
    next_after = batch[BATCH - 1].pk if len(batch) > BATCH else None
    wanting = batch[:BATCH]
    held = set(
        queries.held_person_ids(membership.organisation_id).filter(
            person_id__in=[p.pk for p in wanting]
        )
    )
    people = [p for p in wanting if p.pk not in held]
    profiles = {
        p.person_id: p
        for p in queries.profiles_visible_to(membership)
        .filter(person_id__in=[p.pk for p in people])
        .select_related("locality")
        .prefetch_related("interests")
    }
    # Only what matching reads of each volunteer, as plain values (decisions 0134 and 0137);
    # their users and the rest are read below for the few shown.
    offers = {offer.membership_id: offer for offer in queries.volunteer_offers(membership)}
    unmet = unmet_requirements_for(
        list(offers.values()), activity=Activity.MATCHING, on=timezone.localdate()
    )
    not_ready_ids = [pk for pk in offers if unmet[pk]]
    volunteers = [offer for offer in offers.values() if not unmet[offer.membership_id]]
    offered = Offered([(m.user_id, m) for m in volunteers])
    matched_before: dict[int, set[int]] = {}
    for person_id, user_id in queries.matched_pairs(membership):
        matched_before.setdefault(person_id, set()).add(user_id)
    vtraits = {m.user_id: m.traits for m in volunteers}
    ptraits = {p.pk: queries.traits_for_person(p, profiles.get(p.pk)) for p in people}

    problem_volunteers = [
        matcher.Volunteer(
            id=str(m.user_id),
            capacity=m.capacity,
            languages=vtraits[m.user_id].languages,
            attributes=_attributes(vtraits[m.user_id]),
        )
        for m in volunteers
    ]
    # Every person's exclusions in three queries, not three per person (26,996 queries and
    # 150 s for 8,991 people on the 100,000-person demo; issue 17).
    excluded_by_person = queries.excluded_volunteer_ids_among([p.pk for p in people])
    problem_people = []
    for person in people:
        excluded = offered.excluded(
            person, profiles.get(person.pk), matched_before.get(person.pk, ())
        )
        excluded |= excluded_by_person.get(person.pk, set())
        problem_people.append(
            matcher.Person(
                id=str(person.pk),
                languages=ptraits[person.pk].languages,
                attributes=_attributes(ptraits[person.pk]),
                exclude=frozenset(str(v) for v in excluded),
            )
        )
    result = match(
        matcher.MatchProblem(
            volunteers=problem_volunteers, people=problem_people, weights=dict(weights)
        )
    )
    people_by_id = {p.pk: p for p in people}
    proposed = {int(pair.volunteer) for pair in result.pairs}
    shown = (
        Membership.objects.select_related("user").in_bulk(
            [m.membership_id for m in volunteers if m.user_id in proposed] + not_ready_ids
        )
        if proposed or not_ready_ids
        else {}
    )
    by_user = {m.user_id: m for m in shown.values()}
    pairs = []
    for pair in result.pairs:
        person_id, volunteer_id = int(pair.person), int(pair.volunteer)
        shared = queries.in_common(ptraits[person_id], vtraits[volunteer_id])
        pairs.append(
            Pair(
                person_id=person_id,
                volunteer_id=volunteer_id,
                score=round(float(pair.score), 3),
                why=shared.phrases or tuple(getattr(pair, "why", ()) or ()),
                person=people_by_id.get(person_id),
                volunteer=by_user.get(volunteer_id),
            )
        )
    pairs.sort(key=lambda p: (p.person.given_name if p.person else "", p.person_id))
    return Proposal(
        pairs=pairs,
        unmatched=[
            (people_by_id[int(k)], str(v))
            for k, v in sorted(result.unmatched.items(), key=lambda kv: int(kv[0]))
        ]
        + [(p, NOT_AVAILABLE) for p in wanting if p.pk in held],
        total_score=round(float(result.total_score), 3),
        bound=None if getattr(result, "bound", None) is None else round(float(result.bound), 3),
        people=len(people),
        volunteers=len(volunteers),
        not_ready=[(shown[pk], unmet[pk]) for pk in not_ready_ids if pk in shown],
        after=after,
        wanting=queries.matchable_count(membership),
        next_after=next_after,
    )


class Offered:
    """The volunteers a batch is matched with, grouped by what the hard exclusions compare, so
    that a person's excluded volunteers are a few set operations rather than a check per pair
    (27,000 calls of `_excluded` per request on the 100,000-person demo). `_excluded` is the
    reference (`tests/test_matching_pages.py` compares both)."""

    def __init__(self, volunteers: Sequence[tuple[int, queries.Offer]]) -> None:
        self.everyone = frozenset(user_id for user_id, _ in volunteers)
        self.by_gender: dict[str, set[int]] = {}
        self.by_locality: dict[int, set[int]] = {}
        for user_id, offer in volunteers:
            self.by_gender.setdefault(offer.gender, set()).add(user_id)
            if offer.locality_id is not None:
                self.by_locality.setdefault(offer.locality_id, set()).add(user_id)

    def excluded(
        self, person: Person, profile: PersonProfile | None, matched_before: Iterable[int]
    ) -> set[int]:
        """User ids of the volunteers this person may not be proposed with: matched with them
        before (`matched_before`, volunteers' user ids), of another gender than they asked for,
        from their own area when they asked not to be."""
        out = set(self.everyone.intersection(matched_before))
        if profile is None:
            return out
        if profile.volunteer_preference:
            out |= self.everyone - self.by_gender.get(profile.volunteer_preference, set())
        if profile.not_from_my_area and profile.locality_id:
            out |= self.by_locality.get(profile.locality_id, set())
        return out


def _excluded(
    person: Person,
    profile: PersonProfile | None,
    volunteer: Membership,
    vprofile: VolunteerProfile,
    already: set[tuple[int, int]],
) -> bool:
    if (person.pk, volunteer.user_id) in already:
        return True
    if profile is None:
        return False
    if profile.volunteer_preference and profile.volunteer_preference != vprofile.gender:
        return True
    return bool(
        profile.not_from_my_area
        and profile.locality_id
        and profile.locality_id == vprofile.locality_id
    )
