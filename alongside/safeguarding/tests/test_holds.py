"""Holds on matching and introductions: only a safeguarding lead places or lifts one, with a
reason nobody else reads; placing one withdraws open introductions in the ordinary words."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.connections import services as connections
from alongside.connections.models import Introduction, IntroductionSide, Status
from alongside.connections.tests.helpers import build_town
from alongside.safeguarding import queries, services
from alongside.safeguarding.models import MatchingHold
from alongside.testing.helpers import assert_constant_queries, reset_rate_limits

REASON = "counting in a hold test"
CANARY = "Canary-7f3q: allegation about contact with children"
LIFT = "Police investigation closed with no further action"
NOT_LEADS = ["alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"]


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def holds() -> list[MatchingHold]:
    return list(MatchingHold.objects.for_system(REASON).order_by("pk"))


def hold_person(world, *, by="sam", person=None, reason=CANARY):  # type: ignore[no-untyped-def]
    return services.place_matching_hold(
        by=world.members[by], person=person or world.person, reason=reason
    )


def hold_volunteer(world, *, by="sam", name="vic", reason=CANARY):  # type: ignore[no-untyped-def]
    return services.place_matching_hold(
        by=world.members[by], volunteer=world.user(name), reason=reason
    )


# Services


@pytest.mark.parametrize("name", NOT_LEADS)
def test_only_a_safeguarding_lead_places_a_hold(sg, name):
    with pytest.raises(PermissionDenied):
        hold_person(sg, by=name)
    with pytest.raises(PermissionDenied):
        hold_volunteer(sg, by=name)
    assert holds() == []


def test_a_lead_of_another_organisation_or_who_left_cannot_place_or_lift(sg):
    with pytest.raises(PermissionDenied):
        hold_person(sg, by="oscar")
    hold = hold_person(sg)
    with pytest.raises(PermissionDenied):
        services.lift_matching_hold(hold, by=sg.members["oscar"], reason=LIFT)
    sage = sg.members["sage"]
    sage.left_on = timezone.localdate()
    sage.save()
    with pytest.raises(PermissionDenied):
        hold_volunteer(sg, by="sage")
    with pytest.raises(PermissionDenied):
        services.lift_matching_hold(hold, by=sage, reason=LIFT)
    assert [h.lifted_at for h in holds()] == [None]


@pytest.mark.parametrize("reason", ["", "   ", "too short"])
def test_a_hold_needs_a_reason_of_a_few_words(sg, reason):
    with pytest.raises(ValidationError) as error:
        hold_person(sg, reason=reason)
    assert error.value.message_dict == {
        "reason": ["Give the reason in a few words (at least 10 characters)."]
    }
    assert holds() == []


def test_a_hold_is_on_one_person_or_one_volunteer(sg):
    for kwargs in ({}, {"person": sg.person, "volunteer": sg.user("vic")}):
        with pytest.raises(ValidationError) as error:
            services.place_matching_hold(by=sg.members["sam"], reason=CANARY, **kwargs)
        assert error.value.messages == ["Choose one person or one volunteer."]
    # Only volunteers and supporters of the organisation.
    for name in ("amir", "colin", "olly"):
        with pytest.raises(ValidationError) as error:
            hold_volunteer(sg, name=name)
        assert error.value.message_dict == {
            "volunteer": ["Choose a volunteer or supporter in your organisation."]
        }
    assert holds() == []


def test_the_database_refuses_a_hold_on_both_or_neither(sg):
    now = timezone.now()
    for target in ({}, {"person": sg.person, "volunteer": sg.user("vic")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MatchingHold.objects.create(
                organisation=sg.org,
                reason=CANARY,
                started_at=now,
                started_by=sg.user("sam"),
                **target,
            )


def test_one_open_hold_per_person_and_per_volunteer(sg):
    first = hold_person(sg)
    hold_volunteer(sg)
    for place in (lambda: hold_person(sg, by="sage"), lambda: hold_volunteer(sg, by="sage")):
        with pytest.raises(ValidationError) as error:
            place()
        assert error.value.messages == ["Matching and introductions are already on hold for them."]
    # The partial unique constraints hold even when the service's check is skipped (a race).
    for target in ({"person": sg.person}, {"volunteer": sg.user("vic")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MatchingHold.objects.create(
                organisation=sg.org,
                reason=CANARY,
                started_at=timezone.now(),
                started_by=sg.user("sage"),
                **target,
            )
    assert len(holds()) == 2
    # Once lifted, a new hold may be placed.
    services.lift_matching_hold(first, by=sg.members["sage"], reason=LIFT)
    again = hold_person(sg, by="sage")
    assert again.pk != first.pk and len(holds()) == 3


def test_lifting_a_hold(sg):
    hold = hold_person(sg)
    with pytest.raises(ValidationError) as error:
        services.lift_matching_hold(hold, by=sg.members["sam"], reason="  ok  ")
    assert error.value.message_dict == {
        "reason": ["Say in a few words why it can be lifted (at least 10 characters)."]
    }
    with pytest.raises(PermissionDenied):
        services.lift_matching_hold(hold, by=sg.members["colin"], reason=LIFT)
    now = timezone.now()
    services.lift_matching_hold(hold, by=sg.members["sage"], reason=f"  {LIFT} ", now=now)
    (stored,) = holds()
    assert (stored.lifted_at, stored.lifted_by, stored.lift_reason) == (now, sg.user("sage"), LIFT)
    assert list(queries.held_person_ids(sg.org.pk)) == []
    with pytest.raises(ValidationError) as error:
        services.lift_matching_hold(hold, by=sg.members["sam"], reason=LIFT)
    assert error.value.messages == ["This hold has already been lifted."]


def test_audit_events_hold_ids_never_the_reason(sg):
    hold = hold_person(sg)
    vhold = hold_volunteer(sg)
    services.lift_matching_hold(hold, by=sg.members["sam"], reason=f"{LIFT} {CANARY}")
    events = list(AuditEvent.objects.filter(action__startswith="safeguarding.matching_hold."))
    assert [(e.action, e.person_id, e.sphere, e.summary) for e in events] == [
        (
            "safeguarding.matching_hold.placed",
            sg.person.pk,
            "safeguarding",
            {"hold": hold.pk, "volunteer": None, "introductions_withdrawn": 0},
        ),
        (
            "safeguarding.matching_hold.placed",
            None,
            "safeguarding",
            {"hold": vhold.pk, "volunteer": sg.user("vic").pk, "introductions_withdrawn": 0},
        ),
        (
            "safeguarding.matching_hold.lifted",
            sg.person.pk,
            "safeguarding",
            {"hold": hold.pk, "volunteer": None},
        ),
    ]
    assert all(e.actor == sg.user("sam") for e in events)
    assert not AuditEvent.objects.filter(summary__icontains="Canary").exists()


def test_held_ids_are_ids_only_open_holds_and_one_organisation(sg, django_assert_num_queries):
    hold_person(sg)
    hold_volunteer(sg)
    lifted = hold_volunteer(sg, name="alice")
    services.lift_matching_hold(lifted, by=sg.members["sam"], reason=LIFT)
    with django_assert_num_queries(1):
        assert list(queries.held_person_ids(sg.org.pk)) == [sg.person.pk]
    with django_assert_num_queries(1):
        assert list(queries.held_volunteer_ids(sg.org.pk)) == [sg.user("vic").pk]
    assert list(queries.held_person_ids(sg.other_org.pk)) == []
    # A subquery: one query however many are held.
    from alongside.people.models import Person

    with django_assert_num_queries(1):
        free = list(
            Person.objects.filter(organisation=sg.org).exclude(
                pk__in=queries.held_person_ids(sg.org.pk)
            )
        )
    assert sg.person not in free


# Placing a hold withdraws open introductions, in the ordinary words


@pytest.fixture
def town(sg):
    reset_rate_limits()
    return build_town(sg)


def ask(town, other):  # type: ignore[no-untyped-def]
    intro = connections.propose(town.world.person, by=town.m("alice"), other=other)
    tokens = connections.ask(intro, by=town.m("alice"))
    return intro, tokens


def notes(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_placing_a_hold_withdraws_open_introductions_in_the_ordinary_words(town, client):
    world = town.world
    # An ordinary withdrawal first, to compare the words: Una's worker wes hears it.
    ordinary, _ = ask(town, town.una)
    connections.withdraw(ordinary, by=town.m("alice"))
    ordinary_words = notes(town.wes.user)
    assert ordinary_words == [connections.NOT_GOING_AHEAD_TEXT]
    Notification.objects.all().delete()
    asking, tokens = ask(town, town.una)
    suggested = connections.propose(world.person, by=town.m("alice"), other=town.ray)
    unrelated = connections.propose(town.ray, by=town.m("alice"), other=town.una)
    hold = hold_person(world)
    statuses = dict(Introduction.objects.for_system(REASON).values_list("pk", "status"))
    assert statuses[asking.pk] == statuses[suggested.pk] == Status.WITHDRAWN
    assert statuses[unrelated.pk] == Status.PROPOSED
    # Those who helped hear exactly what an ordinary withdrawal says, and nothing more.
    assert notes(town.wes.user) == ordinary_words
    assert notes(world.user("alice")) == [connections.NOT_GOING_AHEAD_TEXT] * 2
    everything = " ".join(Notification.objects.values_list("text", flat=True)).lower()
    assert "safeguard" not in everything and "hold" not in everything and "canary" not in everything
    withdrawn = AuditEvent.objects.filter(action="connections.introduction.withdrawn")
    assert withdrawn.filter(actor=world.user("sam")).count() == 2
    placed = AuditEvent.objects.get(action="safeguarding.matching_hold.placed")
    assert placed.summary == {"hold": hold.pk, "volunteer": None, "introductions_withdrawn": 2}
    # Their links stop working: the page a withdrawal shows.
    for token in tokens.values():
        reset_rate_limits()
        page = client.get(reverse("connections:answer", args=[token]))
        assert page.status_code == 410
        assert "This introduction is not going ahead" in html(page)
    sides = IntroductionSide.objects.for_system(REASON).filter(introduction=asking)
    assert {s.answer for s in sides} == {"waiting"}


def test_a_hold_that_cannot_be_saved_withdraws_nothing(town):
    asking, _ = ask(town, town.una)
    hold_person(town.world)
    Introduction.objects.for_system(REASON).filter(pk=asking.pk).update(status=Status.ASKING)
    with pytest.raises(ValidationError):
        hold_person(town.world, by="sage")
    assert Introduction.objects.for_system(REASON).get(pk=asking.pk).status == Status.ASKING


# Pages


def test_lead_places_a_hold_on_a_person_from_their_page_and_lists_it(sg):
    client = sg.client("sam")
    person_page = html(client.get(reverse("people:person", args=[sg.person.pk])))
    url = reverse("safeguarding:hold_person", args=[sg.person.pk])
    assert url in person_page
    form = client.get(url)
    assert form.status_code == 200 and 'name="reason"' in html(form)
    response = client.post(url, {"reason": CANARY})
    assert response.status_code == 302 and response.url == reverse("safeguarding:holds")
    (hold,) = holds()
    assert (hold.person, hold.started_by, hold.reason) == (sg.person, sg.user("sam"), CANARY)
    listing = html(client.get(response.url))
    assert "Matching and introductions are on hold for Pat Example." in listing
    assert CANARY in listing and "Pat Example" in listing and "Sam" in listing
    assert reverse("safeguarding:lift_hold", args=[hold.pk]) in listing
    # The person page now shows the hold, not a second form.
    again = html(client.get(url))
    assert CANARY in again and 'name="reason"' not in again and "On hold since" in again
    assert AuditEvent.objects.filter(action="safeguarding.matchinghold.viewed").count() == 2


def test_lead_places_a_hold_on_a_volunteer_from_a_list_of_volunteers_and_supporters(sg):
    client = sg.client("sam")
    url = reverse("safeguarding:hold_volunteer")
    page = html(client.get(url))
    select = page[page.find("<select") : page.find("</select>")]
    vic, alice = sg.user("vic").get_full_name(), sg.user("alice").get_full_name()
    assert f"{vic} (Volunteer)" in select and f"{alice} (Supporter)" in select
    for name in ("colin", "amir", "sam", "dana", "fern", "olly"):
        assert f'value="{sg.user(name).pk}"' not in select, name
    response = client.post(url, {"volunteer": sg.user("vic").pk, "reason": CANARY})
    assert response.status_code == 302
    (hold,) = holds()
    assert (hold.volunteer, hold.person) == (sg.user("vic"), None)
    # Already on hold: no longer offered.
    assert f"{vic} (Volunteer)" not in html(client.get(url))


@pytest.mark.parametrize(
    ("url_name", "data", "anchors", "message"),
    [
        ("hold_person", {"reason": ""}, ["#id_reason"], "Give the reason in a few words"),
        ("hold_person", {"reason": " short "}, [], "Give the reason in a few words"),
        ("hold_volunteer", {"reason": CANARY}, ["#id_volunteer"], "Choose the volunteer"),
        ("hold_volunteer", {"volunteer": "999999", "reason": CANARY}, ["#id_volunteer"], "Choose"),
        ("hold_volunteer", {"volunteer": "vic", "reason": "x"}, ["#id_reason"], "at least 10"),
    ],
)
def test_bad_input_is_answered_clearly_and_nothing_is_saved(sg, url_name, data, anchors, message):
    if data.get("volunteer") == "vic":
        data = {**data, "volunteer": sg.user("vic").pk}
    args = [sg.person.pk] if url_name == "hold_person" else []
    response = sg.client("sam").post(reverse(f"safeguarding:{url_name}", args=args), data)
    assert response.status_code == 400
    page = html(response)
    assert "There is a problem" in page and message in page
    for anchor in anchors:
        assert f'href="{anchor}"' in page
    assert holds() == []
    assert not AuditEvent.objects.filter(action__startswith="safeguarding.matching_hold").exists()


def test_lead_lifts_a_hold_with_a_reason(sg):
    hold = hold_volunteer(sg)
    client = sg.client("sam")
    url = reverse("safeguarding:lift_hold", args=[hold.pk])
    page = client.get(url)
    assert page.status_code == 200 and CANARY in html(page) and "Vic" in html(page)
    bad = client.post(url, {"reason": "ok"})
    assert bad.status_code == 400 and "Say in a few words why it can be lifted" in html(bad)
    assert holds()[0].lifted_at is None
    done = client.post(url, {"reason": LIFT})
    assert done.status_code == 302 and done.url == reverse("safeguarding:holds")
    assert holds()[0].lift_reason == LIFT
    assert "No one is on hold." in html(client.get(done.url))
    # A lifted hold has no lift page.
    assert client.get(url).status_code == 404


def test_only_safeguarding_leads_see_the_nav_link(sg):
    link = reverse("safeguarding:holds")
    home = reverse("relationships:home")
    assert link in html(sg.client("sam").get(home, follow=True))
    for name in NOT_LEADS:
        assert link not in html(sg.client(name).get(home, follow=True)), name


@pytest.mark.parametrize("name", NOT_LEADS)
def test_every_other_persona_gets_404_on_every_hold_url(sg, name):
    hold = hold_person(sg)
    vhold = hold_volunteer(sg)
    client = sg.client(name)
    urls = [
        reverse("safeguarding:holds"),
        reverse("safeguarding:hold_volunteer"),
        reverse("safeguarding:hold_person", args=[sg.person.pk]),
        reverse("safeguarding:hold_person", args=[sg.other_person.pk]),
        reverse("safeguarding:lift_hold", args=[hold.pk]),
        reverse("safeguarding:lift_hold", args=[vhold.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, {"reason": LIFT, "volunteer": sg.user("alice").pk}).status_code == 404
        )
    assert [(h.pk, h.lifted_at) for h in holds()] == [(hold.pk, None), (vhold.pk, None)]


def test_a_lead_of_another_organisation_gets_404(sg):
    hold = hold_person(sg)
    client = sg.client("oscar")
    assert client.get(reverse("safeguarding:lift_hold", args=[hold.pk])).status_code == 404
    assert client.get(reverse("safeguarding:hold_person", args=[sg.person.pk])).status_code == 404
    assert CANARY not in html(client.get(reverse("safeguarding:holds")))


def test_hold_list_query_count_does_not_grow_with_holds(sg):
    from alongside.testing.factories import MembershipFactory, PersonFactory, UserFactory

    def add(n: int) -> None:
        for _ in range(n):
            person = PersonFactory(team=sg.team)
            hold_person(sg, person=person)
            volunteer = MembershipFactory(organisation=sg.org, user=UserFactory(), role="volunteer")
            services.place_matching_hold(
                by=sg.members["sam"], volunteer=volunteer.user, reason=CANARY
            )

    assert_constant_queries(sg.client("sam"), reverse("safeguarding:holds"), add)


def test_workers_never_read_the_reason_or_who_placed_it(sg):
    """The canary reason is on Pat and on vic: no page the others can open shows it."""
    town = build_town(sg)
    hold_person(sg)
    hold_volunteer(sg)
    hold_volunteer(sg, name="alice", reason=f"{CANARY} (alice)")
    urls = [
        reverse("relationships:home"),
        reverse("access:notifications"),
        reverse("people:person", args=[sg.person.pk]),
        reverse("people:access_log", args=[sg.person.pk]),
        reverse("connections:person", args=[sg.person.pk]),
        reverse("connections:propose", args=[sg.person.pk]),
        reverse("connections:person", args=[town.ray.pk]),
        reverse("connections:propose", args=[town.ray.pk]),
        reverse("connections:matching"),
        reverse("connections:volunteer", args=[sg.members["vic"].pk]),
        reverse("connections:volunteer", args=[sg.members["alice"].pk]),
    ]
    opened = 0
    for name in ("colin", "alice", "cara", "vic", "dana", "fern", "amir"):
        client = sg.client(name)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            page = html(response)
            assert "Canary" not in page and "placed by" not in page.lower(), (name, url)
    assert opened > 20
    # Where it matters, coordinators and workers read only this.
    for name, url in (
        ("colin", reverse("connections:person", args=[sg.person.pk])),
        ("alice", reverse("connections:person", args=[sg.person.pk])),
        ("alice", reverse("people:person", args=[sg.person.pk])),
        ("colin", reverse("connections:volunteer", args=[sg.members["vic"].pk])),
    ):
        assert "Not available for matching or introductions" in html(sg.client(name).get(url))
    # A held volunteer is not told about their own hold.
    own = html(sg.client("vic").get(reverse("connections:volunteer", args=[sg.members["vic"].pk])))
    assert "Not available for matching" not in own


def test_the_lead_sees_the_hold_link_on_the_persons_safeguarding_panel_only(sg):
    url = reverse("safeguarding:hold_person", args=[sg.person.pk])
    assert url in html(sg.client("sam").get(reverse("people:person", args=[sg.person.pk])))
    for name in ("alice", "colin", "cara", "amir"):
        assert url not in html(sg.client(name).get(reverse("people:person", args=[sg.person.pk])))


def test_hold_started_at_is_the_time_given(sg):
    when = timezone.now() - timedelta(hours=2)
    hold = services.place_matching_hold(
        by=sg.members["sam"], person=sg.person, reason=CANARY, now=when
    )
    assert holds()[0].started_at == when == hold.started_at
