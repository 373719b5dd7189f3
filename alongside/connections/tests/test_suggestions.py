"""Suggestions: explained in plain words, only among people the worker may see, never anyone
excluded or who said no before, and lived experience never used without agreement."""

import pytest
from django.core.exceptions import ValidationError

from alongside.connections import queries, services
from alongside.connections.models import Answer, IntroductionSide
from alongside.connections.tests.helpers import build_town, profile


@pytest.fixture
def town(world):
    return build_town(world)


def names(suggestions):
    return [s.person.given_name for s in suggestions]


def test_suggestion_explained_in_plain_words(town):
    pat, ray = town.world.person, town.ray
    pat.languages = ray.languages = "English, Polish"
    pat.save()
    ray.save()
    profile(town, pat, lived_experience=["caring_for_parent"], lived_experience_consent=True)
    profile(town, ray, lived_experience=["caring_for_parent"], lived_experience_consent=True)
    (first,) = [s for s in queries.suggest_people(town.m("alice"), pat) if s.person == ray]
    assert first.in_common.sentence == (
        "both know about caring for a parent; both speak Polish; both like walking; "
        "both live in Northfield; both free on Tuesday morning"
    )


def test_lived_experience_never_used_without_consent(town):
    pat, ray = town.world.person, town.ray
    profile(
        town,
        pat,
        lived_experience=["bereavement"],
        lived_experience_consent=True,
        interest_ids=[],
        locality_id=None,
        availability=[],
    )
    # Without agreement the service refuses to record it at all…
    with pytest.raises(ValidationError) as error:
        profile(town, ray, lived_experience=["bereavement"], lived_experience_consent=False)
    assert "lived_experience_consent" in error.value.message_dict
    # …and a profile whose agreement was taken back keeps none and matches on none.
    profile(
        town,
        ray,
        lived_experience=[],
        lived_experience_consent=False,
        interest_ids=[],
        locality_id=None,
        availability=[],
    )
    assert queries.suggest_people(town.m("alice"), pat) == []
    stored = queries.profile_for(town.m("alice"), ray)
    assert stored.lived_experience == [] and stored.usable_lived_experience == []
    # Even a row that somehow holds lived experience without consent is never used or shown.
    stored.lived_experience = ["bereavement"]
    stored.save()
    assert queries.traits_for_person(ray, stored).lived_experience == frozenset()
    assert queries.suggest_people(town.m("alice"), pat) == []
    page = town.world.client("alice").get(f"/connections/people/{ray.pk}/")
    assert "losing someone close" not in page.content.decode()


def test_excluded_people_are_never_suggested_either_way(town):
    pat, ray = town.world.person, town.ray
    profile(town, pat)
    profile(town, ray)
    assert "Ray" in names(queries.suggest_people(town.m("alice"), pat))
    profile(town, ray, excluded_people_ids=[pat.pk])
    assert "Ray" not in names(queries.suggest_people(town.m("alice"), pat))
    assert "Pat" not in names(queries.suggest_people(town.m("alice"), ray))
    with pytest.raises(ValidationError):
        services.propose(pat, by=town.m("alice"), other=ray)


def test_someone_who_said_no_is_never_suggested_again(town):
    pat, ray = town.world.person, town.ray
    profile(town, pat)
    profile(town, ray)
    intro = services.propose(pat, by=town.m("alice"), other=ray)
    tokens = services.ask(intro, by=town.m("alice"))
    ray_side = IntroductionSide.objects.for_system("test").get(introduction=intro, person=ray)
    services.answer(ray_side, agree=False)
    assert ray_side.answer == Answer.DECLINED
    for viewer in ("alice", "colin", "cara"):
        assert "Ray" not in names(queries.suggest_people(town.m(viewer), pat))
        assert "Pat" not in names(queries.suggest_people(town.m(viewer), ray))
    with pytest.raises(ValidationError):
        services.propose(pat, by=town.m("alice"), other=ray)
    assert len(tokens) == 2


def test_not_open_to_introductions_is_left_out(town):
    pat, ray = town.world.person, town.ray
    profile(town, pat)
    profile(town, ray, open_to_introductions=False)
    assert "Ray" not in names(queries.suggest_people(town.m("alice"), pat))


def test_suggestions_only_among_people_the_worker_may_see(town, world):
    from alongside.testing.factories import ContactFactory

    pat, ray = world.person, town.ray
    pat.languages = ray.languages = town.una.languages = "Polish"
    for p in (pat, ray, town.una):
        p.save()
    # vic met Pat (so sees Pat) but not Ray or Una: he is offered neither.
    ContactFactory(person=pat, worker=world.user("vic"))
    assert queries.suggest_people(town.m("vic"), pat) == []
    # alice sees everyone in the organisation: Ray and Una share Polish with Pat.
    assert set(names(queries.suggest_people(town.m("alice"), pat))) == {"Ray", "Una"}
    # Roles without person-level access get nothing.
    for role in ("amir", "sam", "dana", "fern"):
        assert queries.suggest_people(town.m(role), pat) == []
    # Another organisation's people never appear.
    assert "Quinn" not in names(queries.suggest_people(town.m("alice"), pat))


def test_profile_read_follows_support_notes(town, world):
    pat = world.person
    profile(town, pat)
    readers = {
        name
        for name in ("alice", "cara", "colin", "vic", "amir", "sam", "dana", "fern")
        if queries.profile_for(town.m(name), pat) is not None
    }
    assert readers == {"alice", "colin"}
    assert queries.profile_for(world.members["olly"], pat) is None


def test_reading_a_profile_is_audited_with_ids_only(town, world):
    from alongside.audit.models import AuditEvent

    saved = profile(town, world.person, in_their_words="Private words")
    world.client("alice").get(f"/connections/people/{world.person.pk}/")
    (event,) = AuditEvent.objects.filter(action="connections.personprofile.viewed")
    assert event.summary == {"ids": [saved.pk]} and event.person_id == world.person.pk
    saved_event = AuditEvent.objects.get(action="connections.profile.saved")
    assert "Private" not in str(saved_event.summary)
    # cara may see Pat but not read his profile: nothing shown, nothing to audit.
    page = world.client("cara").get(f"/connections/people/{world.person.pk}/")
    assert "Private words" not in page.content.decode()
    assert AuditEvent.objects.filter(action="connections.personprofile.viewed").count() == 1
