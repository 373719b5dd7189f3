"""Role predicates every app builds its rules from, and the rules for access's own pages.

A predicate takes (membership, object) and answers yes or no; apps name rules "app.verb" in their
own `permissions.py`. Views check a rule (`access.decorators`), and the navigation and every action
link test the same rule (`access.nav`, `{% can %}`), so a link appears only where its page opens.
See docs/access-and-audit.md.
"""

from collections.abc import Iterable

import rules

from alongside.access.models import Membership, Role, Team


def has_role(*roles: str | Iterable[str]) -> rules.Predicate:
    """A predicate: an active membership in one of `roles` (strings, or sets of them)."""
    allowed: set[str] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, str) else role)
    frozen = frozenset(allowed)

    def in_roles(membership: Membership | None, obj: object = None) -> bool:
        return membership is not None and membership.is_active and membership.role in frozen

    return rules.Predicate(in_roles, name=f"has_role({', '.join(sorted(frozen))})")


@rules.predicate
def is_member(membership: Membership | None, obj: object = None) -> bool:
    """Anyone working in an organisation here (the membership the middleware chose)."""
    return membership is not None


is_data_lead = has_role(Role.DATA_LEAD)
is_coordinator = has_role(Role.COORDINATOR)

# People management (the Workers pages, alongside/workers/). The data lead manages everyone in
# the organisation and gives any role. A coordinator manages only supporters, volunteers and
# assessors of their own team (a coordinator without a team: of every team, as for planning),
# gives only those roles and places people only in their own team: never data lead, safeguarding
# lead, coordinator or funder viewer, and never anyone who holds one of those roles.
COORDINATOR_GIVES = frozenset({Role.SUPPORTER, Role.VOLUNTEER, Role.ASSESSOR})


def _coordinates_team(membership: Membership, team_id: int | None) -> bool:
    return membership.team_id is None or membership.team_id == team_id


@rules.predicate
def manages_worker(membership: Membership | None, target: object = None) -> bool:
    """May change this membership: its role and team, leaving date, invitation, switch off/on."""
    if not isinstance(target, Membership) or membership is None or not membership.is_active:
        return False
    if target.organisation_id != membership.organisation_id:
        return False
    if membership.role == Role.DATA_LEAD:
        return True
    return (
        membership.role == Role.COORDINATOR
        and target.role in COORDINATOR_GIVES
        and _coordinates_team(membership, target.team_id)
    )


@rules.predicate
def gives_role(membership: Membership | None, role: object = None) -> bool:
    """May give this role (a `Role` value) when inviting or changing someone's role."""
    if membership is None or not membership.is_active or role not in Role.values:
        return False
    if membership.role == Role.DATA_LEAD:
        return True
    return membership.role == Role.COORDINATOR and role in COORDINATOR_GIVES


@rules.predicate
def places_in_team(membership: Membership | None, team: object = None) -> bool:
    """May put someone in this team (None: no team, for the data lead only)."""
    if membership is None or not membership.is_active:
        return False
    if team is not None and (
        not isinstance(team, Team) or team.organisation_id != membership.organisation_id
    ):
        return False
    if membership.role == Role.DATA_LEAD:
        return True
    return (
        membership.role == Role.COORDINATOR
        and team is not None
        and _coordinates_team(membership, team.pk)
    )


rules.add_rule("access.see_notifications", is_member)
rules.add_rule("access.change_settings", is_data_lead)
rules.add_rule("access.change_words", is_data_lead | is_coordinator)
rules.add_rule("access.manage_workers", is_data_lead | is_coordinator)
rules.add_rule("access.manage_worker", manages_worker)
rules.add_rule("access.give_role", gives_role)
rules.add_rule("access.place_in_team", places_in_team)
