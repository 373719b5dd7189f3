"""Reads of eligibility-sphere records. Every read names the viewer; unscoped reads raise.

Only roles whose sphere set (`alongside.visibility.roles.SPHERES_BY_ROLE`) holds ELIGIBILITY see
vouchers: today that is the assessor. Everyone else gets an empty queryset, never an error, so a
page that lists vouchers simply shows none.

Two predicates keep "policing" and "supporting" apart (the founding research: people tell their
supporter more when the supporter does not decide what they get): `supports_person` and
`has_assessed`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.access.models import Membership, Sphere, active_membership_q
from alongside.common.spheres import SphereQuerySet
from alongside.eligibility.models import ReferralPartner, Voucher, voucher_key
from alongside.people.models import Person
from alongside.relationships.models import Contact, NamedWorkerSpell, WorkerRequest
from alongside.visibility.roles import SPHERES_BY_ROLE, may_read_sphere

# The roles that may read (and so write) eligibility records, straight from the role table.
ELIGIBILITY_ROLES = frozenset(
    role for role, spheres in SPHERES_BY_ROLE.items() if Sphere.ELIGIBILITY in spheres
)

# A person who has already redeemed this many vouchers in this many days is offered deeper support.
REPEAT_VISIT_VOUCHERS = 2
REPEAT_VISIT_DAYS = 183  # six months


def reads_eligibility(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.is_active
        and may_read_sphere(membership.role, Sphere.ELIGIBILITY)
    )


def vouchers_visible_to(membership: Membership | None) -> SphereQuerySet:
    """The organisation's vouchers for roles that read the eligibility sphere; none for others."""
    vouchers: SphereQuerySet = Voucher.objects.scoped()
    if membership is None or not reads_eligibility(membership):
        return vouchers.none()
    return vouchers.filter(organisation_id=membership.organisation_id)


def get_voucher_for_user(membership: Membership | None, voucher_id: int) -> Voucher:
    """The voucher, or Http404 when it does not exist or this membership may not see it."""
    voucher: Voucher = get_object_or_404(
        vouchers_visible_to(membership).select_related("partner", "person", "redeemed_by"),
        pk=voucher_id,
    )
    return voucher


def normalise_code(code: str) -> str:
    """A voucher code as it is kept for showing: without spaces, in upper case ('ab 12' is
    'AB12'). Matching ignores its punctuation too (`voucher_key`)."""
    return "".join(code.split()).upper()


def find_voucher(membership: Membership | None, code: str) -> Voucher | None:
    """The voucher with this code however it is typed: "ci 11946", "CI11946" and "ci-11946"
    all find CI-11946."""
    key = voucher_key(code)
    return vouchers_visible_to(membership).filter(code_key=key).first() if key else None


def waiting_vouchers(membership: Membership | None) -> SphereQuerySet:
    """Vouchers recorded but not yet redeemed, oldest first (they have waited longest)."""
    return (
        vouchers_visible_to(membership)
        .filter(redeemed_at__isnull=True)
        .select_related("partner")
        .order_by("issued_on", "id")
    )


def recently_redeemed(membership: Membership | None) -> SphereQuerySet:
    return (
        vouchers_visible_to(membership)
        .filter(redeemed_at__isnull=False)
        .select_related("partner", "person")
        .order_by("-redeemed_at", "-id")
    )


def vouchers_for_person(membership: Membership | None, person_id: int) -> SphereQuerySet:
    """One person's redeemed vouchers, newest first, for the person panel (one query)."""
    return (
        vouchers_visible_to(membership)
        .filter(person_id=person_id)
        .select_related("partner")
        .order_by("-redeemed_at", "-id")
    )


def earlier_redemptions(voucher: Voucher) -> int:
    """How many other vouchers this voucher's person redeemed in the REPEAT_VISIT_DAYS before it.

    A system read: it answers with a number about a voucher the caller has already been allowed
    to see.
    """
    if voucher.redeemed_at is None or voucher.person_id is None:
        return 0
    since = voucher.redeemed_at - timedelta(days=REPEAT_VISIT_DAYS)
    earlier: int = (
        Voucher.objects.for_system("repeat-visit count for a voucher the viewer can see")
        .filter(
            organisation_id=voucher.organisation_id,
            person_id=voucher.person_id,
            redeemed_at__gte=since,
            redeemed_at__lte=voucher.redeemed_at,
        )
        .exclude(pk=voucher.pk)
        .count()
    )
    return earlier


def is_repeat_visit(voucher: Voucher) -> bool:
    return earlier_redemptions(voucher) >= REPEAT_VISIT_VOUCHERS


def waiting_for_a_worker(person_id: int) -> bool:
    """The person already has an open request for a worker, so the offer is not made twice."""

    waiting: bool = WorkerRequest.objects.filter(
        person_id=person_id, status=WorkerRequest.Status.OPEN
    ).exists()
    return waiting


