"""A worker's weekly availability and days away, and team capacity, through the pages.

Personas (alongside/conftest.py): alice and cara supporters, vic volunteer, colin coordinator of
the "Link workers" team, amir assessor, sam safeguarding lead, dana data lead, fern funder
viewer, olly a supporter in another organisation. Refusals are 404, as everywhere in Alongside.
"""

import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Role, Skill
from alongside.audit.models import AuditEvent
from alongside.conftest import World
from alongside.scheduling import services
from alongside.scheduling.models import (
    Appointment,
    AvailabilityException,
    ExceptionKind,
    WeeklyAvailability,
)
from alongside.testing.factories import MembershipFactory, PersonFactory, UserFactory
from alongside.testing.helpers import assert_constant_queries

AVAILABILITY = reverse("scheduling:my_availability")
CAPACITY = reverse("scheduling:team_capacity")


def next_monday(weeks_ahead: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def block(**overrides: Any) -> dict[str, Any]:
    data = {
        "form": "block",
        "weekday": "0",
        "starts_at": "09:00",
        "ends_at": "12:00",
        "slot_minutes": "60",
        "place": "The hub, Mill Street",
    }
    return data | overrides


def away(starts_on: date, ends_on: date, kind: str = ExceptionKind.LEAVE) -> dict[str, Any]:
    return {
        "form": "away",
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "kind": kind,
    }


def aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def appointment(membership: Membership, person: Any, starts_at: datetime, minutes: int = 60) -> Any:
    return Appointment.objects.create(
        organisation=membership.organisation,
        person=person,
        worker=membership.user,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        place="The hub",
        booked_by=membership.user,
    )


# The worker's own availability ----------------------------------------------------------------


@pytest.mark.django_db
def test_supporter_adds_sees_and_removes_a_weekly_time(world: World) -> None:
    client, alice = world.client("alice"), world.members["alice"]

    response = client.post(AVAILABILITY, block())

    assert response.status_code == 302 and response.url == AVAILABILITY
    added = WeeklyAvailability.objects.get(membership=alice)
    assert (added.weekday, added.starts_at, added.ends_at, added.slot_minutes, added.place) == (
        0, time(9), time(12), 60, "The hub, Mill Street",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="scheduling.availability.added").count() == 1
    page = client.get(AVAILABILITY)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Monday" in text and "09:00 to 12:00" in text and "The hub, Mill Street" in text
    assert "Added to your usual week." in text

    removed = client.post(reverse("scheduling:remove_availability", args=[added.pk]))

    assert removed.status_code == 302 and removed.url == AVAILABILITY
    assert not WeeklyAvailability.objects.filter(membership=alice).exists()
    assert AuditEvent.objects.filter(action="scheduling.availability.removed").count() == 1


@pytest.mark.parametrize("persona", ["alice", "vic", "colin"])
@pytest.mark.django_db
def test_every_worker_role_has_an_availability_page(world: World, persona: str) -> None:
    response = world.client(persona).get(AVAILABILITY)

    assert response.status_code == 200
    assert "Your availability" in response.content.decode()


@pytest.mark.parametrize("persona", ["amir", "sam", "dana", "fern"])
@pytest.mark.django_db
def test_roles_that_hold_no_relationships_are_refused_with_404(world: World, persona: str) -> None:
    client = world.client(persona)

    assert client.get(AVAILABILITY).status_code == 404
    assert client.post(AVAILABILITY, block()).status_code == 404
    assert not WeeklyAvailability.objects.exists()


@pytest.mark.django_db
def test_no_one_can_remove_another_workers_times_or_days_away(world: World) -> None:
    alice = world.members["alice"]
    mine = services.add_weekly_availability(
        alice, by=alice, weekday=1, starts_at=time(13), ends_at=time(16), slot_minutes=60
    )
    days = services.add_exception(
        alice, by=alice, starts_on=next_monday(), ends_on=next_monday(), kind=ExceptionKind.LEAVE
    )

    for persona in ("cara", "colin", "olly", "dana"):
        client = world.client(persona)
        assert (
            client.post(reverse("scheduling:remove_availability", args=[mine.pk])).status_code
            == 404
        )
        assert (
            client.post(reverse("scheduling:remove_exception", args=[days.pk])).status_code == 404
        )
    alices = world.client("alice")
    assert alices.get(reverse("scheduling:remove_availability", args=[mine.pk])).status_code == 405
    assert alices.get(reverse("scheduling:remove_exception", args=[days.pk])).status_code == 405

    assert WeeklyAvailability.objects.filter(pk=mine.pk).exists()
    assert AvailabilityException.objects.filter(pk=days.pk).exists()


@pytest.mark.django_db
def test_an_overlapping_time_is_refused_with_a_message_and_nothing_saved(world: World) -> None:
    client = world.client("alice")
    client.post(AVAILABILITY, block())

    response = client.post(AVAILABILITY, block(starts_at="11:00", ends_at="13:00"))

    assert response.status_code == 400
    assert "This overlaps a time you already have on that day." in response.content.decode()
    assert WeeklyAvailability.objects.count() == 1
    # Another day at the same time is fine.
    assert client.post(AVAILABILITY, block(weekday="2")).status_code == 302


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused_with_a_message_and_nothing_saved(world: World) -> None:
    client = world.client("alice")

    response = client.post(AVAILABILITY, block(starts_at="12:00", ends_at="09:00"))

    assert response.status_code == 400
    form = response.context["block_form"]
    assert form.errors == {"ends_at": ["The end must be after the start."]}
    assert "There is a problem" in response.content.decode()
    assert not WeeklyAvailability.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="scheduling.").exists()


