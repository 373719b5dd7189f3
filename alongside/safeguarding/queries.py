"""Reads in the safeguarding sphere. Every read names the viewer; unscoped reads raise.

Safeguarding leads read their organisation's concerns, overrides and matching holds. Workers who
raised a concern read only that they raised it and when. Data leads read overrides, to review
them. Other apps read only who is on a matching hold (`held_person_ids`, `held_volunteer_ids`),
never why. Everyone else reads nothing.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.audit.models import AuditEvent
from alongside.common.keyset import KeysetPage, runs_page
from alongside.common.spheres import SphereQuerySet
from alongside.safeguarding.models import Concern, ConcernStatus, MatchingHold, Override
from alongside.visibility.overrides import in_force_q, is_safeguarding_lead
from alongside.visibility.roles import WORKER_ROLES

if TYPE_CHECKING:
    from alongside.audit.models import AuditEvent

# Roles that may raise a concern about a person they can see.
RAISING_ROLES = WORKER_ROLES | {Role.SAFEGUARDING_LEAD}
# Roles that review overrides (never the lead who started the one under review).
REVIEWING_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.DATA_LEAD})
# How far back the review page lists overrides that have been reviewed.
RECENTLY_REVIEWED_DAYS = 30


def _is_active(membership: Membership | None, roles: frozenset[str]) -> bool:
    return membership is not None and membership.is_active and membership.role in roles


def may_raise_concern(membership: Membership | None) -> bool:
    return _is_active(membership, RAISING_ROLES)


def may_review_overrides(membership: Membership | None) -> bool:
    return _is_active(membership, REVIEWING_ROLES)


def override_in_force(
    membership: Membership | None, person_id: int, *, now: datetime | None = None
) -> Override | None:
    """This lead's override in force for this person, if any (one query; none for others)."""
    if not is_safeguarding_lead(membership):
        return None
    assert membership is not None
    overrides: SphereQuerySet = Override.objects.scoped()
    found: Override | None = (
        overrides.filter(
            in_force_q(now),
            organisation_id=membership.organisation_id,
            lead_id=membership.user_id,
            person_id=person_id,
        )
        .order_by("-expires_at")
        .first()
    )
    return found


