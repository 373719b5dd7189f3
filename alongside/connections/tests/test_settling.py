"""When an introduction settles, those who helped are told: the worker who proposed it, each
person's named worker, a volunteer side's volunteer. "Going ahead" when both agree; the same
"not going ahead" words whether someone said no, the time ran out or it was withdrawn. Invitations
expire on time through a queued task, as well as on read."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from alongside.access.models import Notification
from alongside.connections import services
from alongside.connections.models import Introduction, IntroductionSide, Status
from alongside.connections.tasks import expire_introduction
from alongside.connections.tests.helpers import build_town
from alongside.testing.helpers import reset_rate_limits

FORBIDDEN = ("declin", "said no", "refus", "rejected", "rather not", "expired", "ran out")
NAMES = ("Pat", "Una", "Ray", "Example", "Neighbour")


@pytest.fixture
def town(world):
    reset_rate_limits()
    return build_town(world)


def start(town, person, other, *, by="alice", now=None):
    intro = services.propose(person, by=town.m(by), other=other, now=now)
    issued = services.ask(intro, by=town.m(by), now=now)
    sides = {
        s.person.given_name: s
        for s in IntroductionSide.objects.for_system("test")
        .filter(introduction=intro)
        .select_related("person")
    }
    return intro, {name: issued[side.pk] for name, side in sides.items()}


def link(client, token, **data):
    reset_rate_limits()
    url = f"/connections/i/{token}/"
    return client.post(url, data) if data else client.get(url)


def told():
    """(username, text, url with ids blanked) for every notification, sorted."""
    return sorted(
        (n.user.username, n.text, re.sub(r"\d+", "<id>", n.url))
        for n in Notification.objects.select_related("user")
    )


def stored(intro):
    return Introduction.objects.for_system("test").get(pk=intro.pk)


def test_both_agree_tells_the_proposer_and_each_side_s_worker_once(town, client):
    intro, tokens = start(town, town.world.person, town.una)
    link(client, tokens["Pat"], agree="yes", share_first_name="on")
    assert told() == []  # nothing until it settles
    link(client, tokens["Una"], agree="yes", share_first_name="on")
    assert stored(intro).status == Status.INTRODUCED
    url = "/connections/introductions/<id>/"
    # alice proposed it and is Pat's named worker: told once. wes is Una's named worker.
    assert told() == [
        ("alice", services.GOING_AHEAD_TEXT, url),
        ("wes", services.GOING_AHEAD_TEXT, url),
    ]
    assert Notification.objects.get(user=town.wes.user).url == (
        f"/connections/introductions/{intro.pk}/"
    )


def test_a_no_and_a_lapse_read_exactly_the_same(town, client, monkeypatch):
    declined, tokens = start(town, town.world.person, town.una)
    link(client, tokens["Pat"], agree="yes", share_first_name="on")
    link(client, tokens["Una"], agree="no")
    assert stored(declined).status == Status.DECLINED
    after_no = told()
    Notification.objects.all().delete()

    lapsed, _ = start(town, town.ray, town.una)
    later = timezone.now() + timedelta(days=15)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert expire_introduction.call(lapsed.pk) is True
    assert stored(lapsed).status == Status.EXPIRED
    after_lapse = told()

    url = "/connections/introductions/<id>/"
    assert (
        after_no
        == after_lapse
        == [
            ("alice", services.NOT_GOING_AHEAD_TEXT, url),
            ("wes", services.NOT_GOING_AHEAD_TEXT, url),
        ]
    )
    text = services.NOT_GOING_AHEAD_TEXT.lower()
    assert not any(word in text for word in FORBIDDEN)
    assert not any(name.lower() in text for name in NAMES)
    assert not any(name.lower() in services.GOING_AHEAD_TEXT.lower() for name in NAMES)


def test_the_other_side_still_learns_nothing_of_a_no(town, client):
    intro, tokens = start(town, town.world.person, town.una)
    link(client, tokens["Pat"], agree="yes", share_first_name="on")
    link(client, tokens["Una"], agree="no")
    alice = town.world.client("alice")
    pages = [
        link(client, tokens["Pat"]).content.decode(),
        alice.get("/notifications/").content.decode(),
        alice.get(f"/connections/introductions/{intro.pk}/").content.decode(),
        alice.get(f"/connections/people/{town.world.person.pk}/").content.decode(),
    ]
    assert "not going ahead" in pages[0] and "not going ahead" in pages[1]
    for page in pages:
        assert not any(word in page.lower() for word in FORBIDDEN[:5]), page
    assert re.search(r"\bUna\b", pages[0]) is None


def test_nobody_else_is_told(town, client):
    intro, tokens = start(town, town.world.person, town.una, by="colin")
    link(client, tokens["Pat"], agree="no")
    # colin proposed it; alice and wes are each side's named worker. Not cara, vic, sam, olly.
    assert [name for name, _, _ in told()] == ["alice", "colin", "wes"]


def test_a_withdrawal_tells_the_others_in_the_same_words(town):
    intro, _ = start(town, town.world.person, town.una)
    services.withdraw(intro, by=town.m("alice"))
    assert told() == [("wes", services.NOT_GOING_AHEAD_TEXT, "/connections/introductions/<id>/")]


def test_a_volunteer_side_is_told_as_their_own_worker(town, world):
    intro = services.propose(world.person, by=town.m("colin"), volunteer=world.user("vic"))
    services.ask(intro, by=town.m("colin"))
    side = IntroductionSide.objects.for_system("test").get(introduction=intro, position=0)
    services.answer(side, agree=False, by=town.m("alice"))
    assert [name for name, _, _ in told()] == ["alice", "colin", "vic"]


def test_a_worker_who_left_is_not_told(town, client):
    town.wes.left_on = timezone.localdate()
    town.wes.save()
    intro, tokens = start(town, town.world.person, town.una)
    link(client, tokens["Pat"], agree="no")
    assert [name for name, _, _ in told()] == ["alice"]


def test_the_expiry_task_is_idempotent_and_leaves_answered_ones_alone(town, client, monkeypatch):
    intro, tokens = start(town, town.world.person, town.una)
    assert expire_introduction.call(intro.pk) is False  # not due yet
    assert stored(intro).status == Status.ASKING and told() == []
    later = timezone.now() + timedelta(days=15)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert expire_introduction.call(intro.pk) is True
    assert expire_introduction.call(intro.pk) is False
    assert services.expire_due() == 0
    assert len(told()) == 2  # alice and wes, once each
    assert expire_introduction.call(999_999) is False
    monkeypatch.undo()

    answered, tokens = start(town, town.ray, town.una)
    link(client, tokens["Ray"], agree="yes")
    link(client, tokens["Una"], agree="yes")
    withdrawn, _ = start(town, town.ray, town.world.person)
    services.withdraw(withdrawn, by=town.m("alice"))
    Notification.objects.all().delete()
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert expire_introduction.call(answered.pk) is False
    assert expire_introduction.call(withdrawn.pk) is False
    assert stored(answered).status == Status.INTRODUCED
    assert stored(withdrawn).status == Status.WITHDRAWN
    assert told() == []


def test_asking_queues_the_expiry_for_when_the_invitations_run_out(
    town, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        intro, _ = start(town, town.world.person, town.una)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "alongside.connections.tasks.expire_introduction"
    assert queued.run_after == stored(intro).expires_at
    assert queued.args_kwargs["args"] == [intro.pk]


def test_the_worker_expires_an_invitation_on_time(
    town, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    asked_at = timezone.now() - timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        intro, _ = start(town, town.world.person, town.una, now=asked_at)
    assert Introduction.objects.for_system("test").get(pk=intro.pk).status == Status.ASKING
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert stored(intro).status == Status.EXPIRED
    assert stored(intro).closed_at == asked_at + timedelta(days=services.INVITATION_DAYS)
    assert [name for name, _, _ in told()] == ["alice", "wes"]