@pytest.mark.django_db
def test_bad_input_gets_a_message_for_each_field(world: World) -> None:
    client = world.client("alice")

    response = client.post(
        AVAILABILITY, block(weekday="9", starts_at="", ends_at="half past", slot_minutes="7")
    )

    assert response.status_code == 400
    assert response.context["block_form"].errors == {
        "weekday": ["Choose a day."],
        "starts_at": ["Enter a time, for example 09:30."],
        "ends_at": ["Enter a time using the 24-hour clock, for example 09:30 or 14:00."],
        "slot_minutes": ["Choose how long each appointment is."],
    }
    assert not WeeklyAvailability.objects.exists()

    refused = client.post(AVAILABILITY, away(next_monday(), next_monday()) | {"starts_on": "soon"})

    assert refused.status_code == 400
    assert refused.context["away_form"].errors == {
        "starts_on": ["Enter a real date, for example 2026-12-24."]
    }
    assert not refused.context["block_form"].is_bound  # only the form that was sent shows errors
    assert not AvailabilityException.objects.exists()


@pytest.mark.django_db
def test_days_away_say_how_many_appointments_are_still_booked_then(world: World) -> None:
    alice = world.members["alice"]
    monday = next_monday()
    appointment(alice, world.person, aware(monday, 10))
    appointment(alice, PersonFactory(team=world.team), aware(monday + timedelta(days=1), 14))
    appointment(alice, world.person, aware(monday + timedelta(days=8), 10))  # after the days away
    client = world.client("alice")

    response = client.post(
        AVAILABILITY, away(monday, monday + timedelta(days=4), ExceptionKind.TRAINING), follow=True
    )

    assert response.redirect_chain == [(AVAILABILITY, 302)]
    assert (
        "You have 2 appointments booked in those days: they are still booked — "
        "rearrange them from your diary."
    ) in response.content.decode()
    saved = AvailabilityException.objects.get(membership=alice)
    assert (saved.starts_on, saved.ends_on, saved.kind, saved.recorded_by_id) == (
        monday, monday + timedelta(days=4), ExceptionKind.TRAINING, alice.user_id,
    )  # fmt: skip
    assert Appointment.objects.filter(status="booked").count() == 3  # nothing was moved
    assert "Training" in response.content.decode()

    removed = client.post(reverse("scheduling:remove_exception", args=[saved.pk]))

    assert removed.status_code == 302
    assert not AvailabilityException.objects.exists()


@pytest.mark.django_db
def test_days_away_ending_before_they_start_are_refused(world: World) -> None:
    monday = next_monday()

    response = world.client("alice").post(AVAILABILITY, away(monday, monday - timedelta(days=1)))

    assert response.status_code == 400
    assert response.context["away_form"].errors == {
        "ends_on": ["The last day must be on or after the first."]
    }
    assert not AvailabilityException.objects.exists()


@pytest.mark.django_db
def test_one_days_away_without_appointments_says_only_that_it_is_saved(world: World) -> None:
    monday = next_monday()

    response = world.client("vic").post(AVAILABILITY, away(monday, monday), follow=True)

    text = response.content.decode()
    assert "Your days away are saved." in text
    assert "still booked" not in text


# Team capacity --------------------------------------------------------------------------------


def team_worker(
    world: World, username: str, role: str = Role.SUPPORTER, **fields: Any
) -> Membership:
    return MembershipFactory(
        organisation=world.org,
        user=UserFactory(username=username, first_name=username.title(), last_name="Worker"),
        role=role,
        team=world.team,
        **fields,
    )


@pytest.mark.django_db
def test_capacity_is_for_coordinators_only(world: World) -> None:
    assert world.client("colin").get(CAPACITY).status_code == 200
    for persona in ("alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"):
        assert world.client(persona).get(CAPACITY).status_code == 404, persona


