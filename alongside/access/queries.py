"""Reads about organisations and memberships."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from alongside.access.models import Membership, Notification, Organisation, Team
from alongside.visibility.roles import WORKER_ROLES


def active_memberships(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(
            user=user,
        )
        .select_related("organisation", "team")
        .order_by("organisation__name")
    )


def current_membership(
    user: User | AnonymousUser, organisation_id: int | None
) -> Membership | None:
    """The membership for the organisation chosen in the session, else the one they joined first."""
    memberships = list(active_memberships(user))
    for membership in memberships:
        if membership.organisation_id == organisation_id:
            return membership
    return min(memberships, key=lambda membership: membership.pk) if memberships else None


def workers_of(organisation: Organisation) -> QuerySet[Membership]:
    """Active memberships that may hold relationships, for choosing a worker."""

    return (
        Membership.objects.active()
        .filter(organisation=organisation, role__in=WORKER_ROLES)
        .select_related("user", "team")
        .order_by("user__first_name", "user__last_name")
    )


def worker_users(organisation_id: int, roles: Iterable[str] = WORKER_ROLES) -> QuerySet[User]:
    """Users with an active membership of the organisation in one of `roles` (by default, those
    who may hold relationships): what a worker picker may accept (`access/pickers.py`)."""
    memberships = Membership.objects.active().filter(
        organisation_id=organisation_id, role__in=sorted(roles)
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "first_name", "last_name", "pk"
    )


def notifications_for(membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id
    )


def unread_count(membership: Membership) -> int:
    return notifications_for(membership).filter(read_at__isnull=True).count()


def teams_for(membership: Membership) -> QuerySet[Team]:
    """The teams a membership works across: its own team, or every team when it has none."""
    teams = Team.objects.filter(organisation_id=membership.organisation_id)
    return teams.filter(pk=membership.team_id) if membership.team_id else teams


def chosen_team(
    membership: Membership, chosen: str | None, teams: list[Team] | None = None
) -> Team | None:
    """The team asked for (`?team=<id>`), else the first one; None means the whole organisation
    (only for coordinators without a team, asking for "all"). 404 when there is no team to show."""
    from django.http import Http404

    teams = list(teams_for(membership).order_by("name")) if teams is None else teams
    if not teams:
        raise Http404
    if membership.team_id is None and chosen == "all":
        return None
    return next((team for team in teams if str(team.pk) == chosen), teams[0])
