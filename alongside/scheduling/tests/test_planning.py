"""Planning a period and warm handovers: services and views with personas."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Skill
from alongside.relationships.models import Handover
from alongside.scheduling import handovers, services
from alongside.scheduling.models import Appointment, PlanningRound, SeeRequest
from alongside.scheduling.planner.score import violations
from alongside.scheduling.planning_rounds import queries as round_queries
from alongside.scheduling.planning_rounds import services as round_services
from alongside.scheduling.tests.helpers import give_days
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory


@pytest.fixture
def team(world):
    """Alice, Cara and Colin in Pat's team, each free three mornings a week; six people."""
    for name in ("alice", "cara", "colin"):
        member = world.members[name]
        member.team = world.team
        member.save()
        give_days(member, range(7))
    people = [world.person]
    for i in range(5):
        person = PersonFactory(team=world.team, given_name=f"Person{i}")
        worker = world.user("alice") if i < 2 else world.user("cara")
        SpellFactory(person=person, worker=worker)
        people.append(person)
    world.people = people
    return world


def _round(world, **overrides):
    today = timezone.localdate()
    values = {
        "by": world.members["colin"],
        "team": world.team,
        "period_start": today + timedelta(days=1),
        "period_end": today + timedelta(days=28),
        "every_days": 14,
        "window_days": 5,
    }
    values.update(overrides)
    return round_services.create_round(**values)


def test_round_lists_everyone_with_a_named_worker_at_the_cadence(team):
    planning_round = _round(team)
    requests = list(planning_round.requests.all())
    # Six people, each due at the start and 14 days later within 28 days.
    assert len(requests) == 12
    assert all((r.latest - r.earliest).days <= 4 for r in requests)


def test_last_contact_sets_when_someone_is_first_due(team):
    world = team
    ContactFactory(person=world.person, worker=world.user("alice"), at=timezone.now())
    planning_round = _round(world)
    first = planning_round.requests.filter(person=world.person).order_by("earliest").first()
    assert first.earliest == timezone.localdate() + timedelta(days=14)


def test_proposal_keeps_people_with_their_named_worker_and_beats_first_available(team):
    planning_round = _round(team)
    figures = planning_round.proposal["figures"]
    baseline = planning_round.proposal["baseline"]
    assert figures["served"] == 12
    assert figures["named_worker_share"] == 1.0
    assert figures["mean_distinct_workers"] == 1.0
    assert figures["score"] >= baseline["score"]
    assert planning_round.proposal["bound"] >= figures["score"]
    context = round_queries.planning_context(planning_round)
    assert violations(context.problem, planning_round.proposal["assignments"]) == []


