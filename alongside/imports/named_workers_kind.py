"""The `named_workers` kind: a person's named workers over time, one spell per row.

The people kind gives a person their first named worker only (from the day of the import). This
kind brings the history: who was their named worker, from when until when, and who is now.

Fields (docs/imports.md): `external_id`, `person` (the person's `external_id` in the same
source's people file), `worker` (a worker's username, email or full name; one who has left is
fine for a spell that ended) and `started_on` are required; `ended_on` (empty: they are still the
named worker) and `reason` (first, person_chose, worker_left, person_moved, workload, other, or
their words; empty: first for the person's earliest spell, other after).

A person's spells may not overlap (one may end on the day the next starts), in the file or with
the spells they have already, and at most one is open. A row whose id this source brought in
before is skipped, unless its `ended_on` changed: then the spell is ended (or reopened) as the
file says. Spells are written through `relationships.services.import_spells`, which keeps the
continuity summary in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from alongside.access import words as local_words
from alongside.audit import actions
from alongside.audit.services import record_many
from alongside.imports.kinds import (
    CREATE,
    SKIP,
    UPDATE,
    Context,
    Field,
    Kind,
    Planned,
    Row,
    register,
)
from alongside.imports.people_kind import KIND as PEOPLE_KIND
from alongside.imports.people_kind import workers_of
from alongside.imports.reading import read_date, text_of
from alongside.imports.records import check_id, known_ids, remember
from alongside.people.names import fold
from alongside.relationships.models import NamedWorkerSpell, SpellReason
from alongside.relationships.services import import_spells

KIND = "named_workers"


def _reasons(organisation_id: int) -> dict[str, str]:
    """A reason as a file may write it: a starting code or label, or a code or label of the
    organisation's own words (decision 0088), folded."""
    starting = {fold(code): code for code in SpellReason.values} | {
        fold(str(label)): code for code, label in SpellReason.choices
    }
    own = local_words.labels(organisation_id, "spell_reason")
    return (
        starting
        | {fold(code): code for code in own}
        | {fold(label): code for code, label in own.items()}
    )


FOREVER = date.max

# A spell in the check: (starts, ends or FOREVER, the line that gave it or 0, the spell's id or 0)
Span = tuple[date, date, int, int]


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _spans(ctx: Context, person_ids: set[int]) -> dict[int, list[Span]]:
    """Each person's spells: those on the record before this pass began, and those the file has
    planned so far (kept in the context across batches)."""
    if "first_pass_spell" not in ctx.cache:
        last = NamedWorkerSpell.objects.order_by("-pk").values_list("pk", flat=True).first()
        ctx.cache["first_pass_spell"] = last or 0
    spans: dict[int, list[Span]] = ctx.cache.setdefault("spans", {})
    missing = person_ids - ctx.cache.setdefault("spans_loaded", set())
    for spell in NamedWorkerSpell.objects.filter(
        person_id__in=missing, pk__lte=ctx.cache["first_pass_spell"]
    ):
        spans.setdefault(spell.person_id, []).append(
            (spell.started_on, spell.ended_on or FOREVER, 0, spell.pk)
        )
    ctx.cache["spans_loaded"] |= missing
    return spans


