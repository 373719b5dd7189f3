"""The `attendance` kind: one row per person at one session of a space, onto its register.

Fields (docs/imports.md): `person` (the person's `external_id` in the same source's people file),
`space` (the space's `external_id` in the same source's spaces file, or its name) and `date` are
required; `starts_at` picks the session when the space met more than once that day, and with
`ends_at` adds a session the space does not have yet; `external_id` is optional.

A register holds a person once per session, so the same file twice changes nothing whether or not
it has ids: a row for someone already on that register is skipped. Marks go through
`spaces.services.mark_present_many` (one `spaces.attendance.marked` event each, naming the
import). A session that was cancelled or has not happened yet takes no marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from alongside.imports.kinds import CREATE, SKIP, Context, Field, Kind, Planned, Row, register
from alongside.imports.people_kind import KIND as PEOPLE_KIND
from alongside.imports.reading import read_date, read_time, text_of
from alongside.imports.records import check_id, known_ids, remember
from alongside.imports.spaces_kind import KIND as SPACES_KIND
from alongside.people.names import fold
from alongside.spaces.models import Attendance, Session, Space
from alongside.spaces.services import add_session, mark_present_many

KIND = "attendance"


def _spaces(ctx: Context, rows: Sequence[Row]) -> dict[str, int]:
    """What a row may name a space by: this source's ids for spaces, or a space's name."""
    if "space_names" not in ctx.cache:
        found: dict[str, int | None] = {}
        for pk, name in Space.objects.filter(organisation_id=ctx.organisation_id).values_list(
            "pk", "name"
        ):
            found[fold(name)] = pk if found.get(fold(name), pk) == pk else None
        ctx.cache["space_names"] = {k: v for k, v in found.items() if v is not None}
    ids = known_ids(ctx, SPACES_KIND, [text_of(row.values.get("space")) for row in rows])
    names: dict[str, int] = ctx.cache["space_names"]
    return names | {f"id:{k}": v for k, v in ids.items()}


def _check(
    ctx: Context,
    row: Row,
    plan: Planned,
    people: dict[str, int],
    spaces: dict[str, int],
) -> dict[str, Any]:
    cells = row.values
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    person = text_of(cells.get("person"))
    if not person:
        problem("person", "Give the id of the person who came.")
    elif person not in people:
        problem(
            "person",
            f"No person with the id “{person[:40]}” was imported from {ctx.source}: import the "
            "people file first.",
        )
    values["person_id"] = people.get(person)
    space = text_of(cells.get("space"))
    values["space_id"] = spaces.get(f"id:{space}") or spaces.get(fold(space))
    if not space:
        problem("space", "Name the space or group they came to.")
    elif values["space_id"] is None:
        problem(
            "space",
            f"No space “{space[:40]}” is here: import the spaces file first, or write the "
            "space's name.",
        )
    try:
        values["on"] = read_date(cells.get("date"))
    except ValueError as wrong:
        problem("date", str(wrong))
    else:
        if values["on"] is None:
            problem("date", "Give the date of the session.")
        elif values["on"] > ctx.today:
            problem("date", "This session has not happened yet.")
        elif values["on"].year < 2000:
            problem("date", "A date from 2000 on.")
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = read_time(cells.get(name))
        except ValueError as wrong:
            problem(name, str(wrong))
    if (
        values.get("starts_at")
        and values.get("ends_at")
        and values["ends_at"] <= values["starts_at"]
    ):
        problem("ends_at", "The end must be after the start.")
    return values


def _session(
    ctx: Context, row: Row, plan: Planned, sessions: dict[tuple[int, date], list[Session]]
) -> Session | tuple[int, date, time, time] | None:
    """The session a row marks, a new one to add (space, day, start, end), or None (a problem)."""
    values = plan.values
    day: date = values["on"]
    starts: time | None = values.get("starts_at")
    found = [
        s for s in sessions.get((values["space_id"], day), []) if starts in (None, s.starts_at)
    ]
    held = [s for s in found if not s.is_cancelled]
    if len(held) == 1:
        return held[0]
    if len(held) > 1:
        plan.problems.append(
            ctx.problem(
                row.line,
                "starts_at",
                "The space met more than once that day: give the time the session started.",
            )
        )
        return None
    if found:
        plan.problems.append(
            ctx.problem(row.line, "date", f"The session on {day:%d/%m/%Y} was cancelled.")
        )
        return None
    if starts is not None and values.get("ends_at") is not None:
        return (values["space_id"], day, starts, values["ends_at"])
    plan.problems.append(
        ctx.problem(
            row.line,
            "date",
            f"The space has no session on {day:%d/%m/%Y}: import its recurring sessions with the "
            "spaces file, or give starts_at and ends_at to add this one.",
        )
    )
    return None


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    people = known_ids(ctx, PEOPLE_KIND, [text_of(row.values.get("person")) for row in rows])
    spaces = _spaces(ctx, rows)
    checked: list[tuple[Row, Planned]] = []
    plans: list[Planned] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        if external_id:
            check_id(ctx, plan)
            if external_id in known:
                plan.object_id, plan.action = known[external_id], SKIP
                continue
        plan.values = _check(ctx, row, plan, people, spaces)
        if not plan.problems:
            checked.append((row, plan))
    sessions: dict[tuple[int, date], list[Session]] = {}
    for session in Session.objects.filter(
        organisation_id=ctx.organisation_id,
        space_id__in={p.values["space_id"] for _, p in checked},
        on__in={p.values["on"] for _, p in checked},
    ):
        sessions.setdefault((session.space_id, session.on), []).append(session)
    marked = set(
        Attendance.objects.filter(
            session__in=[s for group in sessions.values() for s in group],
            person_id__in={p.values["person_id"] for _, p in checked},
        ).values_list("session_id", "person_id")
    )
    lines: dict[tuple[Any, int], int] = ctx.cache.setdefault("marks", {})
    for row, plan in checked:
        found = _session(ctx, row, plan, sessions)
        if found is None:
            continue
        key = (found.pk if isinstance(found, Session) else found, plan.values["person_id"])
        if isinstance(found, Session) and key in marked:
            plan.action = SKIP  # already on the register
        elif key in lines:
            plan.action = SKIP
            plan.problems.append(
                ctx.problem(
                    row.line,
                    "person",
                    f"The same person at the same session as line {lines[key]}: kept once.",
                    error=False,
                )
            )
        else:
            lines[key] = row.line
            plan.action = CREATE
            plan.extra["session"] = found
    return plans


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    spaces = Space.objects.filter(
        organisation_id=ctx.organisation_id,
        pk__in={p.values["space_id"] for p in creates},
    ).in_bulk()
    added: dict[tuple[int, date, time, time], Session] = {}
    marks: list[tuple[Session, int]] = []
    for plan in creates:
        session = plan.extra["session"]
        if not isinstance(session, Session):
            if session not in added:
                space_id, day, starts, ends = session
                added[session] = add_session(
                    spaces[space_id], by=ctx.membership, on=day, starts_at=starts, ends_at=ends
                )
            session = added[session]
        marks.append((session, plan.values["person_id"]))
    made = mark_present_many(marks, by=ctx.membership, summary=summary, today=ctx.today)
    with_ids = [(plan, mark) for plan, mark in zip(creates, made, strict=True) if plan.external_id]
    remember(ctx, KIND, [p for p, _ in with_ids], [m for _, m in with_ids])


ATTENDANCE = register(
    Kind(
        name=KIND,
        label="Attendance at spaces",
        fields=(
            Field(
                "person", "Person's id", required=True, help="their external_id in the people file"
            ),
            Field(
                "space",
                "Space",
                required=True,
                help="the space's external_id in the spaces file, or its name",
            ),
            Field("date", "Date", required=True, help="the session's date"),
            Field("starts_at", "Starts at", help="when the space met more than once that day"),
            Field("ends_at", "Ends at", help="with starts_at: adds a session the space lacks"),
            Field("external_id", "Id in the other system", help="optional"),
        ),
        plan=plan,
        write=write,
        help="One row per person at a session of a space: the register.",
    )
)