def test_bad_round_input_is_refused_and_nothing_saved(team):
    today = timezone.localdate()
    cases = [
        ({"period_start": today - timedelta(days=1)}, "period_start"),
        ({"period_end": today}, "period_end"),
        ({"period_end": today + timedelta(days=200)}, "period_end"),
        ({"every_days": 10}, "every_days"),
        ({"window_days": 30}, "window_days"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as caught:
            _round(team, **overrides)
        assert field in caught.value.message_dict
    assert not PlanningRound.objects.exists()
    assert not SeeRequest.objects.exists()


def test_skill_requests_go_only_to_workers_with_the_skill(team):
    world = team
    debt = Skill.objects.create(organisation=world.org, name="Debt advice")
    world.members["cara"].skills.add(debt)
    planning_round = _round(world, skill=debt)
    context = round_queries.planning_context(planning_round)
    for slot_key in planning_round.proposal["assignments"].values():
        assert context.slots[slot_key].worker_id == world.user("cara").pk


def test_adjust_then_accept_books_everything_in_one_go(team):
    world = team
    planning_round = _round(world)
    rows = round_queries.proposal_rows(planning_round)
    row = next(r for r in rows if r.slot and r.alternatives)
    other = next(k for k, _ in row.alternatives if k != row.slot.key)
    round_services.adjust(
        planning_round, by=world.members["colin"], request_id=f"r{row.request.pk}", slot=other
    )
    assert planning_round.proposal["assignments"][f"r{row.request.pk}"] == other
    round_services.adjust(
        planning_round, by=world.members["colin"], request_id=f"r{row.request.pk}", slot=""
    )
    assert f"r{row.request.pk}" not in planning_round.proposal["assignments"]
    booked = round_services.accept(planning_round, by=world.members["colin"])
    assert booked == 11 == Appointment.objects.filter(planning_round=planning_round).count()
    assert planning_round.status == PlanningRound.Status.ACCEPTED
    with pytest.raises(ValidationError):
        round_services.accept(planning_round, by=world.members["colin"])


def test_adjust_refuses_a_slot_that_breaks_a_rule(team):
    world = team
    planning_round = _round(world)
    rows = round_queries.proposal_rows(planning_round)
    first, second = rows[0], rows[1]
    # Giving one request the slot another already holds would book a slot twice.
    with pytest.raises(ValidationError):
        round_services.adjust(
            planning_round,
            by=world.members["colin"],
            request_id=f"r{first.request.pk}",
            slot=second.slot.key if second.slot.key != first.slot.key else "nonsense",
        )


def test_accept_books_nothing_when_a_time_was_taken_meanwhile(team):
    world = team
    planning_round = _round(world)
    assignments = planning_round.proposal["assignments"]
    context = round_queries.planning_context(planning_round)
    taken = context.slots[sorted(assignments.values())[-1]]
    outsider = PersonFactory(team=world.team)
    services.book(
        outsider,
        by=world.members["colin"],
        worker=get_user_model().objects.get(pk=taken.worker_id),
        starts_at=taken.starts_at,
        minutes=60,
        mode="phone",
    )
    with pytest.raises(ValidationError, match="(?i)nothing has been booked"):
        round_services.accept(planning_round, by=world.members["colin"])
    assert Appointment.objects.filter(planning_round=planning_round).count() == 0
    planning_round.refresh_from_db()
    assert planning_round.status == PlanningRound.Status.DRAFT


# Views ----------------------------------------------------------------------------------------


def test_coordinator_plans_adjusts_and_accepts_through_the_pages(team):
    world = team
    client = world.client("colin")
    today = timezone.localdate()
    response = client.post(
        reverse("scheduling:plan_list"),
        {
            "team": world.team.pk,
            "period_start": (today + timedelta(days=1)).isoformat(),
            "period_end": (today + timedelta(days=28)).isoformat(),
            "every_days": "14",
            "window_days": "5",
            "skill": "",
        },
    )
    assert response.status_code == 302
    planning_round = PlanningRound.objects.get()
    html = client.get(response.url).content.decode()
    assert "First available" in html and "With their named worker" in html
    assert 'id="fig-named">100%' in html
    response = client.post(reverse("scheduling:accept_plan", args=[planning_round.pk]))
    assert response.status_code == 302
    assert Appointment.objects.count() == 12


def test_plan_form_bad_input_answers_with_messages(team):
    response = team.client("colin").post(reverse("scheduling:plan_list"), {"team": team.team.pk})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not PlanningRound.objects.exists()


@pytest.mark.parametrize("name", ["alice", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_only_coordinators_plan(team, name):
    planning_round = _round(team)
    client = team.client(name)
    assert client.get(reverse("scheduling:plan_list")).status_code == 404
    assert (
        client.get(reverse("scheduling:plan_detail", args=[planning_round.pk])).status_code == 404
    )
    assert (
        client.post(reverse("scheduling:accept_plan", args=[planning_round.pk])).status_code == 404
    )
    assert not Appointment.objects.exists()


def test_leaving_worker_handovers_are_proposed_and_booked_warm(team):
    world = team
    alice = world.members["alice"]
    alice.leaving_on = timezone.localdate() + timedelta(days=21)
    alice.save()
    world.members["cara"].takes_new_people = 10
    world.members["cara"].save()
    # Pat has met Cara before: she should be proposed.
    ContactFactory(
        person=world.person, worker=world.user("cara"), at=timezone.now() - timedelta(days=30)
    )
    proposals = handovers.handover_proposals(alice)
    assert len(proposals) == 3  # Pat and two others
    pat = next(p for p in proposals if p.person == world.person)
    assert pat.successor_id == world.user("cara").pk
    assert pat.introduction is not None
    client = world.client("colin")
    data = {}
    for p in proposals:
        data[f"hand_over_{p.person.pk}"] = "on"
        data[f"successor_{p.person.pk}"] = str(p.successor_id)
        data[f"slot_{p.person.pk}"] = p.introduction.key
    response = client.post(reverse("scheduling:leaving_worker", args=[alice.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Handover.objects.filter(status=Handover.Status.PLANNED).count() == 3
    intro = Appointment.objects.get(person=world.person)
    assert (intro.worker, intro.with_worker, intro.booked_via) == (
        world.user("alice"),
        world.user("cara"),
        "handover",
    )


def test_leaving_worker_bad_choice_books_nothing(team):
    world = team
    alice = world.members["alice"]
    proposals = handovers.handover_proposals(alice)
    data = {f"hand_over_{p.person.pk}": "on" for p in proposals}
    for p in proposals:
        data[f"successor_{p.person.pk}"] = str(world.user("cara").pk)
        data[f"slot_{p.person.pk}"] = "not a slot"
    response = world.client("colin").post(
        reverse("scheduling:leaving_worker", args=[alice.pk]), data
    )
    assert response.status_code == 400
    assert not Handover.objects.exists() and not Appointment.objects.exists()
    assert (
        world.client("alice").get(reverse("scheduling:leaving_worker", args=[alice.pk])).status_code
        == 404
    )


def test_language_is_the_first_one_the_team_speaks_or_an_interpreter_is_flagged(team):
    world = team
    for name in ("alice", "cara", "colin"):
        world.members[name].languages = "English"
        world.members[name].save()
    world.members["cara"].languages = "English, Polish"
    world.members["cara"].save()
    polish, romanian = world.people[1], world.people[2]
    polish.languages = "Polish, English"
    polish.save()
    romanian.languages = "Romanian"
    romanian.save()
    planning_round = _round(world)
    context = round_queries.planning_context(planning_round)
    for request_id, key in planning_round.proposal["assignments"].items():
        if context.requests[request_id].person_id == polish.pk:
            assert context.slots[key].worker_id == world.user("cara").pk
    rows = round_queries.proposal_rows(planning_round)
    flagged = {row.request.person_id: row.interpreter for row in rows}
    assert flagged[romanian.pk] == "romanian"
    assert flagged[polish.pk] == ""
    served = {context.requests[r].person_id for r in planning_round.proposal["assignments"]}
    assert romanian.pk in served  # booked, with an interpreter to find


def test_coordinator_records_worker_skills_languages_and_capacity(team):
    world = team
    debt = Skill.objects.create(organisation=world.org, name="Debt advice")
    other_org_skill = Skill.objects.create(organisation=world.other_org, name="Elsewhere")
    cara = world.members["cara"]
    url = reverse("scheduling:worker_details", args=[cara.pk])
    client = world.client("colin")
    response = client.post(
        url, {"skills": [debt.pk], "languages": "English;  Polish", "takes_new_people": "3"}
    )
    assert response.status_code == 302
    cara.refresh_from_db()
    assert (cara.languages, cara.takes_new_people) == ("English, Polish", 3)
    assert list(cara.skills.all()) == [debt]
    bad = client.post(url, {"skills": [other_org_skill.pk], "takes_new_people": "-1"})
    assert bad.status_code == 400
    cara.refresh_from_db()
    assert cara.takes_new_people == 3 and list(cara.skills.all()) == [debt]
    assert world.client("alice").get(url).status_code == 404
