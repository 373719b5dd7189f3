"""Reads for people management: the workers a manager sees, their status, an invitation by token."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from alongside.access.models import Membership, Role, active_membership_q
from alongside.common.links import hash_token
from alongside.relationships.models import NamedWorkerSpell
from alongside.workers.models import Invitation

# Status filter values, in the order the filter offers them.
STATUSES: tuple[tuple[str, StrOrPromise], ...] = (
    ("active", _("Active")),
    ("invited", _("Invited")),
    ("leaving", _("Leaving")),
    ("off", _("Switched off or left")),
)


@dataclass(frozen=True)
class Status:
    code: str  # one of STATUSES, for the tag's colour and the filter
    words: StrOrPromise
    on: date | None = None


def status_of(membership: Membership) -> Status:
    """What the Workers page says about a membership (reads `invitation` if it was selected)."""
    invitation: Invitation | None = getattr(membership, "invitation", None)
    pending = invitation is not None and invitation.accepted_at is None
    if membership.left_on is not None:
        if pending and invitation is not None and invitation.withdrawn_at is not None:
            return Status("off", _("Invitation withdrawn"), membership.left_on)
        return Status("off", _("Switched off"), membership.left_on)
    if pending and invitation is not None:
        if invitation.times_sent == 0:  # brought in by an import: never sent (docs/imports.md)
            return Status("invited", _("Imported: not invited yet"))
        if not invitation.is_usable:
            return Status("invited", _("Invitation expired"))
        return Status("invited", _("Invited"))
    if membership.has_left:
        return Status("off", _("Left"), membership.leaving_on)
    if membership.leaving_on is not None:
        return Status("leaving", _("Leaving"), membership.leaving_on)
    return Status("active", _("Active"))


def _pending_q() -> Q:
    return Q(invitation__isnull=False, invitation__accepted_at__isnull=True)


def _status_q(status: str) -> Q:
    active = active_membership_q()
    return {
        "active": active & ~_pending_q() & Q(leaving_on__isnull=True),
        "invited": Q(left_on__isnull=True) & _pending_q(),
        "leaving": active & ~_pending_q() & Q(leaving_on__isnull=False),
        "off": ~active,
    }.get(status, Q())


def workers_for(
    membership: Membership,
    *,
    text: str = "",
    status: str = "",
    role: str = "",
    team_id: int | None = None,
) -> QuerySet[Membership]:
    """Everyone the manager sees on the Workers page: the data lead the whole organisation, a
    coordinator their own team (every team when they have none). Others see no one."""
    rows = Membership.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.COORDINATOR:
        if membership.team_id is not None:
            rows = rows.filter(team_id=membership.team_id)
    elif membership.role != Role.DATA_LEAD:
        return Membership.objects.none()
    for word in text.split():
        rows = rows.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(user__username__icontains=word)
        )
    if role:
        rows = rows.filter(role=role)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    return (
        rows.filter(_status_q(status))
        .select_related("user", "team", "invitation", "organisation")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def worker_for(membership: Membership, worker_id: int) -> Membership:
    """One membership of the manager's organisation, or 404 (the caller checks the rule)."""
    found = (
        Membership.objects.filter(organisation_id=membership.organisation_id, pk=worker_id)
        .select_related("user", "team", "invitation", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state (None for an unknown one)."""
    return (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("membership__user", "organisation")
        .first()
    )


def open_spells_count(membership: Membership) -> int:
    """How many people the worker is named worker for now in this organisation (one query)."""
    return NamedWorkerSpell.objects.filter(
        organisation_id=membership.organisation_id,
        worker_id=membership.user_id,
        ended_on__isnull=True,
    ).count()


def other_data_leads(membership: Membership) -> int:
    """Active data leads of the organisation other than this membership (one query)."""
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role=Role.DATA_LEAD)
        .exclude(pk=membership.pk)
        .exclude(_pending_q())
        .count()
    )


def has_other_active_membership(membership: Membership) -> bool:
    return (
        Membership.objects.active(today=timezone.localdate())
        .filter(user_id=membership.user_id)
        .exclude(pk=membership.pk)
        .exists()
    )
