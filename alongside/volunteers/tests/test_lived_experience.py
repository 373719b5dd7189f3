"""Lived experience, consented (issue 15 §2): a volunteer's own words and two separate,
revocable agreements, each dated and audited; matching reads only what is agreed for matching,
the person they are introduced to sees only what is agreed for telling; the scorecard figure."""

import pytest

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.connections import match_proposals
from alongside.connections import services as connections
from alongside.connections.commonality import DEFAULT_WEIGHTS
from alongside.connections.models import IntroductionSide, VolunteerProfile
from alongside.connections.tests.helpers import build_town, profile
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.helpers import reset_rate_limits
from alongside.volunteers import services
from alongside.volunteers.queries import lived_experience_share

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)
WORDS = "I looked after my dad for years and nobody asked how I was."


@pytest.fixture
def town(world):
    reset_rate_limits()
    t = build_town(world)
    vera = MembershipFactory(
        organisation=world.org,
        role=Role.VOLUNTEER,
        languages="English",
        user=UserFactory(username="vera", first_name="Vera"),
    )
    connections.save_volunteer_profile(
        vera,
        by=world.members["colin"],
        capacity=1,
        interest_ids=[t.interests["Walking"].pk],
        locality_id=t.localities["Northfield"].pk,
        availability=["tue_morning"],
    )
    t.vera = vera
    world.person.languages = "English"
    world.person.save()
    profile(
        t,
        world.person,
        wants_volunteer=True,
        lived_experience=["caring_for_parent"],
        lived_experience_consent=True,
    )
    return t


def _set(membership, *, matching, telling, codes=("caring_for_parent",), words=WORDS):
    return services.set_lived_experience(
        membership, codes=list(codes), words=words, for_matching=matching, for_telling=telling
    )


def _why(world):
    proposal = match_proposals.propose(world.members["colin"], DEFAULT_WEIGHTS)
    (pair,) = proposal.pairs
    return " ".join(pair.why)


def test_the_volunteer_records_it_on_their_own_page_with_each_agreement_dated(town, world):
    vic = world.client("vic")
    page = vic.get("/volunteers/my-lived-experience/")
    assert page.status_code == 200 and "It may be used to match me" in page.content.decode()
    response = vic.post(
        "/volunteers/my-lived-experience/",
        {"codes": ["caring_for_parent"], "words": WORDS, "for_matching": "on"},
    )
    assert response.status_code == 302
    saved = VolunteerProfile.objects.get(membership=world.members["vic"])
    assert saved.lived_experience == ["caring_for_parent"] and saved.lived_experience_words == WORDS
    assert saved.lived_experience_consent and str(saved.lived_experience_consent_on) == "2026-06-15"
    assert not saved.lived_experience_tell and saved.lived_experience_tell_on is None
    event = AuditEvent.objects.get(action="connections.volunteer.lived_experience")
    assert WORDS not in str(event.summary) and event.summary["for_matching"] is True
    bad = vic.post("/volunteers/my-lived-experience/", {"codes": ["nonsense"]})
    assert bad.status_code == 400
    assert world.client("colin").get("/volunteers/my-lived-experience/").status_code == 404


def test_revoking_for_matching_removes_it_from_the_next_matching_round(town, world):
    _set(town.vera, matching=True, telling=False)
    assert "both know about" in _why(world)
    _set(town.vera, matching=False, telling=True)
    assert "both know about" not in _why(world)
    saved = VolunteerProfile.objects.get(membership=town.vera)
    assert saved.lived_experience == ["caring_for_parent"]  # still theirs, just not used
    assert AuditEvent.objects.filter(action="connections.volunteer.lived_experience").count() == 2


def _introduce(town, world, client):
    colin = world.members["colin"]
    intro = connections.propose(world.person, by=colin, volunteer=town.vera.user)
    tokens = connections.ask(intro, by=colin)
    sides = IntroductionSide.objects.for_system("test").filter(introduction=intro)
    by_kind = {("person" if s.person_id else "volunteer"): tokens[s.pk] for s in sides}
    for token in by_kind.values():
        reset_rate_limits()
        client.post(
            f"/connections/i/{token}/",
            {"agree": "yes", "share_first_name": "on", "share_in_common": "on"},
        )
    reset_rate_limits()
    return client.get(f"/connections/i/{by_kind['person']}/").content.decode()


def test_the_matched_person_is_never_told_without_the_agreement_to_tell(town, world, client):
    _set(town.vera, matching=True, telling=False)
    page = _introduce(town, world, client)
    assert "You both said yes" in page
    assert WORDS not in page and "caring for a parent" not in page


def test_the_matched_person_is_told_what_was_agreed_for_telling(town, world, client):
    _set(town.vera, matching=False, telling=True)
    page = _introduce(town, world, client)
    assert "You both said yes" in page
    assert "I looked after my dad for years" in page and "their own experience" in page
    assert "caring for a parent" in page


def test_the_scorecard_share_counts_only_active_volunteers_who_agreed(town, world):
    assert lived_experience_share(world.org.pk) == (0, 2)  # vic and vera
    _set(town.vera, matching=False, telling=True)
    assert lived_experience_share(world.org.pk) == (0, 2)
    _set(town.vera, matching=True, telling=False)
    assert lived_experience_share(world.org.pk) == (1, 2)
    _set(world.members["vic"], matching=True, telling=True, codes=(), words="Some words")
    assert lived_experience_share(world.org.pk) == (1, 2)  # words alone are not a code
