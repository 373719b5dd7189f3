"""Audited reads for connections: what a person shared, and an introduction's shared words.

Each returns what the worker is about to see and writes the one `<app>.<model>.viewed` event
(ids only) when support-sphere words are shown.
"""

from alongside.access.models import Membership
from alongside.audit.services import record_read
from alongside.connections import queries
from alongside.connections.models import Introduction, PersonProfile
from alongside.connections.queries import IntroductionView
from alongside.people.models import Person


def read_profile(membership: Membership, person: Person) -> PersonProfile | None:
    """The person's profile when this membership may read it, else None.

    Side effects: one `connections.personprofile.viewed` event when there is one."""
    profile = queries.profile_for(membership, person)
    if profile is not None:
        record_read(
            PersonProfile,
            [profile.pk],
            by=membership,
            organisation_id=membership.organisation_id,
            person_id=person.pk,
        )
    return profile


def read_introduction(membership: Membership, introduction: Introduction) -> IntroductionView:
    """What this worker may see of an introduction they may open.

    Side effects: one `connections.introduction.viewed` event (about no one person) when the
    view shows what the sides have in common."""
    view = queries.view_for(membership, introduction)
    if view.in_common:
        record_read(
            Introduction,
            [introduction.pk],
            by=membership,
            organisation_id=membership.organisation_id,
            person_id=None,
        )
    return view
