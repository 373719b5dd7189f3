"""Reads for the volunteer journey: who manages sees their organisation's volunteers; what each
is waiting on (the inbox's kind, `waiting_on`); the lived-experience figure for the scorecard.

Nothing here reads `people`, support notes or any sphere: a volunteer record holds only what
the volunteer gave and what the organisation did (decision 0071)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.connections.models import VolunteerProfile
from alongside.training.models import add_months
from alongside.volunteers.models import (
    DBS_ORDER,
    Check,
    CheckKind,
    DbsLevel,
    Reference,
    Requirements,
    Stage,
    Volunteer,
)
from alongside.volunteers.permissions import MANAGERS

# An enquiry should be answered within a week; a reference within two; a DBS check within four.
REPLY_DAYS = 7
REFERENCE_DAYS = 14
DBS_DAYS = 28
RIGHT_TO_VOLUNTEER_DAYS = 14
# Stages where nothing is waited for from outside.
SETTLED = (Stage.ACTIVE, Stage.PAUSED, Stage.LEAVING)


def volunteers_for(membership: Membership | None) -> QuerySet[Volunteer]:
    """The volunteers this membership manages: their organisation's, for coordinators and the
    data lead; none for anyone else."""
    if membership is None or not membership.is_active or membership.role not in MANAGERS:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(organisation_id=membership.organisation_id)


def get_volunteer(membership: Membership | None, volunteer_id: int) -> Volunteer | None:
    return volunteers_for(membership).filter(pk=volunteer_id).first()


def by_stage(membership: Membership) -> list[tuple[str, str, list[Volunteer]]]:
    """Each stage (value, label) with its volunteers, longest in the stage first (one query)."""
    found: dict[str, list[Volunteer]] = {s.value: [] for s in Stage}
    for volunteer in volunteers_for(membership).order_by("stage_since", "pk"):
        found[volunteer.stage].append(volunteer)
    return [(s.value, str(s.label), found[s.value]) for s in Stage]


# Moving to these stages needs the organisation's references and checks (decision 0092).
GATED = (Stage.INDUCTION, Stage.ACTIVE)


def requirements_of(organisation_id: int) -> Requirements:
    """The organisation's requirements: its own row, or the defaults (unsaved) until it has one."""
    found = Requirements.objects.filter(organisation_id=organisation_id).first()
    return found or Requirements(organisation_id=organisation_id)


def _people(count: int, one: str, many: str) -> str:
    return (one if count == 1 else many) % {"n": count}


def still_missing(
    volunteer: Volunteer, *, on: date, requirements: Requirements | None = None
) -> list[str]:
    """What holds this volunteer back from induction or active on `on`, in plain words: a
    reference that came back not satisfactory, too few satisfactory references, a required DBS
    check missing, not back, below the level needed or out of date, the right to volunteer not
    seen where it is required. Empty when nothing does. Three queries (two with `requirements`)."""
    needs = requirements or requirements_of(volunteer.organisation_id)
    missing: list[str] = []
    references = list(Reference.objects.filter(volunteer=volunteer))
    for reference in references:
        if reference.received_on and reference.satisfactory is False:
            missing.append(
                _("The reference from %(who)s came back not satisfactory.")
                % {"who": reference.referee}
            )
    good = sum(1 for r in references if r.received_on and r.satisfactory)
    if good < needs.references:
        waiting = sum(1 for r in references if r.received_on is None)
        missing.append(
            _people(
                needs.references,
                _("%(n)d satisfactory reference is needed"),
                _("%(n)d satisfactory references are needed"),
            )
            + ": "
            + _people(good, _("%(n)d is back"), _("%(n)d are back"))
            + (
                (", " + _people(waiting, _("%(n)d not back yet"), _("%(n)d not back yet")))
                if waiting
                else ""
            )
            + "."
        )
    checks = list(Check.objects.filter(volunteer=volunteer))
    if needs.dbs_level:
        missing.extend(_dbs_missing(checks, needs, on))
    if needs.right_to_volunteer and not any(
        c.kind == CheckKind.RIGHT_TO_VOLUNTEER and c.confirmed_on for c in checks
    ):
        asked = any(c.kind == CheckKind.RIGHT_TO_VOLUNTEER for c in checks)
        missing.append(
            _("Their right to volunteer has not been seen yet.")
            if asked
            else _("Their right to volunteer is needed: record it under Checks.")
        )
    return missing