@pytest.mark.django_db
def test_capacity_counts_hours_available_booked_and_free(world: World) -> None:
    wes = team_worker(world, "wes", languages="English, Polish", leaving_on=next_monday(6))
    wes.skills.add(Skill.objects.create(organisation=world.org, name="Debt advice"))
    services.add_weekly_availability(
        wes, by=wes, weekday=0, starts_at=time(9), ends_at=time(12), slot_minutes=60
    )
    start = next_monday()
    services.book(
        world.person, by=wes, worker=wes.user, starts_at=aware(start + timedelta(days=7), 10),
        minutes=60, mode="phone",
    )  # fmt: skip
    appointment(wes, world.person, aware(start + timedelta(days=28), 10))  # after the four weeks

    response = world.client("colin").get(CAPACITY, {"from": start.isoformat()})

    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["row"].membership == wes)
    assert (row["available"], row["booked"], row["free"]) == (12, 1, 11)
    assert row["skills"] == ["Debt advice"]
    totals = response.context["totals"]
    assert (totals["available"], totals["booked"], totals["free"]) == (12, 1, 11)
    text = response.content.decode()
    assert "Wes Worker" in text and "Debt advice" in text and "English, Polish" in text
    assert next_monday(6).strftime("%-d %b %Y") in text
    assert "Capacity in Link workers" in text


@pytest.mark.django_db
def test_days_away_come_off_capacity_and_say_why(world: World) -> None:
    wes = team_worker(world, "wes")
    services.add_weekly_availability(
        wes, by=wes, weekday=0, starts_at=time(9), ends_at=time(12), slot_minutes=60
    )
    start = next_monday()
    services.add_exception(wes, by=wes, starts_on=start, ends_on=start, kind=ExceptionKind.SICKNESS)

    response = world.client("colin").get(CAPACITY, {"from": start.isoformat()})

    row = next(r for r in response.context["rows"] if r["row"].membership == wes)
    assert (row["available"], row["booked"], row["free"]) == (9, 0, 9)
    assert f"Off sick {start:%-d %b}" in response.content.decode()


@pytest.mark.django_db
def test_a_date_that_cannot_be_read_starts_today_with_a_message(world: World) -> None:
    response = world.client("colin").get(CAPACITY, {"from": "next tuesday"})

    assert response.status_code == 200
    assert response.context["start"] == timezone.localdate()
    assert "That start date could not be read" in response.content.decode()


@pytest.mark.django_db
def test_a_coordinator_without_a_team_chooses_any_team(world: World) -> None:
    from alongside.testing.factories import TeamFactory

    cora = MembershipFactory(
        organisation=world.org, user=UserFactory(username="cora"), role=Role.COORDINATOR
    )
    advice = TeamFactory(organisation=world.org, name="Advice service")
    MembershipFactory(
        organisation=world.org, user=UserFactory(username="ada", first_name="Ada"),
        role=Role.SUPPORTER, team=advice,
    )  # fmt: skip
    client = world.client("colin")
    client.force_login(cora.user)

    first = client.get(CAPACITY)
    chosen = client.get(CAPACITY, {"team": advice.pk})
    everyone = client.get(CAPACITY, {"team": "all"})

    assert first.context["team"].name == "Advice service"  # the first by name
    assert [r["row"].membership.user.username for r in chosen.context["rows"]] == ["ada"]
    assert everyone.context["team"] is None
    assert "Capacity across Riverside Test Hub" in everyone.content.decode()
    usernames = {r["row"].membership.user.username for r in everyone.context["rows"]}
    assert {"ada", "alice", "colin", "vic", "cora"} <= usernames
    # A coordinator with a team sees only their team, whatever they ask for.
    colins = world.client("colin").get(CAPACITY, {"team": advice.pk})
    assert colins.context["team"] == world.team


@pytest.mark.django_db
def test_capacity_page_queries_do_not_grow_with_the_team(world: World) -> None:
    start = next_monday()
    made = {"n": 0}

    def add_workers(n: int) -> None:
        for _ in range(n):
            made["n"] += 1
            worker = team_worker(world, f"worker{made['n']}", languages="English")
            worker.skills.add(
                Skill.objects.create(organisation=world.org, name=f"Skill {made['n']}")
            )
            services.add_weekly_availability(
                worker, by=worker, weekday=made["n"] % 5, starts_at=time(9), ends_at=time(12),
                slot_minutes=60,
            )  # fmt: skip
            services.add_exception(
                worker, by=worker, starts_on=start, ends_on=start, kind=ExceptionKind.LEAVE
            )
            appointment(worker, PersonFactory(team=world.team), aware(start + timedelta(days=2), 9))

    assert_constant_queries(
        world.client("colin"), f"{CAPACITY}?from={start.isoformat()}", add_workers
    )


