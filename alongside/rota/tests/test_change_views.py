"""The coordinator's pages to cancel a shift, change a repeating shift and mark who did not come:
plain errors on the right field (400, nothing saved), sent twice it is done once, others refused
(404), and the volunteer sees a cancelled shift on My shifts."""

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership
from alongside.audit.models import AuditEvent
from alongside.common.once import FIELD, new_token
from alongside.rota import services
from alongside.rota.models import Shift, Signup, SignupStatus
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


def _m(world, name):
    return Membership.objects.get(user=world.user(name), organisation=world.org)


def test_a_coordinator_cancels_a_shift_once_and_the_volunteer_sees_it(world):
    colin = _m(world, "colin")
    shift = first_shift(make_pattern(colin))
    services.sign_up(role(shift, "Desk"), by=_m(world, "vic"))
    client = world.client("colin")
    url = reverse("rota:cancel_shift", args=[shift.pk])
    page = client.get(url).content.decode()
    assert "1 person is on it and will be told" in page and 'name="submit_token"' in page
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 400
    assert "Enter why it is cancelled" in empty.content.decode()
    shift.refresh_from_db()
    assert shift.cancelled_at is None
    token = new_token()
    for _ in range(2):  # a double click
        response = client.post(url, {"reason": "The hall is flooded.", FIELD: token})
        assert response.status_code in (302, 303)  # the second: "you sent this already"
    assert AuditEvent.objects.filter(action="rota.shift.cancelled").count() == 1
    assert (
        "The hall is flooded."
        in client.get(reverse("rota:shift", args=[shift.pk])).content.decode()
    )
    mine = world.client("vic").get(reverse("rota:mine")).content.decode()
    assert 'id="cancelled-shifts"' in mine and "The hall is flooded." in mine
    # Cancelling again says so on the field.
    again = client.post(url, {"reason": "Again"})
    assert again.status_code in (200, 400)
    assert "already cancelled" in again.content.decode()


def test_only_the_coordinator_may_cancel_change_or_mark(world):
    colin = _m(world, "colin")
    pattern = make_pattern(colin)
    shift = first_shift(pattern)
    signup = services.sign_up(role(shift, "Desk"), by=_m(world, "vic"))
    for persona in ("vic", "alice", "dana", "olly"):
        client = world.client(persona)
        cancel = client.post(reverse("rota:cancel_shift", args=[shift.pk]), {"reason": "No"})
        change = client.get(reverse("rota:change_pattern", args=[pattern.pk]))
        mark = client.post(reverse("rota:attendance", args=[signup.pk]), {"came": "no"})
        assert (cancel.status_code, change.status_code, mark.status_code) == (404, 404, 404), (
            persona
        )
    shift.refresh_from_db()
    assert shift.cancelled_at is None
    assert Signup.objects.get(pk=signup.pk).did_not_come is False


def test_changing_a_repeating_shift_says_what_happens_and_refuses_plainly(world):
    colin = _m(world, "colin")
    pattern = make_pattern(colin, ends_on=None)
    shifts = list(Shift.objects.filter(pattern=pattern).order_by("starts_at"))
    services.sign_up(role(shifts[1], "Desk"), by=_m(world, "vic"))
    client = world.client("colin")
    url = reverse("rota:change_pattern", args=[pattern.pk])
    page = client.get(url).content.decode()
    assert "1 shift from today on already has people on it: it stays as it was" in page
    assert "Desk: 2" in page  # the roles as they are, to change
    bad = client.post(
        url,
        {"from_day": "2026-08-20", "starts_at": "12:00", "ends_at": "11:00", "roles": "Desk two"},
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "write a role, a colon and how many people" in body
    assert Shift.objects.filter(pattern=pattern).count() == len(shifts)
    pattern.refresh_from_db()
    assert pattern.starts_at == time(10)
    good = client.post(
        url,
        {
            "from_day": "2026-08-12",
            "starts_at": "11:00",
            "ends_at": "14:00",
            "roles": "Desk: 1\nKitchen: 2",
            FIELD: new_token(),
        },
        follow=True,
    )
    assert good.status_code == 200
    assert (
        "1 shift with people on it stays as it was; they have been told." in good.content.decode()
    )
    kept = Shift.objects.get(pk=shifts[1].pk)
    assert timezone.localtime(kept.starts_at).time() == time(10)
    moved = Shift.objects.filter(pattern=pattern).exclude(pk=kept.pk).first()
    assert timezone.localtime(moved.starts_at).time() == time(11)


def test_a_coordinator_marks_did_not_come_and_undoes_it(world):
    colin = _m(world, "colin")
    shift = first_shift(make_pattern(colin))
    signup = services.sign_up(role(shift, "Desk"), by=_m(world, "vic"))
    client = world.client("colin")
    url = reverse("rota:attendance", args=[signup.pk])
    early = client.post(url, {"came": "no"})
    assert early.status_code == 400
    assert "once the shift has started" in early.content.decode()
    with time_machine.travel(shift.ends_at + timedelta(hours=2), tick=False):
        client = world.client("colin")  # signed in again: days later, the session has ended
        page = client.get(reverse("rota:shift", args=[shift.pk])).content.decode()
        assert 'id="attendance"' in page and "Did not come" in page
        assert client.post(url, {"came": "no"}).status_code == 302
        assert Signup.objects.get(pk=signup.pk).did_not_come
        page = client.get(reverse("rota:shift", args=[shift.pk])).content.decode()
        assert "Undo: they came" in page
        assert client.post(url, {"came": "yes"}).status_code == 302
        assert not Signup.objects.get(pk=signup.pk).did_not_come
        recent = client.get(reverse("rota:rota")).content.decode()
        assert reverse("rota:shift", args=[shift.pk]) in recent.split('id="recent"', 1)[1]
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.CONFIRMED