def concerns_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Concerns this membership may read in full: every concern in a safeguarding lead's
    organisation. None for every other role (workers see only `concern_dates_raised_by`)."""
    concerns: SphereQuerySet = Concern.objects.scoped()
    if not is_safeguarding_lead(membership):
        return concerns.none()
    assert membership is not None
    return concerns.filter(organisation_id=membership.organisation_id)


def concerns_for_person(membership: Membership | None, person_id: int) -> list[Concern]:
    """A lead's view of one person's concerns, newest first, with who raised them (one query)."""
    concerns: SphereQuerySet = concerns_visible_to(membership)
    if concerns.query.is_empty():
        return []
    return list(concerns.filter(person_id=person_id).select_related("raised_by"))


def concern_list(membership: Membership | None) -> SphereQuerySet:
    """A lead's list of concerns: open ones first, then newest first. The reference for
    `concern_page`, which the list page reads."""
    order = Case(
        When(status=ConcernStatus.OPEN, then=Value(0)),
        When(status=ConcernStatus.BEING_LOOKED_INTO, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        concerns_visible_to(membership)
        .select_related("person", "raised_by")
        .order_by(order, "-raised_at", "-id")
    )


# The list's order of statuses: open first, then being looked into, then closed.
STATUS_ORDER = (ConcernStatus.OPEN, ConcernStatus.BEING_LOOKED_INTO, ConcernStatus.CLOSED)
CONCERNS_SCOPE = "safeguarding.concerns"


def concern_runs(membership: Membership | None) -> list[SphereQuerySet]:
    """`concern_list` as one keyset run per status in `STATUS_ORDER`, each newest first on the
    (organisation, status, raised_at, id) index (decision 0128)."""
    concerns = concerns_visible_to(membership).select_related("person", "raised_by")
    return [concerns.filter(status=status).order_by("-raised_at", "-id") for status in STATUS_ORDER]


def concern_page(
    membership: Membership | None, cursor: str | None, *, size: int
) -> KeysetPage[Concern]:
    """The page of a lead's concerns that `cursor` names (the first when empty), in
    `concern_list`'s order; `BadCursor` for a cursor this list did not make. Nothing for
    anyone but a safeguarding lead."""
    return runs_page(concern_runs(membership), cursor, size=size, scope=CONCERNS_SCOPE)


def get_concern_for_user(membership: Membership | None, concern_id: int) -> Concern:
    """The concern with its person, or Http404 unless a lead of its organisation is asking."""
    found: Concern = get_object_or_404(
        concerns_visible_to(membership).select_related("person", "raised_by"), pk=concern_id
    )
    return found


def concern_actions(concern: Concern) -> SphereQuerySet:
    """What was done about a concern the caller has already fetched through this module."""
    from alongside.safeguarding.models import ConcernAction

    actions: SphereQuerySet = ConcernAction.objects.scoped()
    return actions.filter(concern_id=concern.pk).select_related("by")


def concern_dates_raised_by(membership: Membership | None, person_id: int) -> list[datetime]:
    """When this worker raised concerns about this person, newest first. Never the content:
    a worker sees only that they raised one, and when (one query; none for other roles)."""
    if not may_raise_concern(membership):
        return []
    assert membership is not None
    concerns: SphereQuerySet = Concern.objects.scoped()
    return list(
        concerns.filter(
            organisation_id=membership.organisation_id,
            person_id=person_id,
            raised_by_id=membership.user_id,
        ).values_list("raised_at", flat=True)
    )


def get_raised_concern_for_user(membership: Membership | None, concern_id: int) -> Concern:
    """A concern this user raised, for its confirmation page, with only the fields that page
    shows (when, immediate risk, the person). Http404 for anyone but the raiser."""
    concerns: SphereQuerySet = Concern.objects.scoped()
    if not may_raise_concern(membership):
        concerns = concerns.none()
    else:
        assert membership is not None
        concerns = concerns.filter(
            organisation_id=membership.organisation_id, raised_by_id=membership.user_id
        )
    found: Concern = get_object_or_404(
        concerns.select_related("person").only(
            "pk",
            "organisation_id",
            "raised_by_id",
            "raised_at",
            "immediate_risk",
            "person__id",
            "person__given_name",
            "person__family_name",
            "person__preferred_name",
        ),
        pk=concern_id,
    )
    return found


def overrides_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Overrides in the organisation of a safeguarding lead or data lead (to review them)."""
    overrides: SphereQuerySet = Override.objects.scoped()
    if not may_review_overrides(membership):
        return overrides.none()
    assert membership is not None
    return overrides.filter(organisation_id=membership.organisation_id)


def overrides_waiting_review(membership: Membership | None) -> SphereQuerySet:
    """Overrides nobody has reviewed yet, oldest first (they have waited longest)."""
    return (
        overrides_visible_to(membership)
        .filter(reviewed_at__isnull=True)
        .select_related("person", "lead")
        .order_by("started_at", "id")
    )


def overrides_recently_reviewed(
    membership: Membership | None, *, now: datetime | None = None
) -> SphereQuerySet:
    """Overrides reviewed in the last RECENTLY_REVIEWED_DAYS days, newest review first."""
    since = (now or timezone.now()) - timedelta(days=RECENTLY_REVIEWED_DAYS)
    return (
        overrides_visible_to(membership)
        .filter(reviewed_at__gte=since)
        .select_related("person", "lead", "reviewed_by")
        .order_by("-reviewed_at", "-id")
    )


def overrides_waiting_count(membership: Membership | None) -> int:
    """How many overrides wait for a review this membership could give (not their own)."""
    if not may_review_overrides(membership):
        return 0
    assert membership is not None
    waiting: SphereQuerySet = overrides_visible_to(membership).filter(reviewed_at__isnull=True)
    return waiting.exclude(lead_id=membership.user_id).count()


