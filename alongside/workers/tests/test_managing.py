"""Changing roles and teams, leaving dates, switching accounts off and on; the Workers list."""

from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from alongside.access.models import Notification, Role
from alongside.access.queries import active_memberships
from alongside.access.services import end_sessions_of
from alongside.audit.models import AuditEvent
from alongside.relationships.models import NamedWorkerSpell
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, TeamFactory, UserFactory
from alongside.testing.helpers import assert_constant_queries
from alongside.workers import services

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def team_worker(world, username="wyn", role=Role.SUPPORTER, team=None):
    return MembershipFactory(
        organisation=world.org,
        user=UserFactory(username=username, first_name=username.title()),
        role=role,
        team=world.team if team is None else team,
    )


def post(world, persona, name, worker, data=None):
    return world.client(persona).post(reverse(f"workers:{name}", args=[worker.pk]), data or {})


# Role and team ---------------------------------------------------------------------------------


def test_the_data_lead_changes_a_role_and_it_is_audited(world):
    alice = world.members["alice"]
    NamedWorkerSpell.objects.filter(worker=alice.user).update(ended_on=date(2026, 8, 1))
    response = post(
        world, "dana", "change_role", alice, {"role": "volunteer", "team": world.team.pk}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.role, alice.team) == (Role.VOLUNTEER, world.team)
    event = AuditEvent.objects.get(action="access.membership.role_changed")
    assert event.summary["before"] == {"role": "supporter", "team": None}
    assert event.summary["after"] == {"role": "volunteer", "team": world.team.pk}
    assert event.actor_id == world.user("dana").pk


def test_a_coordinator_changes_a_supporter_of_their_team_to_volunteer(world):
    wyn = team_worker(world)
    response = post(
        world, "colin", "change_role", wyn, {"role": "volunteer", "team": world.team.pk}
    )
    assert response.status_code == 302
    wyn.refresh_from_db()
    assert wyn.role == Role.VOLUNTEER


@pytest.mark.parametrize("role", ["data_lead", "safeguarding_lead", "coordinator", "funder_viewer"])
def test_a_coordinator_cannot_raise_anyone_to_a_leading_role(world, role):
    wyn = team_worker(world)
    response = post(world, "colin", "change_role", wyn, {"role": role, "team": world.team.pk})
    assert response.status_code == 400
    assert "Only the data lead gives that role" in " ".join(
        response.context["role_form"].errors["role"]
    )
    wyn.refresh_from_db()
    assert wyn.role == Role.SUPPORTER
    assert not AuditEvent.objects.filter(action="access.membership.role_changed").exists()


def test_a_coordinator_cannot_touch_another_team_a_data_lead_or_another_coordinator(world):
    elsewhere = team_worker(world, "eve", team=TeamFactory(organisation=world.org, name="Foodbank"))
    other_coordinator = team_worker(world, "cory", role=Role.COORDINATOR)
    for target in (elsewhere, world.members["dana"], other_coordinator, world.members["olly"]):
        for name in ("worker", "change_role", "switch_off", "set_leaving"):
            client = world.client("colin")
            url = reverse(f"workers:{name}", args=[target.pk])
            response = (
                client.get(url) if name == "worker" else client.post(url, {"role": "volunteer"})
            )
            assert response.status_code == 404, (target, name)
    with pytest.raises(PermissionError):
        services.change_role(
            world.members["dana"], by=world.members["colin"], role="volunteer", team=None
        )


def test_a_coordinator_cannot_move_someone_to_another_team(world):
    wyn = team_worker(world)
    other = TeamFactory(organisation=world.org, name="Foodbank")
    response = post(world, "colin", "change_role", wyn, {"role": "supporter", "team": other.pk})
    assert response.status_code == 400
    assert "own team" in " ".join(response.context["role_form"].errors["team"])
    wyn.refresh_from_db()
    assert wyn.team == world.team


def test_an_unknown_team_is_answered_on_the_team_field(world):
    response = post(
        world, "dana", "change_role", world.members["cara"], {"role": "supporter", "team": 999999}
    )
    assert response.status_code == 400
    assert "Choose one of your organisation" in " ".join(
        response.context["role_form"].errors["team"]
    )


def test_the_last_data_lead_cannot_give_up_the_role_or_be_switched_off(world):
    dana = world.members["dana"]
    response = post(world, "dana", "change_role", dana, {"role": "supporter", "team": ""})
    assert response.status_code == 400
    assert "only data lead" in " ".join(response.context["role_form"].errors["role"])
    dana.refresh_from_db()
    assert dana.role == Role.DATA_LEAD
    assert post(world, "dana", "switch_off", dana).status_code == 400
    # With a second data lead, either may step down.
    team_worker(world, "della", role=Role.DATA_LEAD, team=None)
    response = post(world, "dana", "change_role", dana, {"role": "funder_viewer", "team": ""})
    assert response.status_code == 302


