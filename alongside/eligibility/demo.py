"""The demo foodbank: referral partners and two years of vouchers, for `alongside demo`.

Trusted system code: it writes with `bulk_create` and no audit events (the demo builder records
one `demo.built` event for the whole town). Deterministic for a given `random.Random`.
"""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from alongside.access.models import Organisation
from alongside.eligibility.models import (
    PartnerKind,
    ReasonCode,
    ReferralPartner,
    Voucher,
    voucher_key,
)

DEMO_PARTNERS = (
    ("Riverside Medical Centre", PartnerKind.GP_SURGERY),
    ("St Anne's Primary School", PartnerKind.SCHOOL),
    ("Citizens Advice Riverside", PartnerKind.CITIZENS_ADVICE),
    ("Council Housing Options", PartnerKind.HOUSING),
)
SHARE_OF_PEOPLE = 0.3
HISTORY_DAYS = 730
# How many vouchers a person who comes at all redeems over two years, and how often.
VISITS = ((1, 0.5), (2, 0.25), (3, 0.12), (4, 0.08), (6, 0.05))
# Reasons as partners tick them: mostly income problems.
REASONS = (
    (ReasonCode.BENEFIT_DELAY, 0.22),
    (ReasonCode.LOW_INCOME, 0.3),
    (ReasonCode.BENEFIT_CHANGE, 0.14),
    (ReasonCode.DEBT, 0.12),
    (ReasonCode.SICKNESS, 0.07),
    (ReasonCode.HOMELESS, 0.04),
    (ReasonCode.DOMESTIC_ABUSE, 0.02),
    (ReasonCode.CHILD_HOLIDAY_MEALS, 0.04),
    (ReasonCode.REFUSED_ADVANCE, 0.02),
    (ReasonCode.OTHER, 0.03),
)
REFERRERS = (
    "Dr Okafor",
    "Ms Patel",
    "J. Reid",
    "Sam Kowalski",
    "A. Hussain",
    "Kerry Walsh",
    "Tom Bright",
    "Nadia Rahman",
)
BATCH = 1000


def _pick(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([value for value, _ in options], [weight for _, weight in options])[0]


def _moment(day: date, rng: random.Random) -> datetime:
    """A time in the foodbank's opening hours, in the organisation's time zone."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day, time(rng.randint(10, 14), rng.choice((0, 15, 30, 45))), zone)


def build_foodbank(
    organisation: Organisation,
    *,
    rng: random.Random,
    people: Sequence[Any],
    assessor: Any,
    today: date,
) -> dict[str, int]:
    """Add 4 referral partners and vouchers for about 30% of `people` over the last two years.

    `people` are the Foodbank's people (Person objects or ids), in a stable order; `assessor` is
    the user (or user id) who records and redeems. Some people come three or more times; a few
    recent vouchers are still waiting to be redeemed. Returns counts of what was written.
    Side effects: ReferralPartner and Voucher rows (bulk_create), no audit events.
    """
    assessor_id = assessor if isinstance(assessor, int) else assessor.pk
    partners = ReferralPartner.objects.bulk_create(
        [
            ReferralPartner(
                organisation=organisation,
                name=name,
                kind=kind,
                created_at=_moment(today - timedelta(days=HISTORY_DAYS + 30), rng),
            )
            for name, kind in DEMO_PARTNERS
        ]
    )
    serial = rng.randint(10_000, 20_000)
    vouchers: list[Voucher] = []

    def voucher(issued_on: date, person_id: int | None, redeemed_on: date | None) -> Voucher:
        nonlocal serial
        serial += rng.randint(1, 9)
        partner = rng.choice(partners)
        reasons = [_pick(rng, REASONS)]
        if rng.random() < 0.25:
            reasons.append(_pick(rng, REASONS))
        adults = 1 if rng.random() < 0.6 else 2
        redeemed_at = _moment(redeemed_on, rng) if redeemed_on else None
        code = f"{partner.name[:2].upper()}-{serial}"
        return Voucher(
            organisation=organisation,
            partner=partner,
            code=code,
            code_key=voucher_key(code),  # bulk_create does not call save()
            adults=adults,
            children=_pick(rng, ((0, 0.55), (1, 0.2), (2, 0.15), (3, 0.07), (4, 0.03))),
            reason_codes=list(dict.fromkeys(reasons)),
            issued_on=issued_on,
            issued_by_name=rng.choice(REFERRERS),
            person_id=person_id,
            redeemed_at=redeemed_at,
            redeemed_by_id=assessor_id if redeemed_at else None,
            parcels=(1 if rng.random() < 0.85 else 2) if redeemed_at else None,
            recorded_by_id=assessor_id,
            recorded_at=_moment(issued_on, rng),
        )

    people_with_vouchers = 0
    for person in people:
        if rng.random() >= SHARE_OF_PEOPLE:
            continue
        people_with_vouchers += 1
        person_id = person if isinstance(person, int) else person.pk
        if people_with_vouchers == 1:
            # Someone has come often lately, so the demo shows the offer of deeper support.
            visits, day, gaps = 3, today - timedelta(days=rng.randint(90, 120)), (20, 45)
        else:
            visits, day = _pick(rng, VISITS), today - timedelta(days=rng.randint(20, HISTORY_DAYS))
            gaps = (10, 70)
        for _visit in range(visits):
            if day > today:
                break
            redeemed_on = min(today, day + timedelta(days=rng.randint(0, 4)))
            vouchers.append(voucher(day, person_id, redeemed_on))
            day = redeemed_on + timedelta(days=rng.randint(*gaps))
    waiting = max(3, people_with_vouchers // 15)
    for _waiting in range(waiting):
        vouchers.append(voucher(today - timedelta(days=rng.randint(0, 10)), None, None))
    Voucher.objects.bulk_create(vouchers, batch_size=BATCH)
    return {
        "referral_partners": len(partners),
        "vouchers": len(vouchers),
        "vouchers_waiting": waiting,
        "people_with_vouchers": people_with_vouchers,
    }
