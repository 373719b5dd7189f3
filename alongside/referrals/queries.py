"""Reads for referrals, always naming who reads. A referral out is seen by whoever sees its
person; its words (the note sent, the service's reason) only through `support_records_q`.
Referrals in are for whoever triages them (coordinators)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access import words as local_words
from alongside.access.models import Membership, Role
from alongside.common.links import hash_token
from alongside.common.suppression import share, shown
from alongside.people.models import Person
from alongside.people.queries import sees_person
from alongside.referrals.models import (
    ANSWERED,
    InStatus,
    OutStatus,
    Partner,
    ReferralIn,
    ReferralOut,
)
from alongside.visibility.people import visible_people_q
from alongside.visibility.support import support_records_q

# Open referrals out, not yet answered: what may be overdue.
WAITING = (OutStatus.SENT,)


def referrals_out_visible_to(membership: Membership | None) -> QuerySet[ReferralOut]:
    allowed = visible_people_q(membership)
    if membership is None or allowed is None:
        return ReferralOut.objects.none()
    # A correlated EXISTS, one primary-key probe per referral the other filters found, not
    # `person IN (everyone the viewer sees)`, which SQLite built on every read: 0.2 s of the
    # coordinator's inbox on the 100,000-person demo (decisions 0100, 0126).
    return ReferralOut.objects.filter(
        sees_person(membership), organisation_id=membership.organisation_id
    )


def referrals_out_for_person(membership: Membership, person: Person) -> list[ReferralOut]:
    """The person's referrals out, as `referrals_out_visible_to` sees them: whether the viewer
    sees the person is asked of that one person (`sees_person`), not by a list of everyone they
    see, which made SQLite build the organisation's whole list first (0.9 s of the person page
    on the 100,000-person demo, issue 17, decision 0125)."""
    return list(
        referrals_out_visible_to(membership)
        .filter(person=person)
        .select_related("referred_by", "need")
        .order_by("-referred_at", "-id")[:50]
    )


def referral_out_for(membership: Membership, referral_id: int) -> ReferralOut | None:
    return (
        referrals_out_visible_to(membership)
        .select_related("person", "person__team", "referred_by", "consent", "need")
        .filter(pk=referral_id)
        .first()
    )


def reads_words(membership: Membership, referral: ReferralOut) -> bool:
    """Whether this membership reads the referral's support-sphere words (the note, the
    service's reason)."""
    allowed = support_records_q(membership)
    if allowed is None:
        return False
    return (
        ReferralOut.objects.alias(author_id=F("referred_by_id"))
        .filter(allowed, pk=referral.pk)
        .exists()
    )


def referral_for_token(token: str) -> ReferralOut | None:
    """The referral a link opens, whatever its state (the view says closed or answered)."""
    if not token or len(token) > 100:
        return None
    return (
        ReferralOut.objects.filter(token_hash=hash_token(token))
        .select_related("person", "organisation", "referred_by", "need")
        .first()
    )


def overdue_out(membership: Membership, *, today: date) -> QuerySet[ReferralOut]:
    """Referrals out still waiting for an answer after the day one was expected: a coordinator's
    team's, or the ones a worker made or is named worker for."""
    rows = referrals_out_visible_to(membership).filter(status__in=WAITING, answer_by__lt=today)
    if membership.role == Role.COORDINATOR:
        if membership.team_id is not None:
            rows = rows.filter(person__team_id=membership.team_id)
        return rows
    if membership.role in (Role.SUPPORTER, Role.VOLUNTEER):
        return rows.filter(
            Q(referred_by_id=membership.user_id)
            | Q(
                person__spells__worker_id=membership.user_id,
                person__spells__ended_on__isnull=True,
            )
        ).distinct()
    return rows.none()


def triages(membership: Membership | None) -> bool:
    return bool(
        membership is not None and membership.is_active and membership.role == Role.COORDINATOR
    )


def manages_partners(membership: Membership | None) -> bool:
    return bool(
        membership is not None
        and membership.is_active
        and membership.role in (Role.COORDINATOR, Role.DATA_LEAD)
    )


def incoming(membership: Membership, *, waiting_only: bool = True) -> QuerySet[ReferralIn]:
    if not triages(membership):
        return ReferralIn.objects.none()
    rows = ReferralIn.objects.filter(organisation_id=membership.organisation_id)
    if waiting_only:
        rows = rows.filter(status=InStatus.WAITING)
    return rows.select_related("partner", "person", "allocated_to", "need")