def _supports_q(user_id: int) -> Q:
    """People this user supports or supported: any named-worker spell, or any contact they were at."""

    spells = NamedWorkerSpell.objects.filter(person_id=OuterRef("pk"), worker_id=user_id)
    contacts = Contact.objects.filter(
        Q(worker_id=user_id) | Q(also_present=user_id), person_id=OuterRef("pk")
    )
    return Q(Exists(spells)) | Q(Exists(contacts))


def supports_person(user_id: int, person_id: int) -> bool:
    """True when the user has or had a named-worker spell for the person, or led or joined a
    contact with them, at any time (one query)."""

    return Person.objects.filter(_supports_q(user_id), pk=person_id).exists()


def supported_among(user_id: int, person_ids: list[int]) -> set[int]:
    """Which of these people the user supports or supported (one query, none for no ids)."""
    if not person_ids:
        return set()

    rows = Person.objects.filter(_supports_q(user_id), pk__in=person_ids).values_list(
        "pk", flat=True
    )
    return set(rows)


def has_assessed(user_id: int, person_id: int) -> bool:
    """True when the user redeemed a voucher for the person (one query).

    Relationships services call this to refuse making an assessor someone's named worker.
    """
    assessed: bool = (
        Voucher.objects.for_system("role separation: has this user assessed this person")
        .filter(redeemed_by_id=user_id, person_id=person_id)
        .exists()
    )
    return assessed


def assessor_ids_for(person_id: int) -> set[int]:
    """Users who redeemed a voucher for the person: they may not also support them (one query)."""
    return set(
        Voucher.objects.for_system("role separation: who has assessed this person")
        .filter(person_id=person_id, redeemed_by_id__isnull=False)
        .values_list("redeemed_by_id", flat=True)
    )


def assessors_free_to_assess(organisation_id: int, person_id: int) -> list[str]:
    """Names of active assessors in the organisation who do not support the person (one query)."""
    from django.contrib.auth import get_user_model

    spells = NamedWorkerSpell.objects.filter(person_id=person_id, worker_id=OuterRef("pk"))
    led = Contact.objects.filter(person_id=person_id, worker_id=OuterRef("pk"))
    joined = Contact.objects.filter(person_id=person_id, also_present=OuterRef("pk"))
    users = (
        get_user_model()
        .objects.filter(
            active_membership_q("memberships__"),
            memberships__organisation_id=organisation_id,
            memberships__role__in=ELIGIBILITY_ROLES,
        )
        .exclude(Exists(spells) | Exists(led) | Exists(joined))
        .order_by("first_name", "last_name", "pk")
    )
    return [user.get_full_name() or user.get_username() for user in users]


def referral_partners_visible_to(membership: Membership | None) -> QuerySet[ReferralPartner]:
    if membership is None or not reads_eligibility(membership):
        return ReferralPartner.objects.none()
    return ReferralPartner.objects.filter(organisation_id=membership.organisation_id)


def active_referral_partners(membership: Membership | None) -> QuerySet[ReferralPartner]:
    return referral_partners_visible_to(membership).filter(active=True).order_by("name", "id")


def get_referral_partner_for_user(
    membership: Membership | None, partner_id: int
) -> ReferralPartner:
    partner: ReferralPartner = get_object_or_404(
        referral_partners_visible_to(membership), pk=partner_id
    )
    return partner


@dataclass(frozen=True, slots=True)
class MonthCount:
    """One month at the foodbank. `people` counts each person once however many parcels."""

    month: date
    parcels: int
    vouchers: int
    people: int


@dataclass(frozen=True, slots=True)
class FoodbankCounts:
    months: list[MonthCount]
    parcels: int
    vouchers: int
    people: int  # unique across the whole period, not the sum of the months


def _month_starts(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def foodbank_counts(membership: Membership | None, start: date, end: date) -> FoodbankCounts:
    """Parcels given, vouchers redeemed and unique people, by month, for redemptions from `start`
    to `end` (both days included, in the organisation's time zone). Two queries; zero for roles
    that may not read the eligibility sphere. Every month in the range is listed, even empty ones.
    """
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    empty = {month: MonthCount(month, 0, 0, 0) for month in _month_starts(start, end)}
    if not reads_eligibility(membership):
        return FoodbankCounts(list(empty.values()), 0, 0, 0)
    redeemed = vouchers_visible_to(membership).filter(redeemed_at__gte=since, redeemed_at__lt=until)
    rows = (
        redeemed.annotate(month=TruncMonth("redeemed_at", tzinfo=zone))
        .values("month")
        .annotate(
            parcels=Sum("parcels"), vouchers=Count("pk"), people=Count("person_id", distinct=True)
        )
        .order_by("month")
    )
    for row in rows:
        month = row["month"]
        day = timezone.localtime(month, zone).date() if isinstance(month, datetime) else month
        empty[day] = MonthCount(day, row["parcels"] or 0, row["vouchers"], row["people"])
    totals = redeemed.aggregate(
        parcels=Sum("parcels"), vouchers=Count("pk"), people=Count("person_id", distinct=True)
    )
    return FoodbankCounts(
        months=list(empty.values()),
        parcels=totals["parcels"] or 0,
        vouchers=totals["vouchers"],
        people=totals["people"],
    )
