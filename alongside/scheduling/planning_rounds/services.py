"""Changing a planning round: create it, propose, adjust, accept or set aside the proposal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Skill, Team
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person
from alongside.scheduling.models import (
    AppointmentMode,
    BookedVia,
    PlanningRound,
    SeeRequest,
)
from alongside.scheduling.planner import problem as planner
from alongside.scheduling.planner.baseline import first_available
from alongside.scheduling.planner.optimiser import plan
from alongside.scheduling.planner.score import score, summarise, violations
from alongside.scheduling.planning_rounds.queries import planning_context, worker_user
from alongside.scheduling.services import book

MAX_PERIOD_DAYS = 92
CADENCES = {7: "weekly", 14: "fortnightly", 28: "every four weeks"}
PLAN_SECONDS = 5.0


# Listing who needs to be seen -----------------------------------------------------------------


def create_round(
    *,
    by: Membership,
    team: Team,
    period_start: date,
    period_end: date,
    every_days: int,
    window_days: int,
    skill: Skill | None = None,
) -> PlanningRound:
    """List everyone in the team with a named worker who is due a check-in in the period.

    A person is first due `every_days` after their last contact (or at the start of the period,
    if that is sooner), then every `every_days`; each check-in may happen on any day of a window
    of `window_days` from its due date (clipped to the period). Then propose bookings.
    """
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if period_start < today:
        errors["period_start"] = "Plan from today onwards."
    if period_end < period_start:
        errors["period_end"] = "The end must be on or after the start."
    elif (period_end - period_start).days >= MAX_PERIOD_DAYS:
        errors["period_end"] = f"Plan at most {MAX_PERIOD_DAYS} days at a time."
    if every_days not in CADENCES:
        errors["every_days"] = "Choose weekly, fortnightly or every four weeks."
    elif not 1 <= window_days <= every_days:
        errors["window_days"] = f"Enter a window from 1 to {every_days} days."
    if skill is not None and skill.organisation_id != team.organisation_id:
        errors["skill"] = "Choose a skill of this organisation."
    if team.organisation_id != by.organisation_id:
        raise ValidationError({"team": _("Choose a team of this organisation.")})
    if errors:
        raise ValidationError(errors)
    people = list(
        Person.objects.filter(team=team, spells__ended_on__isnull=True).annotate(
            last_contact=Max("contacts__at", filter=Q(contacts__removed_at__isnull=True))
        )
    )
    with transaction.atomic():
        description = (
            f"{CADENCES[every_days].capitalize()} check-ins, "
            f"{date_format(period_start, 'j M')} to {date_format(period_end, 'j M Y')}"
            + (f", {skill.name}" if skill else "")
        )
        planning_round = PlanningRound.objects.create(
            organisation_id=team.organisation_id,
            team=team,
            period_start=period_start,
            period_end=period_end,
            description=description,
            created_by=by.user,
        )
        requests = []
        for person in people:
            last = timezone.localdate(person.last_contact) if person.last_contact else None
            due = max(period_start, last + timedelta(days=every_days)) if last else period_start
            while due <= period_end:
                latest = min(due + timedelta(days=window_days - 1), period_end)
                requests.append(
                    SeeRequest(
                        planning_round=planning_round,
                        person=person,
                        earliest=due,
                        latest=latest,
                        skill=skill,
                    )
                )
                due += timedelta(days=every_days)
        if not requests:
            raise ValidationError(
                {"period_start": _("Nobody in this team is due a check-in in that period.")}
            )
        SeeRequest.objects.bulk_create(requests)
        record(
            planning_round,
            action=actions.SCHEDULING_PLAN_CREATED,
            by=by,
            summary={"team": team.pk, "requests": len(requests)},
        )
    propose(planning_round)
    return planning_round


def _figures(problem: planner.Problem, result: planner.Plan) -> dict[str, Any]:
    summary: dict[str, Any] = dict(summarise(problem, result.assignments))
    summary["score"] = result.score
    return summary


def propose(planning_round: PlanningRound) -> None:
    """Run the planner and first-available on the same requests and slots; keep both."""
    context = planning_context(planning_round)
    best = plan(context.problem, time_limit=PLAN_SECONDS)
    baseline = first_available(context.problem)
    planning_round.proposal = {
        "assignments": best.assignments,
        "unassigned": best.unassigned,
        "bound": best.bound,
        "figures": _figures(context.problem, best),
        "baseline": _figures(context.problem, baseline),
        "made_at": timezone.now().isoformat(),
    }
    planning_round.save(update_fields=["proposal"])


def adjust(planning_round: PlanningRound, *, by: Membership, request_id: str, slot: str) -> None:
    """Change one proposed booking (or leave the request unbooked, with `slot` empty)."""
    if planning_round.status != PlanningRound.Status.DRAFT:
        raise ValidationError({"slot": _("This plan has been decided already.")})
    context = planning_context(planning_round)
    if request_id not in context.requests:
        raise ValidationError({"request": _("Choose a request of this plan.")})
    assignments = {
        r: s
        for r, s in planning_round.proposal.get("assignments", {}).items()
        if r in context.requests and s in context.slots
    }
    assignments.pop(request_id, None)
    if slot:
        if slot not in context.slots:
            raise ValidationError({"slot": _("That time is not free any more. Choose another.")})
        assignments[request_id] = slot
        problems = violations(context.problem, assignments)
        if problems:
            raise ValidationError(
                {"slot": _("That does not fit: %(problem)s") % {"problem": problems[0]}}
            )
    result = planner.Plan(
        assignments=assignments,
        unassigned={},
        score=score(context.problem, assignments),
        bound=int(planning_round.proposal.get("bound", 0)),
    )
    proposal = dict(planning_round.proposal)
    proposal["assignments"] = assignments
    unassigned = dict(proposal.get("unassigned", {}))
    unassigned.pop(request_id, None)
    if not slot:
        unassigned[request_id] = "left unbooked by the coordinator"
    proposal["unassigned"] = unassigned
    proposal["figures"] = _figures(context.problem, result)
    planning_round.proposal = proposal
    planning_round.save(update_fields=["proposal"])


def accept(planning_round: PlanningRound, *, by: Membership) -> int:
    """Book every proposed appointment in one transaction; if one cannot be booked, book none."""
    with transaction.atomic():
        current = PlanningRound.objects.select_for_update().get(pk=planning_round.pk)
        if current.status != PlanningRound.Status.DRAFT:
            raise ValidationError({"plan": _("This plan has been decided already.")})
        context = planning_context(current)
        assignments = current.proposal.get("assignments", {})
        booked = 0
        for request_id, key in sorted(assignments.items(), key=lambda item: item[1]):
            request = context.requests.get(request_id)
            slot = context.slots.get(key)
            if request is None:
                continue
            if slot is None:
                raise ValidationError(
                    {
                        "plan": _(
                            "%(name)s's time is no longer free. Make a new proposal: nothing has been booked."
                        )
                        % {"name": request.person.display_name}
                    }
                )
            try:
                appointment = book(
                    request.person,
                    by=by,
                    worker=worker_user(slot.worker_id),
                    starts_at=slot.starts_at,
                    minutes=slot.minutes,
                    mode=AppointmentMode.IN_PERSON if slot.place else AppointmentMode.PHONE,
                    place=slot.place,
                    booked_via=BookedVia.PLAN,
                    planning_round=current,
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        "plan": _("%(name)s: %(messages)s Nothing has been booked.")
                        % {
                            "name": request.person.display_name,
                            "messages": " ".join(error.messages),
                        }
                    }
                ) from error
            request.appointment = appointment
            request.save(update_fields=["appointment"])
            booked += 1
        current.status = PlanningRound.Status.ACCEPTED
        current.decided_by = by.user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        record(current, action=actions.SCHEDULING_PLAN_ACCEPTED, by=by, summary={"booked": booked})
    planning_round.refresh_from_db()
    return booked


def discard(planning_round: PlanningRound, *, by: Membership) -> None:
    with transaction.atomic():
        current = PlanningRound.objects.select_for_update().get(pk=planning_round.pk)
        if current.status != PlanningRound.Status.DRAFT:
            raise ValidationError({"plan": _("This plan has been decided already.")})
        current.status = PlanningRound.Status.DISCARDED
        current.decided_by = by.user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        record(current, action=actions.SCHEDULING_PLAN_SET_ASIDE, by=by)
