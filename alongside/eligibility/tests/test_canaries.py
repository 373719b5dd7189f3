"""Eligibility data never reaches the support sphere: supporters' pages show none of it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alongside.eligibility.models import ReferralPartner, Voucher


def test_canary_voucher_never_reaches_the_supporters_pages(world, partner):
    canary = ReferralPartner.objects.create(
        organisation=world.org, name="Canarywharf Surgery", kind="gp_surgery"
    )
    voucher = Voucher.objects.create(
        organisation=world.org,
        partner=canary,
        code="CANARY-CODE-9",
        adults=1,
        reason_codes=["domestic_abuse"],
        issued_on=timezone.localdate() - timedelta(days=2),
        issued_by_name="Dr Canaryname",
        recorded_by=world.user("amir"),
        person=world.person,
        redeemed_at=timezone.now() - timedelta(days=1),
        redeemed_by=world.user("amir"),
        parcels=3,
    )
    secrets = (
        "CANARY",
        "Canary",
        "Domestic abuse",
        "domestic_abuse",
        "Foodbank vouchers",
        "voucher",
    )
    for name in ("alice", "cara", "colin"):
        client = world.client(name)
        pages = (
            reverse("people:person", args=[world.person.pk]),
            reverse("relationships:home"),
            f"/api/v1/people/{world.person.pk}",
        )
        for url in pages:
            html = client.get(url, follow=True).content.decode()
            for secret in secrets:
                assert secret not in html, (name, url, secret)
    html = (
        world.client("amir").get(reverse("people:person", args=[world.person.pk])).content.decode()
    )
    assert voucher.code in html and "Canarywharf Surgery" in html


def test_who_saw_my_record_does_not_tell_supporters_about_vouchers(world, make_voucher):
    from alongside.eligibility import services

    services.redeem_voucher(make_voucher(), by=world.members["amir"], person=world.person)
    for name in ("alice", "colin"):
        response = world.client(name).get(reverse("people:access_log", args=[world.person.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "eligibility" not in html and "voucher" not in html.lower(), name
