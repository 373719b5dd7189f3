"""Queries: visibility built in, fail-closed storage, and overrides that lapse by themselves."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from alongside.access.models import Role
from alongside.common.spheres import UnscopedSphereRead
from alongside.people.models import Person
from alongside.safeguarding import queries, services
from alongside.safeguarding.models import Concern, ConcernAction, Override
from alongside.safeguarding.tests.conftest import make_concern, make_override
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory
from alongside.visibility.overrides import overridden_person_ids


def test_concern_objects_all_raises_unscoped_sphere_read(sg):
    make_concern(sg)
    with pytest.raises(UnscopedSphereRead):
        list(Concern.objects.all())
    with pytest.raises(UnscopedSphereRead):
        Concern.objects.filter(person=sg.person).exists()


def test_actions_and_overrides_fail_closed_too_including_reverse_relations(sg):
    concern = make_concern(sg)
    services.add_concern_action(
        concern, by=sg.members["sam"], what_was_done="Rang.", status="closed"
    )
    make_override(sg)
    for read in (
        lambda: list(ConcernAction.objects.all()),
        lambda: list(concern.actions.all()),
        lambda: Override.objects.count(),
        lambda: Override.objects.values_list("justification", flat=True)[0],
    ):
        with pytest.raises(UnscopedSphereRead):
            read()


def test_overridden_person_ids_is_the_leads_own_overrides_in_force(sg):
    other = PersonFactory(team=sg.team)
    make_override(sg, by="sam")
    make_override(sg, by="sage", person=other)

    def ids(name):
        return {row["person_id"] for row in overridden_person_ids(sg.members[name])}

    assert ids("sam") == {sg.person.pk}
    assert ids("sage") == {other.pk}
    for name in ("alice", "colin", "amir", "dana", "fern", "olly", "oscar"):
        assert ids(name) == set()
    assert set(overridden_person_ids(None)) == set()


def test_overridden_person_ids_lapses_at_expiry_with_nothing_to_run(sg):
    now = timezone.now()
    override = make_override(sg, now=now)
    sam = sg.members["sam"]

    def at(minutes):
        return list(overridden_person_ids(sam, now=now + timedelta(minutes=minutes)))

    assert at(0) == [{"person_id": sg.person.pk}]
    assert at(59) == [{"person_id": sg.person.pk}]
    assert at(60) == []
    assert at(61) == []
    # And without a `now`, by moving the expiry into the past as time would.
    Override.objects.for_system("test moves time").filter(pk=override.pk).update(
        started_at=now - timedelta(minutes=70), expires_at=now - timedelta(minutes=10)
    )
    assert list(overridden_person_ids(sam)) == []


def test_overridden_person_ids_ends_when_the_lead_ends_it_or_stops_being_a_lead(sg):
    sam = sg.members["sam"]
    override = make_override(sg)
    services.end_override(override, by=sam)
    assert list(overridden_person_ids(sam)) == []
    make_override(sg)
    assert len(overridden_person_ids(sam)) == 1
    sam.role = Role.SUPPORTER
    sam.save()
    assert list(overridden_person_ids(sam)) == []
    sam.role, sam.left_on = Role.SAFEGUARDING_LEAD, timezone.localdate()
    sam.save()
    assert list(overridden_person_ids(sam)) == []


def test_overridden_person_ids_works_as_a_subquery_in_one_query(sg, django_assert_num_queries):
    make_override(sg)
    note = SupportNote.objects.create(
        organisation=sg.org,
        person=sg.person,
        contact=ContactFactory(person=sg.person, worker=sg.user("alice")),
        text="What Pat said",
        author=sg.user("alice"),
    )
    SupportNote.objects.create(
        organisation=sg.org, person=PersonFactory(team=sg.team), text="x", author=sg.user("alice")
    )
    sam = sg.members["sam"]
    with django_assert_num_queries(1):
        people = list(Person.objects.filter(pk__in=overridden_person_ids(sam)))
    assert people == [sg.person]
    with django_assert_num_queries(1):
        visible = list(
            SupportNote.objects.scoped().filter(
                Q(person_id__in=overridden_person_ids(sam)) | Q(author_id=sam.user_id)
            )
        )
    assert visible == [note]
    # Someone without an override: an empty subquery, still valid inside an OR.
    alice = sg.members["alice"]
    assert list(
        SupportNote.objects.scoped().filter(
            Q(person_id__in=overridden_person_ids(alice)) | Q(pk=note.pk)
        )
    ) == [note]


def test_concerns_are_visible_in_full_only_to_leads_of_the_organisation(sg):
    concern = make_concern(sg)
    theirs = make_concern(sg, by="olly", person=sg.other_person)
    for name in ("sam", "sage"):
        assert list(queries.concerns_visible_to(sg.members[name])) == [concern]
        assert queries.get_concern_for_user(sg.members[name], concern.pk) == concern
    for name in ("alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"):
        assert list(queries.concerns_visible_to(sg.members[name])) == []
        with pytest.raises(Http404):
            queries.get_concern_for_user(sg.members[name], concern.pk)
    # The other organisation's lead sees only their own organisation's concern.
    assert list(queries.concerns_visible_to(sg.members["oscar"])) == [theirs]
    with pytest.raises(Http404):
        queries.get_concern_for_user(sg.members["oscar"], concern.pk)


def test_workers_see_only_when_they_raised_a_concern_not_others(sg):
    mine = make_concern(sg, by="alice")
    make_concern(sg, by="cara")
    assert queries.concern_dates_raised_by(sg.members["alice"], sg.person.pk) == [mine.raised_at]
    assert len(queries.concern_dates_raised_by(sg.members["cara"], sg.person.pk)) == 1
    assert queries.concern_dates_raised_by(sg.members["colin"], sg.person.pk) == []
    for name in ("amir", "dana", "fern"):
        assert queries.concern_dates_raised_by(sg.members[name], sg.person.pk) == []


def test_the_confirmation_page_query_is_for_the_raiser_only_and_loads_no_text(sg):
    concern = make_concern(sg, by="alice")
    mine = queries.get_raised_concern_for_user(sg.members["alice"], concern.pk)
    assert "what_happened" in mine.get_deferred_fields()
    for name in ("cara", "sam", "dana", "olly"):
        with pytest.raises(Http404):
            queries.get_raised_concern_for_user(sg.members[name], concern.pk)


def test_overrides_waiting_count_excludes_your_own_and_reviewed_ones(sg):
    first = make_override(sg, by="sam", minutes_ago=120)
    make_override(sg, by="sage")

    def count(name):
        return queries.overrides_waiting_count(sg.members[name])

    assert (count("sam"), count("sage"), count("dana")) == (1, 1, 2)
    services.review_override(first, by=sg.members["dana"], outcome="justified", note="")
    assert (count("sam"), count("sage"), count("dana")) == (1, 0, 1)
    for name in ("alice", "amir", "fern", "oscar"):
        assert count(name) == 0


def test_override_queue_lists_waiting_oldest_first_and_recently_reviewed(sg):
    old = make_override(sg, by="sam", minutes_ago=600)
    new = make_override(sg, by="sage", minutes_ago=5)
    dana = sg.members["dana"]
    assert list(queries.overrides_waiting_review(dana)) == [old, new]
    services.review_override(old, by=dana, outcome="justified", note="")
    assert list(queries.overrides_waiting_review(dana)) == [new]
    assert list(queries.overrides_recently_reviewed(dana)) == [old]
    later = timezone.now() + timedelta(days=queries.RECENTLY_REVIEWED_DAYS + 1)
    assert list(queries.overrides_recently_reviewed(dana, now=later)) == []
    for name in ("alice", "amir", "fern", "oscar"):
        assert list(queries.overrides_waiting_review(sg.members[name])) == []


def test_the_database_refuses_an_override_reviewed_by_its_own_lead_or_half_reviewed(sg):
    from django.db import IntegrityError, transaction

    override = make_override(sg)
    rows = Override.objects.for_system("test of storage constraints").filter(pk=override.pk)
    for change in (
        {
            "reviewed_at": timezone.now(),
            "reviewed_by": sg.user("sam"),
            "review_outcome": "justified",
        },
        {"reviewed_at": timezone.now()},
        {"expires_at": override.started_at},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**change)
