"""The supervision sphere: a supervision's notes are read by its supervisee and its supervisor,
and by no one else at all: not coordinators, data leads, safeguarding leads or funders, whatever
their role (issue 15 §4). No consent, override or role widens it."""

from django.db.models import Q

from alongside.access.models import Membership


def supervision_q(membership: Membership | None, prefix: str = "") -> Q:
    """Supervisions (reached through `prefix`) this membership is one of the two people in.
    Nothing for no membership or one no longer in force."""
    if membership is None or not membership.is_active:
        return Q(pk__in=[])
    return Q(**{f"{prefix}supervisee_id": membership.pk}) | Q(
        **{f"{prefix}supervisor_id": membership.pk}
    )


def supervision_notes_q(membership: Membership | None) -> Q:
    """The supervision notes this membership may read (see `supervision_q`)."""
    return supervision_q(membership, "session__supervision__")