def _dbs_missing(checks: list[Check], needs: Requirements, on: date) -> list[str]:
    """Why the DBS checks do not meet the level and freshness needed (empty when one does)."""
    needed = DBS_ORDER.index(needs.dbs_level)
    label = DbsLevel(needs.dbs_level).label
    dbs = [c for c in checks if c.kind == CheckKind.DBS]
    back = [c for c in dbs if c.issued_on is not None]
    high_enough = [c for c in back if c.level and DBS_ORDER.index(c.level) >= needed]

    def lasts_until(check: Check) -> date:
        assert check.issued_on is not None
        checked = max(check.issued_on, check.update_service_checked_on or check.issued_on)
        return add_months(checked, needs.dbs_renew_months)

    if any(lasts_until(c) >= on for c in high_enough):
        return []
    if high_enough:
        latest = max(high_enough, key=lasts_until)
        return [
            _(
                "Their DBS check ran out on %(day)s (%(months)d months after it was issued or "
                "last checked on the update service): check it again, or ask for a new one."
            )
            % {"day": f"{lasts_until(latest):%-d %B %Y}", "months": needs.dbs_renew_months}
        ]
    if any(c.issued_on is None for c in dbs):
        return [
            _("Their DBS check is not back yet (%(level)s or above is needed).") % {"level": label}
        ]
    if back:
        return [
            _("Their DBS check is at a lower level than needed: %(level)s or above.")
            % {"level": label}
        ]
    return [_("A DBS check is needed (%(level)s or above): none is recorded.") % {"level": label}]


@dataclass(frozen=True)
class Waiting:
    """One thing a volunteer's journey waits on: for the coordinator's inbox."""

    volunteer: Volunteer
    what: str
    since: date
    due: date


def _days(since: date, today: date) -> int:
    return max((today - since).days, 0)


def waiting_on(membership: Membership, *, today: date, limit: int = 50) -> list[Waiting]:
    """Who is waiting on what: enquiries with no reply, references not back, checks not back,
    for volunteers still on their way (not active, paused or left), soonest due first. Three
    queries whatever the size (one when no one is on their way)."""
    if membership.role != Role.COORDINATOR:
        return []  # the data lead manages volunteers too, but the work is the coordinator's
    journeying = {
        v.pk: v
        for v in volunteers_for(membership).exclude(stage__in=SETTLED).order_by("enquired_on", "pk")
    }
    if not journeying:
        return []  # one query when no one is on their way
    items: list[Waiting] = []
    for volunteer in journeying.values():
        if volunteer.stage == Stage.ENQUIRY:
            items.append(
                Waiting(
                    volunteer,
                    _("Offered to volunteer: get in touch for a first conversation."),
                    volunteer.enquired_on,
                    volunteer.enquired_on + timedelta(days=REPLY_DAYS),
                )
            )
    references = Reference.objects.filter(
        volunteer_id__in=list(journeying), received_on__isnull=True
    ).order_by("asked_on", "pk")[:limit]
    for reference in references:
        items.append(
            Waiting(
                journeying[reference.volunteer_id],
                _("Waiting for a reference from %(who)s for %(days)d days.")
                % {"who": reference.referee, "days": _days(reference.asked_on, today)},
                reference.asked_on,
                reference.asked_on + timedelta(days=REFERENCE_DAYS),
            )
        )
    checks = Check.objects.filter(
        volunteer_id__in=list(journeying), issued_on__isnull=True, confirmed_on__isnull=True
    ).order_by("requested_on", "pk")[:limit]
    for check in checks:
        dbs = check.kind == CheckKind.DBS
        items.append(
            Waiting(
                journeying[check.volunteer_id],
                (
                    _("DBS check not back after %(days)d days.")
                    if dbs
                    else _("Right to volunteer not seen yet (asked %(days)d days ago).")
                )
                % {"days": _days(check.requested_on, today)},
                check.requested_on,
                check.requested_on + timedelta(days=DBS_DAYS if dbs else RIGHT_TO_VOLUNTEER_DAYS),
            )
        )
    items.sort(key=lambda w: (w.due, w.since, w.volunteer.pk))
    return items[:limit]


def lived_experience_share(organisation_id: int, team_id: int | None = None) -> tuple[int, int]:
    """(active volunteers with lived experience they agreed may be used, active volunteers), in
    the organisation or one of its teams.

    Active volunteers are the organisation's active memberships with the volunteer role. One
    counts as having lived experience only with codes recorded and their agreement to its use in
    force (`lived_experience_consent`): no agreement, not counted. A caller that shows the
    figure outside a worker's own view passes both numbers through `common.suppression`.
    Two queries."""
    active = Membership.objects.active().filter(
        organisation_id=organisation_id, role=Role.VOLUNTEER
    )
    if team_id is not None:
        active = active.filter(team_id=team_id)
    with_lived = (
        VolunteerProfile.objects.filter(
            organisation_id=organisation_id,
            membership__in=active,
            lived_experience_consent=True,
        )
        .exclude(lived_experience=[])
        .count()
    )
    return with_lived, active.count()