def test_a_named_worker_cannot_become_an_assessor_until_their_people_are_handed_over(world):
    alice = world.members["alice"]  # Pat's named worker
    response = post(world, "dana", "change_role", alice, {"role": "assessor", "team": ""})
    assert response.status_code == 400
    words = " ".join(response.context["role_form"].errors["role"])
    assert "named worker for 1 person" in words and "eligibility" in words
    alice.refresh_from_db()
    assert alice.role == Role.SUPPORTER
    response = post(world, "dana", "change_role", alice, {"role": "data_lead", "team": ""})
    assert response.status_code == 400
    # Once their people have someone else, the role can change.
    NamedWorkerSpell.objects.filter(worker=alice.user).update(ended_on=date(2026, 8, 1))
    assert (
        post(world, "dana", "change_role", alice, {"role": "assessor", "team": ""}).status_code
        == 302
    )


# Leaving -----------------------------------------------------------------------------------------


def test_marking_leaving_asks_the_coordinator_to_plan_handovers(world):
    wyn = team_worker(world)
    response = post(world, "dana", "set_leaving", wyn, {"leaving_on": "2026-08-28"})
    assert response.status_code == 302
    wyn.refresh_from_db()
    assert wyn.leaving_on == date(2026, 8, 28)
    note = Notification.objects.get(user=world.user("colin"))
    assert note.url == reverse("scheduling:leaving_worker", args=[wyn.pk])
    assert AuditEvent.objects.filter(action="access.membership.leaving_date_set").exists()
    # The handover planning page opens for the coordinator from there.
    assert world.client("colin").get(note.url).status_code == 200
    plans = world.client("colin").get(reverse("scheduling:plan_list")).content.decode()
    assert "leaving 28 Aug 2026: plan warm handovers" in plans


def test_a_leaving_date_in_the_past_is_refused(world):
    wyn = team_worker(world)
    response = post(world, "dana", "set_leaving", wyn, {"leaving_on": "2026-08-01"})
    assert response.status_code == 400
    assert "past" in " ".join(response.context["leaving_form"].errors["leaving_on"])
    wyn.refresh_from_db()
    assert wyn.leaving_on is None


def test_access_ends_by_itself_when_the_leaving_date_has_passed(world, time_machine):
    alice = world.members["alice"]
    services.mark_leaving(alice, by=world.members["dana"], leaving_on=date(2026, 8, 14))
    person = reverse("people:person", args=[world.person.pk])
    # A fresh sign-in each time: the idle timeout would end a session left for two days.
    assert world.client("alice").get(person).status_code == 200
    time_machine.move_to(SUMMER_MIDDAY + timedelta(days=2, hours=11))  # 14 August, 23:00
    assert world.client("alice").get(person).status_code == 200, "their last day is theirs"
    time_machine.move_to(SUMMER_MIDDAY + timedelta(days=2, hours=13))  # 15 August, 01:00
    assert world.client("alice").get(person).status_code == 404
    assert list(active_memberships(alice.user)) == []
    alice.refresh_from_db()
    assert not alice.is_active and alice.has_left
    # Nobody can choose them as a worker any more, and the Workers page says they left.
    from alongside.access.queries import workers_of

    assert alice not in workers_of(world.org)
    assert (
        "Left"
        in world.client("dana").get(reverse("workers:worker", args=[alice.pk])).content.decode()
    )


# Switching off and on ---------------------------------------------------------------------------


def test_switching_off_ends_their_sessions_at_once_and_keeps_their_records(world):
    alice = world.members["alice"]
    alice.user.set_password("alice-knows-this-one")
    alice.user.save()
    signed_in = Client()
    assert signed_in.login(username="alice", password="alice-knows-this-one")
    home = reverse("relationships:home")
    assert signed_in.get(home).status_code == 200
    other_session = world.client("cara")

    response = post(world, "dana", "switch_off", alice)
    assert response.status_code == 302
    after = signed_in.get(home)
    assert after.status_code == 302 and after.url.startswith(reverse("access:login"))
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(alice.user_id) for s in Session.objects.all()
    )
    assert other_session.get(home).status_code == 200, "only their sessions end"
    assert not Client().login(username="alice", password="alice-knows-this-one")
    alice.refresh_from_db()
    alice.user.refresh_from_db()
    assert alice.left_on == date(2026, 8, 12) and not alice.user.is_active
    assert NamedWorkerSpell.objects.filter(worker=alice.user).exists(), "records stay"
    event = AuditEvent.objects.get(action="access.membership.switched_off")
    assert event.summary["sessions_ended"] == 1

    assert post(world, "dana", "switch_on", alice).status_code == 302
    assert Client().login(username="alice", password="alice-knows-this-one")
    assert AuditEvent.objects.filter(action="access.membership.switched_on").exists()


