"""Whose support-sphere records a membership reads: notes, answers, needs, profiles, ties.

Records in the support sphere carry `person` and `author`. A membership reads them by its role
(`own_role_q`), by the person's consent to share all their support records, and, for a
safeguarding lead, by their own override in force (`support_records_q`). Data leads and funder
viewers read none, whatever a consent says.
"""

from datetime import datetime

from django.db.models import Q

from alongside.access.models import Membership, Role, Sphere
from alongside.people.models import Person
from alongside.visibility.consent import consents_for
from alongside.visibility.overrides import overridden_person_ids
from alongside.visibility.people import confirmed_q
from alongside.visibility.roles import GRANTEE_ROLES, may_read_sphere


def coordinates(membership: Membership, person: Person) -> bool:
    """A coordinator's reach: the person is in their team (everyone, when they have no team)."""
    return membership.team_id is None or membership.team_id == person.team_id


def own_role_q(membership: Membership) -> Q | None:
    """What the role itself may read, before any consent or override. None: nothing.

    Supporters: people they have a confirmed relationship with (`people.confirmed_q`), and what
    they wrote themselves (a supporter who only records contacts sees just their own words);
    volunteers: what they wrote;
    coordinators: people in their team (the organisation when they have no team).
    """
    if not may_read_sphere(membership.role, Sphere.SUPPORT):
        return None
    if membership.role == Role.SUPPORTER:
        return confirmed_q(membership.user_id, field="person_id") | Q(author_id=membership.user_id)
    if membership.role == Role.VOLUNTEER:
        return Q(author_id=membership.user_id)
    if membership.role == Role.COORDINATOR:
        return Q(person__team_id=membership.team_id) if membership.team_id else Q()
    return None


def support_records_q(membership: Membership | None, *, now: datetime | None = None) -> Q | None:
    """Over a support-sphere model: the rows this membership reads. None means nothing.

    The role's own reach (`own_role_q`), the person's consent to share all their support
    records with this role or user, and a safeguarding lead's own override in force.
    """
    if membership is None or not membership.is_active or membership.role not in GRANTEE_ROLES:
        return None
    allowed = Q(
        person_id__in=consents_for(membership, now=now)
        .filter(scope="all_support_notes")
        .values("person_id")
    )
    own = own_role_q(membership)
    if own is not None:
        allowed |= own
    if membership.role == Role.SAFEGUARDING_LEAD:
        allowed |= Q(person_id__in=overridden_person_ids(membership))
    return allowed
