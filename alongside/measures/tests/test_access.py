"""Who reads answers (support sphere, audited), who asks, and 404 for everyone else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.common.spheres import UnscopedSphereRead
from alongside.measures.builtins import ONS4, RELATIONSHIP_CHECK
from alongside.measures.models import Response
from alongside.measures.queries import responses_visible_to
from alongside.measures.tests.helpers import ONS4_ANSWERS, RC_ALL_AGREE, answered
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "cara", "colin", "vic", "amir", "sam", "dana", "fern", "olly")


def _statuses(world, url, method="get"):
    return {p: getattr(world.client(p), method)(url).status_code for p in PERSONAS}


def test_answers_fail_closed():
    with pytest.raises(UnscopedSphereRead):
        list(Response.objects.all())


def test_answers_visible_by_support_sphere_rules(world):
    mine = answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    other = answered(world.other_person, ONS4, ONS4_ANSWERS, author=world.user("olly"))
    seen = {
        p: set(responses_visible_to(world.members[p]).values_list("pk", flat=True))
        for p in PERSONAS
    }
    assert seen["alice"] == {mine.pk}  # named worker
    assert seen["colin"] == {mine.pk}  # coordinator of Pat's team
    assert seen["olly"] == {other.pk}
    for persona in ("cara", "vic", "amir", "sam", "dana", "fern"):
        assert seen[persona] == set(), persona


def test_person_answers_page_access_and_audit(world):
    answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    ContactFactory(
        person=world.person, worker=world.user("vic"), at=timezone.now() - timedelta(days=3)
    )
    url = reverse("measures:person_answers", args=[world.person.pk])
    statuses = _statuses(world, url)
    allowed = {p for p, code in statuses.items() if code == 200}
    assert allowed == {"alice", "colin", "vic"}
    assert {code for p, code in statuses.items() if p not in allowed} == {404}
    events = AuditEvent.objects.filter(action="measures.response.viewed")
    # alice and colin read one answer each; vic (volunteer) sees none she did not collect
    assert sorted(e.actor.username for e in events) == ["alice", "colin"]
    assert all(e.person_id == world.person.pk and "ids" in e.summary for e in events)
    assert "Life satisfaction" in world.client("alice").get(url).content.decode()


def test_asking_is_for_workers_who_can_see_the_person(world):
    url = reverse("measures:ask", args=[world.person.pk])
    ContactFactory(
        person=world.person, worker=world.user("vic"), at=timezone.now() - timedelta(days=3)
    )
    statuses = _statuses(world, url)
    assert {p for p, c in statuses.items() if c == 200} == {"alice", "cara", "colin", "vic"}
    assert {c for p, c in statuses.items() if p not in {"alice", "cara", "colin", "vic"}} == {404}
    other = reverse("measures:ask", args=[world.other_person.pk])
    assert world.client("alice").get(other).status_code == 404
    assert world.client("olly").get(other).status_code == 200


def test_role_pages(world):
    expected = {
        "measures:my_feedback": {"alice", "cara", "colin", "vic", "olly"},
        "measures:outcomes": {"colin"},
        "measures:instruments": {"dana"},
        "measures:add_instrument": {"dana"},
        "measures:kiosk_done": {"alice", "cara", "colin", "vic", "olly"},
    }
    for name, allowed in expected.items():
        statuses = _statuses(world, reverse(name))
        assert {p for p, c in statuses.items() if c == 200} == allowed, name
        assert {c for p, c in statuses.items() if p not in allowed} == {404}, name


def test_my_feedback_shows_only_answers_about_me_and_is_audited(world):
    alice, cara = world.user("alice"), world.user("cara")
    answered(world.person, RELATIONSHIP_CHECK, RC_ALL_AGREE, author=alice, about=alice)
    una = PersonFactory(team=world.team, given_name="Una", family_name="Other")
    SpellFactory(person=una, worker=cara)
    answered(una, RELATIONSHIP_CHECK, RC_ALL_AGREE, author=cara, about=cara)
    body = world.client("alice").get(reverse("measures:my_feedback")).content.decode()
    assert "Pat Example" in body and "Una" not in body
    assert "Listened to and understood" in body
    assert AuditEvent.objects.filter(action="measures.response.viewed", actor=alice).count() == 1
    cara_body = world.client("cara").get(reverse("measures:my_feedback")).content.decode()
    assert "Una Other" in cara_body and "Pat" not in cara_body


def test_person_page_panel_shows_due_and_latest_to_those_who_may_read(world):
    ContactFactory(person=world.person, worker=world.user("alice"))
    url = reverse("people:person", args=[world.person.pk])
    body = world.client("alice").get(url).content.decode()
    assert "Due a baseline" in body and reverse("measures:ask", args=[world.person.pk]) in body
    answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    body = world.client("alice").get(url).content.decode()
    assert "Due a baseline" not in body and "Life satisfaction" in body
    assert "Next review from" in body
    assessor = world.client("amir").get(url).content.decode()
    assert "How things are going" not in assessor and "Life satisfaction" not in assessor


def test_review_due_after_the_organisation_schedule(world):
    from alongside.measures import services
    from alongside.measures.queries import due_for

    alice = world.user("alice")
    answered(
        world.person, ONS4, ONS4_ANSWERS, author=alice, at=timezone.now() - timedelta(weeks=13)
    )
    assert due_for(world.person).review_due  # default: every 12 weeks
    services.save_schedule(by=world.members["dana"], review_every_weeks=26, review_after_contacts=2)
    assert not due_for(world.person).review_due
    ContactFactory.create_batch(
        2, person=world.person, worker=alice, at=timezone.now() - timedelta(days=1)
    )
    assert due_for(world.person).review_due


def test_data_lead_adds_a_licensed_instrument_only_with_permission(world):
    client = world.client("dana")
    data = {
        "name": "Short wellbeing scale",
        "notice": "© The holder. Used with permission.",
        "questions": "I've been feeling optimistic about the future\nI've been feeling useful",
        "options": "1 = None of the time\n2 = Rarely\n3 = Some of the time\n4 = Often\n5 = All of the time",
        "scoring": "sum",
        "total_label": "Total",
        "total_bands": "",
    }
    refused = client.post(reverse("measures:add_instrument"), data)
    assert refused.status_code == 400 and "permission" in refused.content.decode()
    added = client.post(reverse("measures:add_instrument"), {**data, "permission_confirmed": "on"})
    assert added.status_code == 302
    page = client.get(reverse("measures:instruments")).content.decode()
    assert "Short wellbeing scale" in page and "© The holder. Used with permission." in page
    ask = (
        world.client("alice").get(reverse("measures:ask", args=[world.person.pk])).content.decode()
    )
    assert "Short wellbeing scale" in ask and "© The holder" in ask
    assert AuditEvent.objects.filter(action="measures.instrument.added").count() == 1
    other = world.client("olly").get(reverse("measures:ask", args=[world.other_person.pk]))
    assert "Short wellbeing scale" not in other.content.decode()


def test_a_used_version_cannot_change(world):
    from alongside.measures.models import VersionInUse
    from alongside.measures.tests.helpers import version

    answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    ons = version(ONS4)
    ons.definition_json = {**ons.definition_json, "intro": "changed"}
    with pytest.raises(VersionInUse):
        ons.save()