def _check(ctx: Context, row: Row, plan: Planned, people: dict[str, int]) -> dict[str, Any]:
    cells = row.values
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    person = text_of(cells.get("person"))
    if not person:
        problem("person", "Give the id of the person.")
    elif person not in people:
        problem(
            "person",
            f"No person with the id “{person[:40]}” was imported from {ctx.source}: import the "
            "people file first.",
        )
    values["person_id"] = people.get(person)
    for name in ("started_on", "ended_on"):
        try:
            values[name] = read_date(cells.get(name))
        except ValueError as wrong:
            problem(name, str(wrong))
        else:
            if values[name] and values[name] > ctx.today:
                problem(name, "A date in the future: give the day it happened.")
    if "started_on" in values and values["started_on"] is None:
        problem("started_on", "Give the day they became the named worker.")
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and ended and ended < started:
        problem("ended_on", "The end is before the start.")
    worker = text_of(cells.get("worker"))
    worker_id = workers_of(ctx, with_leavers=bool(ended)).get(fold(worker)) if worker else None
    if worker_id is None:
        problem(
            "worker",
            f"No worker called “{worker[:40]}” works here"
            + ("" if ended else " now (a spell with no end needs someone who still does)")
            + ": import the workers file first, or write the name of one who does."
            if worker
            else "Name the named worker.",
        )
    values["worker_id"] = worker_id
    said = text_of(cells.get("reason"))
    reasons = ctx.cache.get("spell_reasons")
    if reasons is None:  # once per import, not per row
        reasons = ctx.cache["spell_reasons"] = _reasons(ctx.organisation_id)
    values["reason"] = reasons.get(fold(said)) if said else ""
    if values["reason"] is None:
        problem("reason", f"Write one of: {', '.join(dict.fromkeys(reasons.values()))}.")
    return values


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    people = known_ids(ctx, PEOPLE_KIND, [text_of(row.values.get("person")) for row in rows])
    before = NamedWorkerSpell.objects.filter(
        organisation_id=ctx.organisation_id, pk__in=known.values()
    ).in_bulk()
    spans = _spans(ctx, set(people.values()))
    plans: list[Planned] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        check_id(ctx, plan)
        values = _check(ctx, row, plan, people)
        if any(problem.error for problem in plan.problems):
            continue
        spell = before.get(known[external_id]) if external_id in known else None
        if spell is not None and spell.ended_on == values["ended_on"]:
            plan.object_id, plan.action = spell.pk, SKIP
            continue
        mine = spans.setdefault(values["person_id"], [])
        span: Span = (
            values["started_on"] if spell is None else spell.started_on,
            values["ended_on"] or FOREVER,
            row.line,
            spell.pk if spell is not None else 0,
        )
        clash = next(
            (
                other
                for other in mine
                if _overlap(span, other) and (spell is None or other[3] != spell.pk)
            ),
            None,
        )
        if clash is not None:
            plan.problems.append(
                ctx.problem(
                    row.line,
                    "started_on" if spell is None else "ended_on",
                    "Overlaps another of their named workers"
                    + (f" (line {clash[2]})" if clash[2] else " (already on their record)")
                    + ": a person has one named worker at a time.",
                )
            )
            continue
        mine[:] = [s for s in mine if spell is None or s[3] != spell.pk] + [span]
        if spell is not None:
            plan.object_id, plan.action = spell.pk, UPDATE
            plan.values = {"ended_on": values["ended_on"]}
            continue
        if not values["reason"]:
            earlier = any(other[0] < span[0] for other in mine)
            values["reason"] = SpellReason.OTHER if earlier else SpellReason.FIRST
        plan.values, plan.action = values, CREATE
    return plans


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    made, changed = import_spells(
        ctx.membership,
        [
            NamedWorkerSpell(
                person_id=p.values["person_id"],
                worker_id=p.values["worker_id"],
                started_on=p.values["started_on"],
                ended_on=p.values["ended_on"],
                reason=p.values["reason"],
                chosen_by_person=p.values["reason"] == SpellReason.PERSON_CHOSE,
            )
            for p in creates
        ],
        ends={
            p.object_id: p.values["ended_on"]
            for p in plans
            if p.action == UPDATE and p.object_id is not None
        },
    )
    remember(ctx, KIND, creates, made)
    record_many(made, action=actions.IMPORTS_RECORD_IMPORTED, by=ctx.membership, summary=summary)
    record_many(changed, action=actions.IMPORTS_RECORD_UPDATED, by=ctx.membership, summary=summary)


NAMED_WORKERS = register(
    Kind(
        name=KIND,
        label="Named workers (history)",
        fields=(
            Field("external_id", "Id in the other system", required=True),
            Field(
                "person", "Person's id", required=True, help="their external_id in the people file"
            ),
            Field(
                "worker",
                "Named worker",
                required=True,
                help="a worker's username, email or full name",
            ),
            Field("started_on", "From", required=True),
            Field("ended_on", "Until", help="empty: still their named worker"),
            Field("reason", "Why", help="first, person_chose, worker_left, person_moved, …"),
        ),
        plan=plan,
        write=write,
        help="A person's named workers over time, one spell per row.",
    )
)
