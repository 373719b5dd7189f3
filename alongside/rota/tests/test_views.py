"""The rota's pages: bad input answered 400 in plain words with nothing saved, refusals shown
with their reason, another member's signup hidden (404), the gifts ledger, hours and milestones,
and the funder report's time and gifts with small numbers withheld."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.reports.content import build
from alongside.rota import queries, services
from alongside.rota.models import Gift, HoursEntry, MilestoneShare, ShiftPattern, Signup
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory
from alongside.training.models import Activity, Course, Requirement

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


def _m(world, name):
    return Membership.objects.get(user=world.user(name), organisation=world.org)


def test_a_volunteer_signs_up_and_a_refusal_shows_its_reason(world):
    colin = _m(world, "colin")
    shift = first_shift(make_pattern(colin))
    client = world.client("vic")
    response = client.post(reverse("rota:sign_up", args=[role(shift, "Desk").pk]))
    assert response.status_code == 302
    course = Course.objects.create(organisation=world.org, name="Food hygiene", valid_for_months=12)
    Requirement.objects.create(organisation=world.org, course=course, activity=Activity.SHIFTS)
    cara = world.client("cara")
    response = cara.post(reverse("rota:sign_up", args=[role(shift, "Packing").pk]))
    assert response.status_code == 400
    assert "Food hygiene training is not recorded." in response.content.decode()
    assert not Signup.objects.filter(membership=_m(world, "cara")).exists()


def test_another_members_signup_is_hidden(world):
    shift = first_shift(make_pattern(_m(world, "colin")))
    signup = services.sign_up(role(shift, "Desk"), by=_m(world, "vic"))
    for name in ("alice", "colin"):
        response = world.client(name).post(reverse("rota:withdraw", args=[signup.pk]))
        assert response.status_code == 404
    assert world.client("vic").post(reverse("rota:withdraw", args=[signup.pk])).status_code == 302


def test_a_pattern_with_bad_roles_is_answered_400_and_nothing_is_saved(world):
    response = world.client("colin").post(
        reverse("rota:new_pattern"),
        {
            "name": "Friday foodbank", "weekday": "4", "starts_at": "10:00", "ends_at": "13:00",
            "every_weeks": "1", "starts_on": "2026-08-14", "ends_on": "2026-10-01",
            "roles": "Desk two",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "Line 1: write a role, a colon and how many people" in response.content.decode()
    assert not ShiftPattern.objects.exists()


def test_asking_shows_the_gap_filled_on_the_shift_page(world):
    colin = _m(world, "colin")
    shift = first_shift(make_pattern(colin))
    client = world.client("colin")
    response = client.post(
        reverse("rota:shift", args=[shift.pk]),
        {"member": _m(world, "vic").pk, "role": role(shift, "Driver").pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("rota:shift", args=[shift.pk])).content.decode()
    assert "Driver: 1 of 1" in page and "(asked)" in page


def test_a_gift_with_bad_input_is_refused_plainly(world):
    client = world.client("dana")
    response = client.post(
        reverse("rota:gifts"),
        {"kind": "money", "description": "Collection", "received_on": "2026-08-01", "donor": ""},
    )
    assert response.status_code == 400
    assert "Enter how much money was given." in response.content.decode()
    response = client.post(
        reverse("rota:gifts"),
        {"kind": "food", "description": "Tins", "received_on": "2026-08-01", "quantity": "12"},
    )
    assert response.status_code == 400
    assert "Say whether that is kilograms, items or hours." in response.content.decode()
    assert not Gift.objects.exists()
    response = client.post(
        reverse("rota:gifts"),
        {"kind": "money", "description": "Collection", "received_on": "2026-08-01", "value": "25"},
    )
    assert response.status_code == 302
    assert "Anonymous" in client.get(reverse("rota:gifts")).content.decode()


def test_hours_added_count_and_a_milestone_is_shared_only_when_chosen(world):
    vic = _m(world, "vic")
    client = world.client("vic")
    response = client.post(
        reverse("rota:add_hours"), {"what": "Sorting tins", "on": "2026-08-20", "hours": "2"}
    )
    assert response.status_code == 400  # in the future
    assert "choose today or earlier" in response.content.decode()
    response = client.post(
        reverse("rota:add_hours"), {"what": "Sorting tins", "on": "2026-08-10", "hours": "10.5"}
    )
    assert response.status_code == 302
    assert queries.member_hours(vic).added == 630
    assert HoursEntry.objects.count() == 1
    page = client.get(reverse("rota:mine")).content.decode()
    assert "10 hours given" in page
    assert not queries.shared_milestones(world.org.pk)
    client.post(reverse("rota:share_milestone"), {"milestone": "hours-10", "shared": "yes"})
    assert [m.milestone for m in queries.shared_milestones(world.org.pk)] == ["hours-10"]
    response = client.post(
        reverse("rota:share_milestone"), {"milestone": "hours-500", "shared": "yes"}
    )
    assert response.status_code == 400
    assert MilestoneShare.objects.count() == 1


def test_the_report_shows_time_and_gifts_with_small_numbers_withheld(world):
    org = world.org
    colin = _m(world, "colin")
    volunteers = [MembershipFactory(organisation=org, role=Role.VOLUNTEER) for _ in range(5)]
    day = date(2026, 8, 1)
    for v in volunteers[:4]:
        services.add_hours(v, what="Sorting", on=day, minutes=120)
    start, end = date(2026, 7, 1), date(2026, 8, 12)
    figures = {f.label: f for f in build(org, start, end).value}
    assert figures["Hours volunteers gave"].text == "fewer than 5"
    services.add_hours(volunteers[4], what="Sorting", on=day, minutes=180)
    for _ in range(5):
        services.record_gift(
            org, by=colin, kind="food", description="Tins", received_on=day,
            quantity=Decimal(10), unit="kg", value=Decimal(20),
        )  # fmt: skip
    services.record_gift(
        org, by=colin, kind="money", description="Gift", received_on=day, value=Decimal(50)
    )
    figures = {f.label: f for f in build(org, start, end).value}
    assert figures["Hours volunteers gave"].text == "11"  # 4 × 2 h + 3 h
    assert figures["Value of that time"].text == "£140"  # 11 h × £12.71
    assert "National Living Wage" in figures["Value of that time"].note
    assert figures["Food given"].text == "5 gifts, 50 kg, worth about £100"
    assert figures["Money received"].text == "fewer than 5"


def test_the_coordinators_inbox_lists_shifts_short_of_people_this_week(world):
    colin = _m(world, "colin")
    shift = first_shift(make_pattern(colin, roles=[("Driver", 1)]))
    page = world.client("colin").get(reverse("inbox:inbox")).content.decode()
    assert "Shifts short of people in the next 7 days" in page
    assert "Driver has 0 of 1 people" in page
    assert reverse("rota:shift", args=[shift.pk]) in page
    services.sign_up(role(shift, "Driver"), by=_m(world, "vic"))
    page = world.client("colin").get(reverse("inbox:inbox")).content.decode()
    assert "Shifts short of people" not in page
    # A volunteer's own to do does not list the rota's gaps.
    services.withdraw(Signup.objects.get(), by=_m(world, "vic"))
    assert (
        "Shifts short of people"
        not in world.client("vic").get(reverse("inbox:inbox")).content.decode()
    )


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_pages_read_as_many_queries_for_one_row_as_for_three(world):
    colin, vic = _m(world, "colin"), _m(world, "vic")
    today = timezone.localdate()

    def add(n):
        pattern = make_pattern(
            colin, name=f"Shift {n}", weekday=n, ends_on=today + timedelta(days=6)
        )
        services.sign_up(_desk(pattern), by=vic)
        services.add_hours(vic, what=f"Thing {n}", on=today, minutes=60)
        services.record_gift(
            world.org, by=colin, kind="food", description="Tins", received_on=today
        )

    pages = [
        (world.client("colin"), reverse("rota:rota")),
        (world.client("vic"), reverse("rota:mine")),
        (world.client("colin"), reverse("rota:gifts")),
    ]
    add(3)
    for client, url in pages:  # the first request of a session reads the session's own rows
        _queries_for(client, url)
    one = [_queries_for(client, url) for client, url in pages]
    add(4)
    add(5)
    three = [_queries_for(client, url) for client, url in pages]
    assert one == three


def _desk(pattern):  # noqa: N802
    return role(first_shift(pattern), "Desk")
