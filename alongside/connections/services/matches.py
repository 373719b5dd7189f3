"""Writes for one-to-one volunteer matching: a coordinator confirms proposed pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.audit import actions
from alongside.audit.services import record
from alongside.connections.models import (
    Match,
    VolunteerProfile,
)
from alongside.connections.services.introductions import propose
from alongside.people.models import Person


@dataclass(frozen=True)
class ProposedPair:
    person_id: int
    volunteer_id: int  # user id
    score: float
    why: tuple[str, ...]


def confirm_matches(
    *,
    by: Membership,
    chosen: Sequence[tuple[int, int]],
    weights: Mapping[str, float],
    now: datetime | None = None,
    request_id: str = "",
    after: int = 0,
) -> list[Match]:
    """The coordinator confirms some of the proposed pairs (person id, volunteer user id).

    The proposal (the batch after `after`, `match_proposals.propose`) is worked out again here
    with the same weights: only pairs it proposes are
    accepted, so nothing posted can pair people the matcher would not (exclusions, capacity).
    All or nothing: one Match per pair, each starting an introduction (proposed: each side is
    then asked with the same permission on both sides), capacity reduced, one
    `connections.match.confirmed` event per pair.
    """
    from alongside.connections import match_proposals

    now = now or timezone.now()
    if by.role != Role.COORDINATOR:
        raise ValidationError(_("Only a coordinator can confirm matches."))
    if not chosen:
        raise ValidationError({"pairs": _("Choose at least one pair.")})
    if len(set(chosen)) != len(chosen):
        raise ValidationError({"pairs": _("Choose each pair once.")})
    proposal = match_proposals.propose(by, weights, after=after)
    offered = {(p.person_id, p.volunteer_id): p for p in proposal.pairs}
    unknown = [pair for pair in chosen if pair not in offered]
    if unknown:
        raise ValidationError(
            {"pairs": _("Some pairs are no longer proposed: look at the proposal again.")}
        )
    matches = []
    with transaction.atomic():
        for key in chosen:
            pair = offered[key]
            person = Person.objects.get(pk=pair.person_id)
            volunteer = User.objects.get(pk=pair.volunteer_id)
            match = Match.objects.create(
                organisation_id=by.organisation_id,
                person=person,
                volunteer=volunteer,
                score=pair.score,
                why=list(pair.why),
                weights=dict(weights),
                confirmed_by_id=by.user_id,
                confirmed_at=now,
            )
            vprofile = (
                VolunteerProfile.objects.select_for_update()
                .filter(membership__user=volunteer, organisation_id=by.organisation_id)
                .first()
            )
            if vprofile is not None:
                if vprofile.capacity < 1:
                    raise ValidationError({"pairs": _("A volunteer has no room left.")})
                vprofile.capacity -= 1
                vprofile.save(update_fields=["capacity"])
            record(
                match,
                action=actions.CONNECTIONS_MATCH_CONFIRMED,
                by=by,
                summary={"volunteer": volunteer.pk, "score": pair.score},
                request_id=request_id,
            )
            match.introduction = propose(
                person, by=by, volunteer=volunteer, match=match, now=now, request_id=request_id
            )
            matches.append(match)
    return matches