def test_switching_off_someone_who_works_elsewhere_keeps_their_other_organisation(world):
    alice = world.members["alice"]
    MembershipFactory(organisation=world.other_org, user=alice.user, role=Role.SUPPORTER)
    services.switch_off(alice, by=world.members["dana"])
    alice.user.refresh_from_db()
    assert alice.user.is_active
    assert [m.organisation for m in active_memberships(alice.user)] == [world.other_org]


def test_you_cannot_switch_yourself_off(world):
    team_worker(world, "della", role=Role.DATA_LEAD, team=None)
    response = post(world, "dana", "switch_off", world.members["dana"])
    assert response.status_code == 400
    assert b"your own account" in response.content
    world.members["dana"].refresh_from_db()
    assert world.members["dana"].left_on is None


def test_end_sessions_of_only_ends_that_users_sessions(world):
    world.client("alice"), world.client("alice"), world.client("cara")
    assert end_sessions_of(world.user("alice").pk) == 2
    users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert users == {str(world.user("cara").pk)}


# The list ----------------------------------------------------------------------------------------


def test_the_list_shows_status_and_filters(world):
    leaving = team_worker(world, "lena")
    leaving.leaving_on = date(2026, 9, 1)
    leaving.save()
    off = team_worker(world, "otto")
    off.left_on = date(2026, 8, 1)
    off.save()
    page = world.client("dana").get(reverse("workers:list")).content.decode()
    assert "Lena" in page and "Leaving" in page and "1 Sep 2026" in page
    assert "Switched off" in page and "Active" in page
    only_off = world.client("dana").get(reverse("workers:list"), {"status": "off"}).content.decode()
    assert "Otto" in only_off and "Lena" not in only_off
    found = world.client("dana").get(reverse("workers:list"), {"q": "len"}).content.decode()
    assert "Lena" in found and "Otto" not in found


def test_a_coordinator_sees_only_their_team(world):
    team_worker(world, "wyn")
    team_worker(world, "eve", team=TeamFactory(organisation=world.org, name="Foodbank"))
    page = world.client("colin").get(reverse("workers:list")).content.decode()
    assert "Wyn" in page and "Eve" not in page


def test_the_list_pages(world):
    for n in range(30):
        team_worker(world, f"w{n:02d}")
    first = world.client("dana").get(reverse("workers:list"))
    assert len(first.context["rows"]) == 25
    assert first.context["page"].previous_cursor is None
    cursor = first.context["page"].next_cursor
    second = world.client("dana").get(reverse("workers:list"), {"cursor": cursor})
    assert len(second.context["rows"]) == 30 + 8 - 25  # the 8 personas of this organisation too
    assert second.context["page"].next_cursor is None
    assert "38 workers" in second.content.decode() and 'rel="prev"' in second.content.decode()


def test_the_list_queries_are_constant(world):
    made = []

    def add(n):
        for _ in range(n):
            made.append(team_worker(world, f"q{len(made)}"))

    assert_constant_queries(world.client("dana"), reverse("workers:list"), add)


def test_each_status_filter_finds_only_its_own(world, django_capture_on_commit_callbacks):
    leaving = team_worker(world, "lena")
    leaving.leaving_on = date(2026, 9, 1)
    leaving.save()
    gone = team_worker(world, "gus")
    gone.leaving_on = date(2026, 8, 1)  # passed: left
    gone.save()
    off = team_worker(world, "otto")
    off.left_on = date(2026, 8, 1)
    off.save()
    services.invite_worker(
        world.org,
        by=world.members["dana"],
        email="ivy@example.org",
        first_name="Ivy",
        last_name="",
        role=Role.SUPPORTER,
        team=world.team,
    )

    def names(status):
        response = world.client("dana").get(reverse("workers:list"), {"status": status})
        return {m.user.first_name for m, _ in response.context["rows"]}

    assert names("leaving") == {"Lena"}
    assert names("invited") == {"Ivy"}
    assert names("off") == {"Gus", "Otto"}
    active = names("active")
    assert "Alice" in active and not active & {"Lena", "Ivy", "Gus", "Otto"}
    assert len(names("")) == 8 + 4
