"""Warm handovers when a worker leaves: propose a successor for each of their people and a
time for the three to meet, then plan the handovers and book the introductions, all or none.

The successors come from the pure planner (`planner.successors.propose_successors`); the
people and workers are read as for a planning round (`planning_rounds.queries`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.relationships.models import Handover, NamedWorkerSpell, SpellReason
from alongside.relationships.services import plan_handover
from alongside.scheduling.models import (
    AppointmentMode,
    BookedVia,
)
from alongside.scheduling.planner.successors import HandoverPerson, propose_successors
from alongside.scheduling.planning_rounds.queries import (
    planner_worker,
    support_language,
    worker_user,
)
from alongside.scheduling.queries import (
    SlotOption,
    busy_workers,
    free_slots,
    seen_before,
    worker_memberships,
)
from alongside.scheduling.services import book


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
    workers = [planner_worker(m) for m in members]
    needs = planner_worker(leaving).skills
    spoken = {language for worker in workers for language in worker.languages}
    proposals = propose_successors(
        f"u{leaving.user_id}",
        [
            HandoverPerson(
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
        raise ValidationError({"people": _("Choose at least one person to hand over.")})
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
                raise ValidationError({"people": _("Choose people this worker supports now.")})
            parsed = parse_slot_key(key)
            slot = (
                offered_slot(leaving.organisation_id, leaving.user_id, parsed[1])
                if parsed
                else None
            )
            if parsed is None or slot is None or parsed[0] != leaving.user_id:
                raise ValidationError(
                    {
                        "people": _("Choose a time for %(name)s's introduction.")
                        % {"name": person.display_name}
                    }
                )
            try:
                handover = plan_handover(
                    person,
                    to_worker=worker_user(successor_id),
                    by=by,
                    reason=SpellReason.WORKER_LEFT,
                    introduce_by=leaving.leaving_on,
                )
                book(
                    person,
                    by=by,
                    worker=leaving.user,
                    with_worker=worker_user(successor_id),
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
                        "people": _("%(name)s: %(messages)s Nothing has been booked.")
                        % {"name": person.display_name, "messages": " ".join(error.messages)}
                    }
                ) from error
    return len(choices)
