"""Reading a planning round: the round as a planner problem, and the proposal's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from alongside.access.models import Membership, language_list
from alongside.scheduling.models import (
    PlanningRound,
    SeeRequest,
)
from alongside.scheduling.planner import problem as planner
from alongside.scheduling.queries import (
    SlotOption,
    free_slots,
    named_workers,
    seen_before,
    worker_memberships,
)


def _local(at: datetime) -> datetime:
    return timezone.localtime(at).replace(tzinfo=None)


def planner_worker(membership: Membership) -> planner.Worker:
    """The member as the planner sees a worker: "u<user id>", skills and languages."""
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
    workers = tuple(planner_worker(m) for m in members)
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


def worker_user(user_id: int) -> Any:
    """The user with this id (a worker in a proposal or a handover)."""
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
