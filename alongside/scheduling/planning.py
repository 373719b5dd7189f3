"""Planning a period, and planning warm handovers: the database side of `planner.py`.

A coordinator lists who needs to be seen in a period (a planning round of requests); the pure
planner proposes bookings that keep people with the workers they know, beside what
first-available booking would have done with the same requests and slots. The coordinator
adjusts the proposal, then accepts it: every booking is made in one transaction, or none.

Ids in the planner's problem: workers are "u<user id>", people "p<person id>", requests
"r<request id>", slots their key ("<user id>@<aware ISO start>", as in `queries.slot_key`).
Slot times are handed to the planner as local wall-clock times, as it expects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from alongside.access.models import Membership, Skill, Team, language_list
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person
from alongside.relationships.models import Handover, NamedWorkerSpell, SpellReason
from alongside.relationships.services import plan_handover
from alongside.scheduling import planner
from alongside.scheduling.models import (
    AppointmentMode,
    BookedVia,
    PlanningRound,
    SeeRequest,
)
from alongside.scheduling.queries import (
    SlotOption,
    busy_workers,
    free_slots,
    named_workers,
    seen_before,
    worker_memberships,
)
from alongside.scheduling.services import book

MAX_PERIOD_DAYS = 92
CADENCES = {7: "weekly", 14: "fortnightly", 28: "every four weeks"}
PLAN_SECONDS = 5.0


def _local(at: datetime) -> datetime:
    return timezone.localtime(at).replace(tzinfo=None)


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
        raise ValidationError({"team": "Choose a team of this organisation."})
    if errors:
        raise ValidationError(errors)
    people = list(
        Person.objects.filter(team=team, spells__ended_on__isnull=True).annotate(
            last_contact=Max("contacts__at")
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
                {"period_start": "Nobody in this team is due a check-in in that period."}
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


def _planner_worker(membership: Membership) -> planner.Worker:
    return planner.Worker(
        id=f"u{membership.user_id}",
        skills=frozenset(s.name for s in membership.skills.all()),
        languages=frozenset(language_list(membership.languages)),
    )


# The planner's problem --------------------------------------------------------------------------


@dataclass
class PlanningContext:
    problem: planner.Problem
    slots: dict[str, SlotOption]
    requests: dict[str, SeeRequest]
    names: dict[str, str]  # worker id -> name
    named: dict[str, str]  # person id -> named worker id
    known: dict[str, frozenset[str]]  # person id -> workers met


def planning_context(planning_round: PlanningRound) -> PlanningContext:
    """The round's requests, the team's free slots and who knows whom, as a planner problem."""
    requests = list(
        planning_round.requests.filter(appointment__isnull=True).select_related("person", "skill")
    )
    members = list(
        worker_memberships(planning_round.organisation_id, team_id=planning_round.team_id)
    )
    slot_options = free_slots(
        members, start=planning_round.period_start, end=planning_round.period_end
    )
    person_ids = sorted({r.person_id for r in requests})
    named = named_workers(person_ids)
    met = seen_before(person_ids)
    workers = tuple(_planner_worker(m) for m in members)
    spoken = {language for worker in workers for language in worker.languages}
    people: dict[int, planner.Person] = {}
    for request in requests:
        person = request.person
        if person.pk not in people:
            people[person.pk] = planner.Person(
                id=f"p{person.pk}",
                language=support_language(person.languages, spoken),
                named_worker=f"u{named[person.pk]}" if person.pk in named else None,
                seen_before=frozenset(f"u{w}" for w in met.get(person.pk, ())),
            )
    slots = {s.key: s for s in slot_options}
    problem = planner.Problem(
        workers=workers,
        slots=tuple(
            planner.Slot(
                id=key, worker=f"u{s.worker_id}", start=_local(s.starts_at), minutes=s.minutes
            )
            for key, s in slots.items()
        ),
        people=tuple(people.values()),
        requests=tuple(
            planner.Request(
                id=f"r{r.pk}",
                person=f"p{r.person_id}",
                earliest=r.earliest,
                latest=r.latest,
                skill=r.skill.name if r.skill else None,
            )
            for r in requests
        ),
    )
    return PlanningContext(
        problem=problem,
        slots=slots,
        requests={f"r{r.pk}": r for r in requests},
        names={f"u{m.user_id}": m.user.get_full_name() or m.user.get_username() for m in members},
        named={p.id: p.named_worker for p in people.values() if p.named_worker},
        known={p.id: p.seen_before for p in people.values()},
    )


def support_language(languages: str, spoken: set[str]) -> str | None:
    """The language to book a person in: the first they list that someone in the team speaks.

    When nobody speaks any of their languages, None: they can be booked with anyone, and the
    proposal says an interpreter is needed (`needs_interpreter`).
    """
    return next((language for language in language_list(languages) if language in spoken), None)


def needs_interpreter(languages: str, spoken: set[str]) -> str:
    """Their first language, when nobody in the team speaks any language they list; else ""."""
    listed = language_list(languages)
    return listed[0] if listed and support_language(languages, spoken) is None else ""


def _figures(problem: planner.Problem, result: planner.Plan) -> dict[str, Any]:
    summary: dict[str, Any] = dict(planner.summarise(problem, result.assignments))
    summary["score"] = result.score
    return summary


def propose(planning_round: PlanningRound) -> None:
    """Run the planner and first-available on the same requests and slots; keep both."""
    context = planning_context(planning_round)
    best = planner.plan(context.problem, time_limit=PLAN_SECONDS)
    baseline = planner.first_available(context.problem)
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
        raise ValidationError({"slot": "This plan has been decided already."})
    context = planning_context(planning_round)
    if request_id not in context.requests:
        raise ValidationError({"request": "Choose a request of this plan."})
    assignments = {
        r: s
        for r, s in planning_round.proposal.get("assignments", {}).items()
        if r in context.requests and s in context.slots
    }
    assignments.pop(request_id, None)
    if slot:
        if slot not in context.slots:
            raise ValidationError({"slot": "That time is not free any more. Choose another."})
        assignments[request_id] = slot
        problems = planner.violations(context.problem, assignments)
        if problems:
            raise ValidationError({"slot": f"That does not fit: {problems[0]}"})
    result = planner.Plan(
        assignments=assignments,
        unassigned={},
        score=planner.score(context.problem, assignments),
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
            raise ValidationError({"plan": "This plan has been decided already."})
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
                        "plan": f"{request.person.display_name}'s time is no longer free. "
                        "Make a new proposal: nothing has been booked."
                    }
                )
            try:
                appointment = book(
                    request.person,
                    by=by,
                    worker=_user(slot.worker_id),
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
                        "plan": f"{request.person.display_name}: {' '.join(error.messages)} "
                        "Nothing has been booked."
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
            raise ValidationError({"plan": "This plan has been decided already."})
        current.status = PlanningRound.Status.DISCARDED
        current.decided_by = by.user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        record(current, action=actions.SCHEDULING_PLAN_SET_ASIDE, by=by)


def _user(user_id: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)


# Showing a proposal ----------------------------------------------------------------------------


@dataclass
class ProposalRow:
    request: SeeRequest
    slot: SlotOption | None
    worker_name: str
    kind: str  # "named", "known", "new" or ""
    reason: str
    alternatives: list[tuple[str, str]]  # (slot key, label)
    interpreter: str = ""  # the language to find an interpreter for, if any


def proposal_rows(planning_round: PlanningRound, *, alternatives: int = 12) -> list[ProposalRow]:
    """One row per request: the proposed slot, how well it keeps continuity, other free times."""
    context = planning_context(planning_round)
    proposal = planning_round.proposal
    assignments: Mapping[str, str] = proposal.get("assignments", {})
    unassigned: Mapping[str, str] = proposal.get("unassigned", {})
    used = set(assignments.values())
    by_day: dict[date, list[SlotOption]] = defaultdict(list)
    for option in context.slots.values():
        by_day[timezone.localdate(option.starts_at)].append(option)
    workers = {w.id: w for w in context.problem.workers}
    people = {p.id: p for p in context.problem.people}
    spoken = {language for worker in workers.values() for language in worker.languages}
    rows = []
    for request_id, request in context.requests.items():
        person = people[f"p{request.person_id}"]
        key = assignments.get(request_id)
        slot = context.slots.get(key) if key else None
        worker_id = f"u{slot.worker_id}" if slot else ""
        choices: list[tuple[int, str, str]] = []
        day = request.earliest
        while day <= request.latest and len(choices) < 200:
            for option in by_day.get(day, ()):
                wid = f"u{option.worker_id}"
                worker = workers[wid]
                if option.key in used and option.key != key:
                    continue
                if request.skill and request.skill.name not in worker.skills:
                    continue
                if person.language and person.language not in worker.languages:
                    continue
                rank = 0 if wid == person.named_worker else 1 if wid in person.seen_before else 2
                label = (
                    f"{date_format(timezone.localtime(option.starts_at), 'D j M H:i')} · "
                    f"{context.names[wid]}"
                    + (" (named worker)" if rank == 0 else " (has met them)" if rank == 1 else "")
                )
                choices.append((rank, option.key, label))
            day += timedelta(days=1)
        choices.sort(key=lambda c: (c[0], c[1].split("@")[1]))
        rows.append(
            ProposalRow(
                request=request,
                slot=slot,
                worker_name=context.names.get(worker_id, ""),
                kind=""
                if slot is None
                else "named"
                if worker_id == person.named_worker
                else "known"
                if worker_id in person.seen_before
                else "new",
                reason=unassigned.get(request_id, ""),
                alternatives=[(k, label) for _, k, label in choices[:alternatives]],
                interpreter=needs_interpreter(request.person.languages, spoken),
            )
        )
    rows.sort(key=lambda r: (r.request.person.display_name, r.request.earliest))
    return rows


# Warm handovers when a worker leaves -------------------------------------------------------------


@dataclass
class HandoverProposal:
    person: Person
    successor_id: int | None
    why: tuple[str, ...]
    introduction: SlotOption | None


def handover_proposals(leaving: Membership) -> list[HandoverProposal]:
    """A successor for each of the leaving worker's people, and a time to introduce them.

    The introduction is the leaving worker's first free slot before they go when the successor
    is free too (and not away).
    """
    spells = list(
        NamedWorkerSpell.objects.filter(worker=leaving.user, ended_on__isnull=True)
        .filter(person__organisation_id=leaving.organisation_id)
        .exclude(person__handovers__status=Handover.Status.PLANNED)
        .select_related("person")
    )
    people = [s.person for s in spells]
    members = [
        m
        for m in worker_memberships(leaving.organisation_id, team_id=leaving.team_id)
        if m.pk != leaving.pk and (m.leaving_on is None)
    ]
    met = seen_before([p.pk for p in people])
    workers = [_planner_worker(m) for m in members]
    needs = _planner_worker(leaving).skills
    spoken = {language for worker in workers for language in worker.languages}
    proposals = planner.propose_successors(
        f"u{leaving.user_id}",
        [
            planner.HandoverPerson(
                id=f"p{p.pk}",
                language=support_language(p.languages, spoken),
                # What the leaving worker brought to them: a successor with the same skills.
                needs=needs,
                seen_before=frozenset(f"u{w}" for w in met.get(p.pk, ())),
            )
            for p in people
        ],
        workers,
        {f"u{m.user_id}": m.takes_new_people for m in members},
    )
    today = timezone.localdate()
    last_day = leaving.leaving_on or today + timedelta(days=28)
    own_slots = free_slots([leaving], start=today, end=max(today, last_day))
    by_person = {f"p{p.pk}": p for p in people}
    members_by_user = {m.user_id: m for m in members}
    horizon_end = timezone.make_aware(
        datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    )
    busy = busy_workers(list(members_by_user), timezone.now(), horizon_end)
    used: set[str] = set()
    result = []
    for proposal in proposals:
        person = by_person[proposal.person]
        successor = int(proposal.worker[1:]) if proposal.worker else None
        introduction = None
        if successor is not None:
            introduction = _joint_slot(own_slots, used, busy, successor, members_by_user[successor])
            if introduction is not None:
                used.add(introduction.key)
        result.append(HandoverProposal(person, successor, proposal.why, introduction))
    result.sort(key=lambda r: r.person.display_name)
    return result


def _joint_slot(
    slots: Sequence[SlotOption], used: set[str], busy: Any, successor: int, member: Membership
) -> SlotOption | None:
    from alongside.scheduling.models import AvailabilityException

    away = list(
        AvailabilityException.objects.filter(membership=member).values_list("starts_on", "ends_on")
    )
    for slot in slots:
        day = timezone.localdate(slot.starts_at)
        if slot.key in used or any(a <= day <= b for a, b in away):
            continue
        if not busy.clashes(successor, slot.starts_at, slot.ends_at):
            return slot
    return None


def plan_handovers(
    leaving: Membership, *, by: Membership, choices: Mapping[int, tuple[int, str]]
) -> int:
    """For each chosen person: plan the handover and book the joint introduction, all or none.

    `choices` maps person id -> (successor user id, introduction slot key).
    """
    from alongside.scheduling.queries import offered_slot, parse_slot_key

    if not choices:
        raise ValidationError({"people": "Choose at least one person to hand over."})
    people = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in=list(choices),
            organisation_id=leaving.organisation_id,
            spells__worker=leaving.user,
            spells__ended_on__isnull=True,
        )
    }
    with transaction.atomic():
        for person_id, (successor_id, key) in sorted(choices.items()):
            person = people.get(person_id)
            if person is None:
                raise ValidationError({"people": "Choose people this worker supports now."})
            parsed = parse_slot_key(key)
            slot = (
                offered_slot(leaving.organisation_id, leaving.user_id, parsed[1])
                if parsed
                else None
            )
            if parsed is None or slot is None or parsed[0] != leaving.user_id:
                raise ValidationError(
                    {"people": f"Choose a time for {person.display_name}'s introduction."}
                )
            try:
                handover = plan_handover(
                    person,
                    to_worker=_user(successor_id),
                    by=by,
                    reason=SpellReason.WORKER_LEFT,
                    introduce_by=leaving.leaving_on,
                )
                book(
                    person,
                    by=by,
                    worker=leaving.user,
                    with_worker=_user(successor_id),
                    starts_at=slot.starts_at,
                    minutes=slot.minutes,
                    mode=AppointmentMode.IN_PERSON if slot.place else AppointmentMode.PHONE,
                    place=slot.place,
                    booked_via=BookedVia.HANDOVER,
                    handover=handover,
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        "people": f"{person.display_name}: {' '.join(error.messages)} Nothing has been booked."
                    }
                ) from error
    return len(choices)
