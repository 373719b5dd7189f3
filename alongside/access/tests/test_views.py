from django.urls import reverse

from alongside.access.models import Role
from alongside.testing.factories import MembershipFactory


def test_user_with_two_organisations_switches_between_them(world):
    alice = world.user("alice")
    MembershipFactory(organisation=world.other_org, user=alice, role=Role.ASSESSOR)
    client = world.client("alice")
    assert (
        "Pat Example" in client.get(reverse("relationships:home")).content.decode()
    )  # first: Riverside, as supporter
    assert client.get(reverse("people:person", args=[world.other_person.pk])).status_code == 404
    response = client.post(
        reverse("access:switch_organisation"), {"organisation": world.other_org.pk}
    )
    assert response.status_code == 302
    assert client.get(reverse("people:person", args=[world.other_person.pk])).status_code == 200
    # In Hillside alice is an assessor there: Riverside's people are out of reach.
    assert client.get(reverse("people:person", args=[world.person.pk])).status_code == 404


def test_switching_to_an_organisation_you_are_not_in_is_404(world):
    response = world.client("alice").post(
        reverse("access:switch_organisation"), {"organisation": world.other_org.pk}
    )
    assert response.status_code == 404
    response = world.client("alice").post(
        reverse("access:switch_organisation"), {"organisation": "nonsense"}
    )
    assert response.status_code == 404


def test_member_who_left_sees_nobody(world):
    membership = world.members["alice"]
    membership.left_on = membership.started_on
    membership.save()
    client = world.client("alice")
    assert client.get(reverse("people:person", args=[world.person.pk])).status_code == 404
    assert (
        "not part of an organisation" in client.get(reverse("relationships:home")).content.decode()
    )


def test_pages_need_sign_in(client, world):
    response = client.get(reverse("people:person", args=[world.person.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("access:login"))


def test_reading_the_notifications_page_changes_nothing(world):
    """A GET is safe (ASVS 5.0 3.5.3): opening the page, or a link or prefetch to it, marks
    nothing read; the badge stays until the reader says so."""
    from alongside.access.models import Notification
    from alongside.access.services import notify

    notify(
        [world.user("sam")],
        organisation_id=world.org.pk,
        text="A new safeguarding concern was raised",
        url="/safeguarding/concerns/",
    )
    notify([world.user("alice")], organisation_id=world.org.pk, text="Not for Sam")
    client = world.client("sam")
    home = client.get(reverse("relationships:home"), follow=True).content.decode()
    assert 'Messages <span class="tag tag-new">1' in home
    for _ in range(2):
        html = client.get(reverse("access:notifications")).content.decode()
        assert "A new safeguarding concern was raised" in html and "Not for Sam" not in html
        assert "Mark all as read" in html
    assert Notification.objects.filter(user=world.user("sam"), read_at__isnull=True).count() == 1
    home = client.get(reverse("relationships:home"), follow=True).content.decode()
    assert 'Messages <span class="tag tag-new">1' in home


def test_marking_notifications_read_is_a_post_of_your_own_only(world):
    from alongside.access.models import Notification
    from alongside.access.services import notify

    notify([world.user("sam")], organisation_id=world.org.pk, text="For Sam")
    notify([world.user("alice")], organisation_id=world.org.pk, text="Not for Sam")
    client = world.client("sam")
    response = client.post(reverse("access:notifications"))
    assert response.status_code == 302 and response.url == reverse("access:notifications")
    assert not Notification.objects.filter(user=world.user("sam"), read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.user("alice"), read_at__isnull=True).exists()
    html = client.get(reverse("access:notifications")).content.decode()
    assert "For Sam" in html and "Mark all as read" not in html


def test_data_lead_relaxes_role_separation_with_a_warning_and_an_audit_event(world):
    from alongside.audit.models import AuditEvent

    client = world.client("dana")
    response = client.post(
        reverse("access:organisation_settings"),
        {"allow_assessor_and_supporter": "on", "late_record_days": "14"},
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.allow_assessor_and_supporter is True
    assert (
        "Warning: one worker may both check eligibility"
        in client.get(reverse("access:organisation_settings")).content.decode()
    )
    event = AuditEvent.objects.get(action="access.organisation.role_separation_changed")
    assert event.summary == {"allow_assessor_and_supporter": True}
    client.post(reverse("access:organisation_settings"), {"late_record_days": "14"})
    world.org.refresh_from_db()
    assert world.org.allow_assessor_and_supporter is False


def test_data_lead_sets_how_far_back_a_contact_may_be_recorded_without_a_reason(world):
    from alongside.audit.models import AuditEvent

    client = world.client("dana")
    url = reverse("access:organisation_settings")
    assert client.post(url, {"late_record_days": "30"}).status_code == 302
    world.org.refresh_from_db()
    assert world.org.late_record_days == 30
    event = AuditEvent.objects.get(action="access.organisation.late_record_days_changed")
    assert event.summary == {"before": 14, "after": 30}
    refused = client.post(url, {"late_record_days": "100000"})
    assert refused.status_code == 400
    assert "must be 366 or less" in refused.content.decode()


def test_only_the_data_lead_changes_settings(world):
    for name in ("alice", "colin", "amir", "sam", "fern", "olly"):
        assert (
            world.client(name)
            .post(reverse("access:organisation_settings"), {"allow_assessor_and_supporter": "on"})
            .status_code
            == 404
        )
    world.org.refresh_from_db()
    assert world.org.allow_assessor_and_supporter is False


def test_worker_who_assessed_sees_a_warning_when_the_organisation_allows_both(world):
    from django.utils import timezone

    from alongside.eligibility.models import ReferralPartner, Voucher

    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="W1",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr A",
        person=world.person,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("alice"),
        parcels=1,
        recorded_by=world.user("amir"),
    )
    url = reverse("people:person", args=[world.person.pk])
    assert "You checked this person" not in world.client("alice").get(url).content.decode()
    world.org.allow_assessor_and_supporter = True
    world.org.save()
    assert "You checked this person" in world.client("alice").get(url).content.decode()


def test_emails_link_to_the_site_and_hidden_pages_say_not_found_plainly(
    world, settings, django_capture_on_commit_callbacks, run_tasks
):
    from django.core import mail

    from alongside.access.services import notify

    settings.ALONGSIDE_BASE_URL = "https://alongside.example.org"
    world.user("sam").email = "sam@example.org"
    world.user("sam").save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [world.user("sam")],
            organisation_id=world.org.pk,
            text="Something to look at",
            url="/x/",
            email_subject="Alongside: a message",
        )
    run_tasks()  # the emails go through the task queue
    assert "https://alongside.example.org/x/" in mail.outbox[0].body
    settings.DEBUG = False
    response = world.client("olly").get(reverse("people:person", args=[world.person.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and "Pat" not in response.content.decode()