# In a real browser, with axe ------------------------------------------------------------------


@pytest.mark.browser
def test_availability_and_capacity_pages_pass_axe(
    live_server: Any, world: World, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot

    page = browser_page
    for persona in ("alice", "colin"):
        world.user(persona).set_password("a long test password")
        world.user(persona).save()
    alice = world.members["alice"]
    wes = team_worker(world, "wes", languages="English, Somali", leaving_on=next_monday(3))
    wes.skills.add(Skill.objects.create(organisation=world.org, name="Housing"))
    services.add_weekly_availability(
        wes, by=wes, weekday=2, starts_at=time(13), ends_at=time(16), slot_minutes=60
    )
    services.add_exception(
        wes, by=wes, starts_on=next_monday(), ends_on=next_monday(), kind=ExceptionKind.LEAVE
    )
    appointment(alice, world.person, aware(next_monday(), 10))

    log_in(page, live_server.url, username="alice", password="a long test password")
    page.goto(f"{live_server.url}{AVAILABILITY}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your availability")
    assert_no_axe_violations(page)

    page.get_by_label("Day", exact=True).select_option("0")
    page.get_by_label("From", exact=True).fill("12:00")
    page.get_by_label("Until", exact=True).fill("09:00")
    page.get_by_role("button", name="Add this time").click()
    expect(page.locator(".error-summary")).to_contain_text("The end must be after the start.")
    assert_no_axe_violations(page)

    page.get_by_label("Until", exact=True).fill("13:00")
    page.get_by_role("button", name="Add this time").click()
    expect(page.get_by_role("table").first).to_contain_text("12:00 to 13:00")
    page.get_by_label("First day away").fill(next_monday().isoformat())
    page.get_by_label("Last day away").fill(next_monday().isoformat())
    page.get_by_label("Training").check()
    page.get_by_role("button", name="Add days away").click()
    expect(page.locator(".notices")).to_contain_text("You have 1 appointment booked in those days")
    assert_no_axe_violations(page)
    screenshot(page, "availability")

    page.context.clear_cookies()
    log_in(page, live_server.url, username="colin", password="a long test password")
    page.goto(f"{live_server.url}{CAPACITY}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Capacity in Link workers")
    expect(page.get_by_role("table")).to_contain_text("Housing")
    assert_no_axe_violations(page)
    screenshot(page, "capacity")


# The demo's diaries ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_diaries_are_consistent_and_carry_no_canary() -> None:
    """Demo data from alongside/demo/scheduling.py (kept here with the pages that show it)."""
    from collections import defaultdict

    from django.core.management import call_command

    from alongside.visibility.roles import WORKER_ROLES

    canary = "CANARY-d1ary"
    call_command("demo", people=60, canary=canary, stdout=io.StringIO())
    today, now = timezone.localdate(), timezone.now()
    # Signed-up workers: the demo's invited worker has no diary until they choose a password.
    workers = Membership.objects.filter(
        left_on__isnull=True, role__in=WORKER_ROLES, user__is_active=True
    )
    assert not workers.filter(availability__isnull=True).exists()
    assert not workers.filter(languages="").exists()
    assert Membership.skills.through.objects.exists()
    appointments = list(Appointment.objects.all())
    assert appointments and all(a.status == "booked" for a in appointments)
    by_diary = defaultdict(list)
    for a in appointments:
        for key in (("worker", a.worker_id), ("person", a.person_id), ("worker", a.with_worker_id)):
            if key[1] is not None:
                by_diary[key].append((a.starts_at, a.ends_at))
    for rows in by_diary.values():
        rows.sort()
        assert all(later[0] >= earlier[1] for earlier, later in zip(rows, rows[1:], strict=False))
    for a in appointments:
        day = timezone.localtime(a.starts_at).date()
        assert day >= today and canary not in a.place + a.video_link
        assert not AvailabilityException.objects.filter(
            membership__user_id=a.worker_id, starts_on__lte=day, ends_on__gte=day
        ).exists()
    started = [a for a in appointments if a.worker.username == "supporter" and a.starts_at <= now]
    assert len(started) == 1 and timezone.localtime(started[0].starts_at).date() == today
    coordinator = Membership.objects.get(user__username="coordinator")
    assert Membership.objects.filter(
        team=coordinator.team, leaving_on__gt=today, leaving_on__lte=today + timedelta(days=35)
    ).exists()
    assert AvailabilityException.objects.filter(
        membership__team=coordinator.team, ends_on__gte=today
    ).exists()
