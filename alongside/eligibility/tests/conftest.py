"""Eligibility fixtures on top of the shared `world` (amir is the assessor)."""

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from alongside.eligibility.models import PartnerKind, ReasonCode, ReferralPartner, Voucher

_codes = count(1)


@pytest.fixture
def partner(world) -> ReferralPartner:
    return ReferralPartner.objects.create(
        organisation=world.org, name="Riverside Surgery", kind=PartnerKind.GP_SURGERY
    )


@pytest.fixture
def make_voucher(world, partner) -> Callable[..., Voucher]:
    """Store a voucher directly (not through the service), redeemed when `person` is given."""

    def make(*, person: Any = None, days_ago: int = 1, parcels: int = 1, **fields: Any) -> Voucher:
        values: dict[str, Any] = {
            "organisation": world.org,
            "partner": partner,
            "code": f"T-{next(_codes)}",
            "adults": 1,
            "children": 0,
            "reason_codes": [ReasonCode.LOW_INCOME],
            "issued_on": timezone.localdate() - timedelta(days=days_ago + 1),
            "issued_by_name": "Dr Test",
            "recorded_by": world.user("amir"),
        }
        if person is not None:
            values.update(
                person=person,
                redeemed_at=timezone.now() - timedelta(days=days_ago),
                redeemed_by=world.user("amir"),
                parcels=parcels,
            )
        values.update(fields)
        return Voucher.objects.create(**values)

    return make