def incoming_one(membership: Membership, referral_id: int) -> ReferralIn | None:
    return incoming(membership, waiting_only=False).filter(pk=referral_id).first()


def partners_of(membership: Membership) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation_id=membership.organisation_id)


def partner_of(membership: Membership, partner_id: int) -> Partner | None:
    return partners_of(membership).filter(pk=partner_id).first()


# The funder report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralRow:
    label: str
    cells: list[str]  # each count as it may be shown ("fewer than 5" under 5)


@dataclass(frozen=True)
class ReferralsSummary:
    out_rows: list[ReferralRow]
    out_columns: list[str]  # the outcome columns' headings, in the organisation's words
    in_rows: list[ReferralRow]
    out_sent: str
    answered_share: str  # of referrals out, the share that came back with an answer


OUT_COLUMNS = (
    (OutStatus.ACCEPTED, OutStatus.SEEN),
    (OutStatus.NOT_SUITABLE,),
    (OutStatus.NO_CONTACT,),
    (OutStatus.SENT,),
)
OUT_HEADINGS = (
    gettext_lazy("Accepted or seen"),
    gettext_lazy("Not suitable"),
    gettext_lazy("Could not make contact"),
    gettext_lazy("No answer yet"),
)


def out_headings(organisation_id: int) -> list[str]:
    """The report's outcome columns: the organisation's words where it renamed an answer
    (decision 0088), the report's own short headings otherwise."""
    said = local_words.labels(organisation_id, "referral_outcome")
    renamed = {code for code, label in said.items() if label != str(OutStatus(code).label)}
    return [
        _(" or ").join(said[code] for code in column) if renamed & set(column) else str(heading)
        for column, heading in zip(OUT_COLUMNS, OUT_HEADINGS, strict=True)
    ]


def referrals_summary(organisation_id: int, start: date, end: date) -> ReferralsSummary:
    """Referrals out and in over a period, by need (the organisation's own words, decision
    0079) and outcome: the needs list's words and counts only, never a name or the person's
    words; every count under 5 withheld (`common.suppression`). Two queries."""
    out_counts: dict[tuple[int, str], int] = defaultdict(int)
    names: dict[int, str] = {}
    for need_id, name, status, n in (
        ReferralOut.objects.filter(
            organisation_id=organisation_id,
            referred_at__date__gte=start,
            referred_at__date__lte=end,
        )
        .exclude(status=OutStatus.WITHDRAWN)
        .order_by()
        .values_list("need_id", "need__name", "status")
        .annotate(n=Count("id"))
    ):
        out_counts[(need_id, status)] += n
        names[need_id] = name
    in_counts: dict[tuple[int, str], int] = defaultdict(int)
    for need_id, name, status, n in (
        ReferralIn.objects.filter(
            organisation_id=organisation_id,
            received_at__date__gte=start,
            received_at__date__lte=end,
        )
        .order_by()
        .values_list("need_id", "need__name", "status")
        .annotate(n=Count("id"))
    ):
        in_counts[(need_id, status)] += n
        names[need_id] = name
    out_rows, in_rows = [], []
    for need_id in sorted(names, key=lambda pk: (names[pk].casefold(), pk)):
        sent = sum(n for (pk, _s), n in out_counts.items() if pk == need_id)
        if sent:
            cells = [shown(sent)] + [
                shown(sum(out_counts[(need_id, status)] for status in column))
                for column in OUT_COLUMNS
            ]
            out_rows.append(ReferralRow(names[need_id], cells))
        received = sum(n for (pk, _s), n in in_counts.items() if pk == need_id)
        if received:
            cells = [shown(received)] + [
                shown(in_counts[(need_id, status)])
                for status in (InStatus.ACCEPTED, InStatus.NOT_SUITABLE, InStatus.WAITING)
            ]
            in_rows.append(ReferralRow(names[need_id], cells))
    total = sum(out_counts.values())
    answered = sum(n for (_need, status), n in out_counts.items() if status in ANSWERED)
    return ReferralsSummary(
        out_rows, out_headings(organisation_id), in_rows, shown(total), share(answered, total)
    )
