"""The `contacts` kind: one conversation or meeting per row, with a person brought in before from
the same source, and an optional note that lands in the support sphere.

Fields (docs/imports.md): `external_id`, `person` (the person's `external_id` in the same
source's people file), `worker` (a worker's username, email or full name) and `at` (a date, or a
date and time: "2026-12-05 14:30", "05/12/2026 14:30"; a date alone is noon) are required;
`minutes` (1 to 720; 30 when empty), `mode` (in_person, phone, video, message, home_visit, group
or their words; in person when empty), `initiated_by` (person or us; us when empty) and `notes`.

A contact is never updated by a later file: a row whose id this source brought in before is
skipped (a contact's change is a revision a worker makes, with its history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.utils import timezone

from alongside.audit import actions
from alongside.audit.services import record_many
from alongside.common.dates import date_problem
from alongside.imports.kinds import CREATE, SKIP, Context, Field, Kind, Planned, Row, register
from alongside.imports.people_kind import KIND as PEOPLE_KIND
from alongside.imports.people_kind import NOTE_LIMIT, workers_of
from alongside.imports.reading import read_moment, text_of
from alongside.imports.records import check_id, known_ids, remember, write_notes
from alongside.people.names import fold
from alongside.relationships.models import Contact, Initiator, Mode
from alongside.relationships.summaries import refresh_people

KIND = "contacts"
MODES = {fold(value): value for value in Mode.values} | {
    fold(str(label)): value for value, label in Mode.choices
}
INITIATORS = {
    "person": Initiator.PERSON,
    "them": Initiator.PERSON,
    "us": Initiator.US,
    "": Initiator.US,
}


def _check(ctx: Context, row: Row, plan: Planned, people: dict[str, int]) -> dict[str, Any]:
    cells = row.values
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    person = text_of(cells.get("person"))
    if not person:
        problem("person", "Give the id of the person the contact was with.")
    elif person not in people:
        problem(
            "person",
            f"No person with the id “{person[:40]}” was imported from {ctx.source}: import the "
            "people file first.",
        )
    values["person_id"] = people.get(person)
    worker = text_of(cells.get("worker"))
    worker_id = workers_of(ctx).get(fold(worker)) if worker else None
    if worker_id is None:
        problem(
            "worker",
            f"No worker called “{worker[:40]}” works here: add them as a worker first, or "
            "write the name of one who does."
            if worker
            else "Name the worker who led the contact.",
        )
    values["worker_id"] = worker_id
    try:
        moment = read_moment(cells.get("at"))
    except ValueError as wrong:
        problem("at", str(wrong))
        moment = None
    else:
        if moment is None:
            problem("at", "Give the date of the contact.")
        elif why := date_problem(moment[0]):
            problem("at", why)
    if moment is not None:
        day, clock = moment
        values["at"] = timezone.make_aware(datetime.combine(day, clock or time(12)))
    minutes_text = text_of(cells.get("minutes"))
    if not minutes_text:
        values["minutes"] = 30
    elif minutes_text.isascii() and minutes_text.isdigit() and 1 <= int(minutes_text) <= 720:
        values["minutes"] = int(minutes_text)
    else:
        problem("minutes", "Write the minutes as a whole number from 1 to 720.")
    mode = fold(text_of(cells.get("mode")))
    values["mode"] = MODES.get(mode, Mode.IN_PERSON if not mode else None)
    if values["mode"] is None:
        problem("mode", f"Write one of: {', '.join(Mode.values)}.")
    initiated = INITIATORS.get(fold(text_of(cells.get("initiated_by"))))
    if initiated is None:
        problem("initiated_by", "Write person (they got in touch) or us.")
    values["initiated_by"] = initiated
    values["notes"] = text_of(cells.get("notes"))[:NOTE_LIMIT]
    return values


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    people = known_ids(ctx, PEOPLE_KIND, [text_of(row.values.get("person")) for row in rows])
    plans: list[Planned] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        check_id(ctx, plan)
        if external_id in known:
            plan.action = SKIP
            plan.object_id = known[external_id]
            continue
        plan.values = _check(ctx, row, plan, people)
        if not plan.problems:
            plan.action = CREATE
    return plans


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    contacts = [
        Contact(
            organisation_id=ctx.organisation_id,
            recorded_by_id=ctx.membership.user_id,
            **{k: v for k, v in plan.values.items() if k != "notes"},
        )
        for plan in creates
    ]
    Contact.objects.bulk_create(contacts)
    # Written past the contact services: keep the continuity summary in step (decision 0069).
    refresh_people(sorted({contact.person_id for contact in contacts}))
    remember(ctx, KIND, creates, contacts)
    notes = write_notes(
        ctx,
        (
            (plan.values["notes"], contact.person_id, contact.pk)
            for plan, contact in zip(creates, contacts, strict=True)
        ),
    )
    for records in (contacts, notes):
        record_many(
            records, action=actions.IMPORTS_RECORD_IMPORTED, by=ctx.membership, summary=summary
        )


CONTACTS = register(
    Kind(
        name=KIND,
        label="Contacts",
        fields=(
            Field("external_id", "Id in the other system", required=True),
            Field(
                "person", "Person's id", required=True, help="their external_id in the people file"
            ),
            Field(
                "worker", "Worker", required=True, help="a worker's username, email or full name"
            ),
            Field(
                "at", "When", required=True, help="a date, or a date and time like 2026-12-05 14:30"
            ),
            Field("minutes", "Minutes", help="1 to 720; 30 when empty"),
            Field("mode", "How", help="in_person, phone, video, message, home_visit or group"),
            Field("initiated_by", "Who got in touch", help="person or us"),
            Field("notes", "Notes", help="kept in the support sphere"),
        ),
        plan=plan,
        write=write,
        help="One contact per row, with a person imported before from the same source.",
    )
)