def get_override_for_user(membership: Membership | None, override_id: int) -> Override:
    """The override, or Http404 unless a safeguarding lead or data lead of its organisation asks."""
    found: Override = get_object_or_404(
        overrides_visible_to(membership).select_related("person", "lead", "reviewed_by"),
        pk=override_id,
    )
    return found


def support_reads_during(override: Override) -> list["AuditEvent"]:
    """The audit log's record of support-sphere reads by the lead while the override ran, for
    its reviewer (at most 200, earliest first). The events hold record ids, never their text."""

    return list(
        AuditEvent.objects.filter(
            organisation_id=override.organisation_id,
            actor_id=override.lead_id,
            person_id=override.person_id,
            sphere="support",
            at__gte=override.started_at,
            at__lte=override.ends_at,
        ).order_by("at", "id")[:200]
    )


# Matching holds ------------------------------------------------------------------------------

# Who a lead may put on a matching hold besides a person: volunteers and supporters.
HOLDABLE_ROLES = frozenset({Role.VOLUNTEER, Role.SUPPORTER})


def _open_holds(organisation_id: int) -> SphereQuerySet:
    holds: SphereQuerySet = MatchingHold.objects.for_system("who is on a matching hold (ids only)")
    return holds.filter(organisation_id=organisation_id, lifted_at__isnull=True)


def held_person_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """`values_list("person_id", flat=True)` of people in the organisation on an open matching
    hold: ids only, never the reason, for any app to leave them out of matching and
    introductions. Lazy, so usable as a subquery: `.exclude(pk__in=held_person_ids(org_id))`."""
    return (
        _open_holds(organisation_id)
        .filter(person_id__isnull=False)
        .values_list("person_id", flat=True)
    )


def held_volunteer_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """`values_list("volunteer_id", flat=True)` (user ids) of volunteers on an open matching hold
    in the organisation: ids only, never the reason. Usable as a subquery."""
    return (
        _open_holds(organisation_id)
        .filter(volunteer_id__isnull=False)
        .values_list("volunteer_id", flat=True)
    )


def holds_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Matching holds, with their reasons, that this membership may read: every hold in a
    safeguarding lead's organisation. None for every other role."""
    holds: SphereQuerySet = MatchingHold.objects.scoped()
    if not is_safeguarding_lead(membership):
        return holds.none()
    assert membership is not None
    return holds.filter(organisation_id=membership.organisation_id)


def open_hold_list(membership: Membership | None) -> SphereQuerySet:
    """A lead's list of open holds, newest first, with who they are on and who placed them."""
    return (
        holds_visible_to(membership)
        .filter(lifted_at__isnull=True)
        .select_related("person", "volunteer", "started_by")
        .order_by("-started_at", "-id")
    )


def open_hold_for_person(membership: Membership | None, person_id: int) -> MatchingHold | None:
    """The open hold on this person, for a lead (one query; none for others)."""
    found: MatchingHold | None = (
        holds_visible_to(membership)
        .filter(lifted_at__isnull=True, person_id=person_id)
        .select_related("started_by")
        .first()
    )
    return found


def get_open_hold_for_user(membership: Membership | None, hold_id: int) -> MatchingHold:
    """An open hold with who it is on, or Http404 unless a lead of its organisation asks."""
    found: MatchingHold = get_object_or_404(
        holds_visible_to(membership)
        .filter(lifted_at__isnull=True)
        .select_related("person", "volunteer", "started_by"),
        pk=hold_id,
    )
    return found


def holdable_volunteers(membership: Membership | None) -> QuerySet[Membership]:
    """The lead's organisation's active volunteers and supporters, by name (none for others)."""
    if not is_safeguarding_lead(membership):
        return Membership.objects.none()
    assert membership is not None
    return (
        Membership.objects.active()
        .filter(
            organisation_id=membership.organisation_id,
            role__in=sorted(HOLDABLE_ROLES),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username", "pk")
    )
