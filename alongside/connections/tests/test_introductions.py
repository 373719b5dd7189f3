"""Introductions: each side asked privately, nothing revealed until both agree, a "no" never shown
to the other side or their worker, invitations expire, bad input saves nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.connections import queries, services
from alongside.connections.models import (
    Answer,
    FollowUp,
    Introduction,
    IntroductionSide,
    SpaceProfile,
    Status,
)
from alongside.connections.tests.helpers import build_town, profile
from alongside.testing.helpers import reset_rate_limits

FORBIDDEN = ("declin", "said no", "refus", "rejected")


@pytest.fixture
def town(world):
    reset_rate_limits()
    return build_town(world)


def start(town, *, by="alice"):
    """Pat and Una: alice (Pat's named worker) suggests it; wes supports Una."""
    intro = services.propose(town.world.person, by=town.m(by), other=town.una)
    issued = services.ask(intro, by=town.m(by))
    sides = {
        s.person.given_name: s
        for s in IntroductionSide.objects.for_system("test")
        .filter(introduction=intro)
        .select_related("person")
    }
    tokens = {name: issued[side.pk] for name, side in sides.items()}
    return intro, sides, tokens


def link(client, token, **data):
    reset_rate_limits()
    url = f"/connections/i/{token}/"
    return client.post(url, data) if data else client.get(url)


def text(response):
    return response.content.decode()


def test_both_agree_then_each_sees_only_what_the_other_shared(town, client):
    intro, sides, tokens = start(town)
    page = link(client, tokens["Pat"])
    assert page.status_code == 200 and "Hello Pat" in text(page)
    assert "Una" not in text(page) and "Example" not in text(page)
    assert "no-store" in page["Cache-Control"] and page._has_been_logged
    response = link(
        client,
        tokens["Pat"],
        agree="yes",
        share_first_name="on",
        share_in_common="on",
        share_contact="on",
        contact_way="07700 900123",
    )
    assert response.status_code == 302
    waiting = link(client, tokens["Pat"])
    assert "waiting to hear" in text(waiting) and "Una" not in text(waiting)
    # Una's page before she answers: nothing about Pat, not even that Pat said yes.
    una_page = link(client, tokens["Una"])
    assert "Pat" not in text(una_page) and "07700" not in text(una_page)
    # Una's worker sees nothing about Pat either.
    wes = client_for(town, town.wes)
    wes_page = wes.get(f"/connections/introductions/{intro.pk}/")
    assert wes_page.status_code == 200 and "Pat" not in text(wes_page)
    link(client, tokens["Una"], agree="yes", share_in_common="on")  # not her name
    intro = Introduction.objects.for_system("test").get(pk=intro.pk)
    assert intro.status == Status.INTRODUCED
    pat_after = text(link(client, tokens["Pat"]))
    assert "They chose not to share their name yet" in pat_after
    assert "Una" not in pat_after
    una_after = text(link(client, tokens["Una"]))
    assert "Pat" in una_after and "07700 900123" in una_after
    assert "introduced" in text(
        town.world.client("alice").get(f"/connections/introductions/{intro.pk}/")
    )
    actions = list(
        AuditEvent.objects.filter(subject_id=str(intro.pk)).values_list("action", flat=True)
    )
    assert actions.count("connections.introduction.answered") == 2
    assert "connections.introduction.introduced" in actions


def client_for(town, membership):
    from django.test import Client

    c = Client()
    c.force_login(membership.user)
    return c


def test_a_no_is_never_shown_to_the_other_side_or_their_worker(town, client):
    intro, sides, tokens = start(town)
    link(client, tokens["Pat"], agree="yes", share_first_name="on")
    link(client, tokens["Una"], agree="no")
    pat_link = text(link(client, tokens["Pat"]))
    assert "not going ahead" in pat_link
    alice = town.world.client("alice")
    colin = town.world.client("colin")
    pages = [
        pat_link,
        text(alice.get(f"/connections/introductions/{intro.pk}/")),
        text(colin.get(f"/connections/introductions/{intro.pk}/")),
        text(alice.get(f"/connections/people/{town.world.person.pk}/")),
        text(alice.get(f"/people/{town.world.person.pk}/")),
    ]
    for page in pages:
        assert not any(word in page.lower() for word in FORBIDDEN), page
    # colin (Pat's coordinator, who did not suggest it) never learns who the other side was.
    assert "Una" not in pages[2] and "Una" not in pages[0]
    # Una's own worker sees that she said no; Una's own link page tells her kindly.
    wes_page = text(client_for(town, town.wes).get(f"/connections/introductions/{intro.pk}/"))
    assert "said no" in wes_page and "Pat" not in wes_page
    assert "you would rather not" in text(link(client, tokens["Una"]))
    # The audit trail does not say who said no either.
    for event in AuditEvent.objects.filter(subject_id=str(intro.pk)):
        assert "declin" not in str(event.summary)


def test_expired_invitations_cannot_be_answered(town, client):
    intro, sides, tokens = start(town)
    later = timezone.now() + timedelta(days=15)
    with pytest.raises(services.Closed):
        services.answer(sides["Pat"], agree=True, now=later)
    stored = Introduction.objects.for_system("test").get(pk=intro.pk)
    assert stored.status == Status.EXPIRED
    pat_side = IntroductionSide.objects.for_system("test").get(pk=sides["Pat"].pk)
    assert pat_side.answer == Answer.WAITING and pat_side.answered_at is None
    page = link(client, tokens["Una"], agree="yes")
    assert page.status_code == 410 and "not going ahead" in text(page)


def test_expiry_is_lazy_on_read_and_the_task_makes_it_stick(town, client, monkeypatch):
    intro, sides, tokens = start(town)
    later = timezone.now() + timedelta(days=15)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert queries.effective_status(intro) == Status.EXPIRED
    page = link(client, tokens["Pat"])
    assert page.status_code == 410
    assert services.expire_due() == 1
    assert Introduction.objects.for_system("test").get(pk=intro.pk).status == Status.EXPIRED


def test_bad_input_is_answered_and_nothing_is_half_saved(town, client):
    intro, sides, tokens = start(town)
    before = AuditEvent.objects.count()
    missing = link(client, tokens["Pat"], share_first_name="on")
    assert missing.status_code == 400 and "Choose yes or no" in text(missing)
    no_way = link(client, tokens["Pat"], agree="yes", share_contact="on", contact_way="  ")
    assert no_way.status_code == 400 and "how you would like to be contacted" in text(no_way)
    nonsense = link(client, tokens["Pat"], agree="maybe")
    assert nonsense.status_code == 400
    side = IntroductionSide.objects.for_system("test").get(pk=sides["Pat"].pk)
    assert side.answer == Answer.WAITING and side.token_used_at is None
    assert AuditEvent.objects.count() == before
    assert link(client, "not-a-real-token").status_code == 404
    assert link(client, "x" * 200).status_code == 404


def test_a_link_works_once(town, client):
    intro, sides, tokens = start(town)
    link(client, tokens["Pat"], agree="no")
    again = link(client, tokens["Pat"], agree="yes")
    assert again.status_code == 200  # shows their answer; does not change it
    side = IntroductionSide.objects.for_system("test").get(pk=sides["Pat"].pk)
    assert side.answer == Answer.DECLINED


def test_rate_limited(town, client, monkeypatch):
    from alongside.common import links

    intro, sides, tokens = start(town)
    monkeypatch.setattr(links, "RATE_PER_TOKEN", 2)
    codes = [client.get(f"/connections/i/{tokens['Pat']}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_bad_tokens_from_a_shared_connection_do_not_block_a_valid_link(town):
    """70 bad tokens from one café's Wi-Fi; Pat, on the same Wi-Fi, still opens their link."""
    from django.test import Client

    intro, sides, tokens = start(town)
    cafe = Client(REMOTE_ADDR="192.0.2.1")
    codes = {cafe.get(f"/connections/i/bad{i}/").status_code for i in range(70)}
    assert codes == {404, 429}
    page = cafe.get(f"/connections/i/{tokens['Pat']}/")
    assert page.status_code == 200 and "Hello Pat" in text(page)


def test_worker_records_their_side_and_follows_up(town):
    intro, sides, tokens = start(town)
    alice, wes = town.world.client("alice"), client_for(town, town.wes)
    # alice may not answer for Una, nor wes for Pat.
    assert alice.get(f"/connections/sides/{sides['Una'].pk}/answer/").status_code == 404
    assert wes.get(f"/connections/sides/{sides['Pat'].pk}/answer/").status_code == 404
    bad = alice.post(f"/connections/sides/{sides['Pat'].pk}/answer/", {})
    assert bad.status_code == 400
    ok = alice.post(
        f"/connections/sides/{sides['Pat'].pk}/answer/", {"agree": "yes", "share_first_name": "on"}
    )
    assert ok.status_code == 302
    wes.post(
        f"/connections/sides/{sides['Una'].pk}/answer/", {"agree": "yes", "share_first_name": "on"}
    )
    assert Introduction.objects.for_system("t").get(pk=intro.pk).status == Status.INTRODUCED
    # A used token no longer answers, but shows the outcome.
    assert "Una" in text(link(alice, tokens["Pat"]))
    # Follow-up with Pat: bad input first.
    url = f"/connections/introduced/{sides['Pat'].pk}/follow-up/"
    assert alice.post(url, {"met": "not_yet", "how": "good"}).status_code == 400
    assert FollowUp.objects.for_system("t").count() == 0
    assert (
        alice.post(url, {"met": "yes", "how": "good", "in_their_words": "Lovely"}).status_code
        == 302
    )
    assert Introduction.objects.for_system("t").get(pk=intro.pk).status == Status.FOLLOWED_UP
    assert wes.get(url).status_code == 404


def test_withdrawn_links_stop_working(town, client):
    intro, sides, tokens = start(town)
    response = town.world.client("alice").post(f"/connections/introductions/{intro.pk}/withdraw/")
    assert response.status_code == 302
    assert link(client, tokens["Pat"]).status_code == 410


def test_group_introduction_asks_only_the_person_and_tells_the_host(town, client, world):
    from alongside.access.models import Notification
    from alongside.spaces.models import Space

    space = Space.objects.create(
        organisation=world.org, name="Tuesday walk", venue="The park", host=world.user("cara")
    )
    sp = SpaceProfile.objects.create(
        space=space, locality=town.localities["Northfield"], times=["tue_morning"]
    )
    sp.interests.set([town.interests["Walking"]])
    profile(town, world.person)
    groups = queries.suggest_groups(town.m("alice"), world.person)
    assert [g.space for g in groups] == [space]
    # No sessions yet: the times typed on its profile are used.
    assert "the group meets on Tuesday mornings, when you are free" in groups[0].in_common.sentence
    intro = services.propose(world.person, by=town.m("alice"), space=space)
    issued = services.ask(intro, by=town.m("alice"))
    assert len(issued) == 1
    (token,) = issued.values()
    page = link(client, token)
    assert "Tuesday walk" in text(page)
    link(client, token, agree="yes")
    assert Introduction.objects.for_system("t").get(pk=intro.pk).status == Status.INTRODUCED
    assert Notification.objects.filter(user=world.user("cara")).count() == 1
    # alice suggested it (and is Pat's named worker): told it is going ahead, once.
    assert list(Notification.objects.filter(user=world.user("alice")).values_list("text")) == [
        (services.GOING_AHEAD_TEXT,)
    ]
    assert queries.suggest_groups(town.m("alice"), world.person) == []
