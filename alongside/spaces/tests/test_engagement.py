"""Sustained engagement: per person and space, and the prompt when a regular stops."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.people.models import Person
from alongside.relationships.models import NamedWorkerSpell
from alongside.spaces import services
from alongside.spaces.models import LapsePrompt, StoppingReason
from alongside.spaces.tests.helpers import attend, make_session, make_space

pytestmark = pytest.mark.django_db
SUPPORT_WORDS = "my back has been bad"


def _weekly(space, n, *, closed=True):
    today = timezone.localdate()
    sessions = [make_session(space, on=today - timedelta(weeks=n - 1 - i)) for i in range(n)]
    if closed:
        for s in sessions:
            s.register_closed_at = timezone.now()
            s.save(update_fields=["register_closed_at"])
    return sessions


def _came(sessions, person, pattern):
    for session, came in zip(sessions, pattern, strict=True):
        if came:
            attend(session, person)


@pytest.fixture
def space(world):
    return make_space(world.org, team=world.team, host=world.user("vic"))


def test_a_regular_who_stops_prompts_their_named_worker_once(world, space):
    sessions = _weekly(space, 6)
    _came(sessions, world.person, [1, 1, 0, 1, 0, 0])
    prompts = services.check_lapses(space)
    assert [p.sent_to for p in prompts] == [world.user("alice")]
    note = Notification.objects.get()
    assert note.user == world.user("alice")
    assert (
        note.text == "Someone who comes to Lunch club regularly has missed the last two sessions."
    )
    assert "Pat" not in note.text
    assert note.url == reverse("spaces:person", args=[world.person.pk])
    # never the coordinator, who is neither named worker nor host
    assert not Notification.objects.filter(user=world.user("colin")).exists()
    # once per lapse: the next check (and a third missed session) sends nothing more
    assert services.check_lapses(space) == []
    s7 = make_session(space, on=timezone.localdate() + timedelta(days=1))
    s7.register_closed_at = timezone.now()
    s7.save()
    assert services.check_lapses(space, today=s7.on) == []
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="spaces.lapse.prompted").count() == 1


def test_without_a_named_worker_the_host_is_told(world, space):
    NamedWorkerSpell.objects.filter(person=world.person).update(ended_on=timezone.localdate())
    sessions = _weekly(space, 6)
    _came(sessions, world.person, [1, 1, 1, 1, 0, 0])
    services.check_lapses(space)
    note = Notification.objects.get()
    assert note.user == world.user("vic")
    assert note.url == reverse("spaces:space", args=[space.pk])


def test_nobody_is_told_without_named_worker_or_host(world, space):
    NamedWorkerSpell.objects.filter(person=world.person).update(ended_on=timezone.localdate())
    space.host = None
    space.save()
    _came(_weekly(space, 6), world.person, [1, 1, 1, 1, 0, 0])
    assert services.check_lapses(space) == []
    assert not Notification.objects.exists()


def test_someone_who_was_not_regular_or_came_last_time_is_not_a_lapse(world, space):
    other = Person.objects.create(organisation=world.org, team=world.team, given_name="Ola")
    sessions = _weekly(space, 6)
    _came(sessions, world.person, [1, 0, 0, 1, 0, 0])
    _came(sessions, other, [1, 1, 1, 1, 1, 0])
    assert services.check_lapses(space) == []


def test_coming_back_and_stopping_again_is_a_new_lapse(world, space):
    sessions = _weekly(space, 12)
    _came(sessions, world.person, [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0])
    today = timezone.localdate()
    assert len(services.check_lapses(space, today=sessions[5].on)) == 1
    assert len(services.check_lapses(space, today=today)) == 1
    assert LapsePrompt.objects.count() == 2


def test_cancelled_sessions_and_sessions_without_a_register_are_not_missed(world, space):
    sessions = _weekly(space, 6)
    _came(sessions[:4], world.person, [1, 1, 1, 1])
    sessions[4].register_closed_at = None
    sessions[4].save()
    sessions[5].cancelled_at = timezone.now()
    sessions[5].save()
    assert services.check_lapses(space) == []


def test_a_reason_recorded_since_stops_the_prompt(world, space):
    _came(_weekly(space, 6), world.person, [1, 1, 1, 1, 0, 0])
    services.record_stopping_reason(
        world.person,
        by=world.members["alice"],
        space=space,
        reason="health",
        in_their_words=SUPPORT_WORDS,
    )
    assert services.check_lapses(space) == []


def test_closing_the_register_queues_the_check_which_prompts(
    world, space, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    sessions = _weekly(space, 6, closed=False)
    _came(sessions, world.person, [1, 1, 1, 1, 0, 0])
    for s in sessions[:-1]:
        s.register_closed_at = timezone.now()
        s.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("vic").post(
            reverse("spaces:close_register", args=[sessions[-1].pk])
        )
    assert response.status_code == 302
    assert not Notification.objects.exists()  # queued, not yet run
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert Notification.objects.get().user == world.user("alice")
    # The task's audit event carries the task's own request id, not the closing request's.
    prompted = AuditEvent.objects.get(action="spaces.lapse.prompted")
    assert prompted.request_id.startswith("task:")
    assert prompted.request_id != response["X-Request-Id"]


def test_engagement_pages_show_the_rule_and_the_numbers(world, space):
    sessions = _weekly(space, 6)
    _came(sessions, world.person, [1, 1, 0, 1, 0, 0])
    page = world.client("alice").get(reverse("spaces:person", args=[world.person.pk]))
    html = page.content.decode()
    assert "Came regularly, missed the last two" in html
    assert "at least 3 of the last 4 sessions held" in html
    assert "50%" in html  # 3 of 6 held since their first
    space_page = world.client("vic").get(reverse("spaces:space", args=[space.pk])).content.decode()
    assert "Pat Example" in space_page and "at least 3 of the last 4" in space_page
    # a worker who does not take the register sees sessions, not who comes
    cara_only = make_space(world.org, team=None, host=world.user("alice"), name="Walk")
    assert (
        "Pat Example"
        not in world.client("vic")
        .get(reverse("spaces:space", args=[cara_only.pk]))
        .content.decode()
    )


def test_person_page_panel_shows_spaces_and_ties_count_to_the_right_roles(world, space):
    _came(_weekly(space, 2), world.person, [1, 1])
    services.record_ties(world.person, by=world.members["alice"], added=[("bonding", "My sister")])
    url = reverse("people:person", args=[world.person.pk])
    alice = world.client("alice").get(url).content.decode()
    assert "Spaces they come to" in alice and "Lunch club" in alice
    assert "People and groups they can turn to: 1" in alice
    cara = world.client("cara").get(url).content.decode()
    assert "Lunch club" in cara and "People and groups they can turn to" not in cara
    amir = world.client("amir").get(url).content.decode()
    assert "Spaces they come to" not in amir


def test_reasons_for_stopping_are_support_sphere(world, space):
    url = reverse("spaces:stopped", args=[world.person.pk])
    _came(_weekly(space, 2), world.person, [1, 1])
    bad = world.client("alice").post(url, {"reason": "other", "in_their_words": ""})
    assert bad.status_code == 400
    ok = world.client("alice").post(
        url, {"space": space.pk, "reason": "health", "in_their_words": SUPPORT_WORDS}
    )
    assert ok.status_code == 302
    with pytest.raises(Exception, match="support sphere"):
        list(StoppingReason.objects.all())
    page = reverse("spaces:person", args=[world.person.pk])
    assert SUPPORT_WORDS in world.client("colin").get(page).content.decode()
    assert SUPPORT_WORDS not in world.client("cara").get(page).content.decode()
    assert SUPPORT_WORDS not in world.client("vic").get(page).content.decode()  # not theirs
    event = AuditEvent.objects.get(action="spaces.stopping_reason.recorded")
    assert SUPPORT_WORDS not in str(event.summary) and "health" not in str(event.summary)
    assert AuditEvent.objects.filter(action="spaces.stoppingreason.viewed").exists()


def test_no_support_words_in_any_notification(world, space):
    _came(_weekly(space, 6), world.person, [1, 1, 1, 1, 0, 0])
    services.record_ties(
        world.person, by=world.members["alice"], added=[("bonding", SUPPORT_WORDS)]
    )
    services.check_lapses(space)
    for note in Notification.objects.all():
        assert SUPPORT_WORDS not in note.text and "Pat" not in note.text
