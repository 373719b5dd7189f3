"""The `spaces` kind: one community space or group per row, with its recurring sessions if the
row gives them.

Fields (docs/imports.md): `external_id` and `name` are required, and a `venue` or an
`online_link` (or both); `about`, `access` (drop_in or invitation, or their words), `team` (a
team's name), `host` (a worker's username, email or full name). The recurring sessions: `weekday`
(Monday … Sunday, or Mon … Sun), `starts_at` and `ends_at` (14:30), `every_weeks` (1 to 8; 1 when
empty), `starts_on` and `ends_on` (dates): all of `weekday`, `starts_at`, `ends_at`, `starts_on`
and `ends_on`, or none. Sessions are made through `spaces.services.add_pattern`, one pattern per
year of the range (a pattern covers at most a year), past dates included, so an attendance file
can fill their registers.

A row whose id this source brought in before updates the space's own fields
(`spaces.services.change_space`). When it gives recurring sessions that differ from the space's,
the file's become the space's (`spaces.services.reschedule`, docs/imports.md): sessions the space
lacks are added; sessions made from its earlier patterns that the file no longer has are
cancelled, except those with a register (someone marked, or the register closed), which are
kept. A session is matched by its date and start time; sessions added by hand on the space's
page are never cancelled by a file. The dry run says, on the row, how many sessions would be
added, cancelled and kept. A row with no recurring sessions leaves the sessions as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from alongside.access.models import Team
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
from alongside.imports.people_kind import workers_of
from alongside.imports.reading import read_date, read_time, text_of
from alongside.imports.records import check_id, known_ids, remember
from alongside.people.names import fold
from alongside.spaces.models import Space, Weekday
from alongside.spaces.recurrence import MAX_PATTERN_DAYS, pattern_dates
from alongside.spaces.services import (
    add_pattern,
    change_space,
    create_space,
    plan_reschedule,
    reschedule,
)
from alongside.visibility.roles import WORKER_ROLES

KIND = "spaces"
SPACE_TEXTS = (("name", 200), ("about", 10_000), ("venue", 300), ("online_link", 200))
PATTERN = ("weekday", "starts_at", "ends_at", "starts_on", "ends_on")
ACCESS = (
    {fold(code): code for code in Space.Access.values}
    | {fold(str(label)): code for code, label in Space.Access.choices}
    | {"open": Space.Access.DROP_IN, "drop in": Space.Access.DROP_IN, "": Space.Access.DROP_IN}
)
WEEKDAYS = {fold(str(label)): int(day) for day, label in Weekday.choices} | {
    fold(str(label))[:3]: int(day) for day, label in Weekday.choices
}


def _check(ctx: Context, row: Row, plan: Planned) -> dict[str, Any]:
    cells = row.values
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    for name, longest in SPACE_TEXTS:
        if name in cells:
            text = text_of(cells[name])
            if len(text) > longest:
                problem(name, f"Longer than {longest} characters.")
            values[name] = text
    if not values.get("name"):
        problem("name", "Give the space a name.")
    if values.get("online_link"):
        try:
            URLValidator(schemes=["https", "http"])(values["online_link"])
        except ValidationError:
            problem("online_link", "Not a web address, like https://meet.example.org/group.")
    if not values.get("venue") and not values.get("online_link"):
        problem("venue", "Say where it meets (a venue), or give an online link, or both.")
    if "access" in cells:
        said = text_of(cells["access"])
        values["access"] = ACCESS.get(fold(said))
        if values["access"] is None:
            problem("access", "Write drop_in (anyone can come) or invitation.")
    if "team" in cells:
        named = text_of(cells["team"])
        teams = ctx.cache.setdefault(
            "teams",
            {fold(t.name): t for t in Team.objects.filter(organisation_id=ctx.organisation_id)},
        )
        values["team"] = teams.get(fold(named)) if named else None
        if named and values["team"] is None:
            problem("team", f"There is no team called “{named[:40]}”.")
    if "host" in cells:
        named = text_of(cells["host"])
        host_id = workers_of(ctx, WORKER_ROLES).get(fold(named)) if named else None
        if named and host_id is None:
            problem(
                "host",
                f"No worker called “{named[:40]}” works here: import the workers file first, or "
                "leave the host empty.",
            )
        values["host_id"] = host_id
    given = [name for name in PATTERN if text_of(cells.get(name))]
    if given:
        pattern = _pattern(ctx, row, plan)
        if pattern is not None:
            values["pattern"] = pattern
    return values


def _pattern(ctx: Context, row: Row, plan: Planned) -> dict[str, Any] | None:
    cells = row.values
    before = len(plan.problems)

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    for name in PATTERN:
        if not text_of(cells.get(name)):
            problem(name, "Give every part of the recurring sessions (day, times, from, until).")
    weekday = WEEKDAYS.get(fold(text_of(cells.get("weekday"))))
    if text_of(cells.get("weekday")) and weekday is None:
        problem("weekday", "Write a day of the week, like Tuesday.")
    times = {}
    for name in ("starts_at", "ends_at"):
        try:
            times[name] = read_time(cells.get(name))
        except ValueError as wrong:
            problem(name, str(wrong))
    dates: dict[str, date | None] = {}
    for name in ("starts_on", "ends_on"):
        try:
            dates[name] = read_date(cells.get(name))
        except ValueError as wrong:
            problem(name, str(wrong))
    every = text_of(cells.get("every_weeks")) or "1"
    if not (every.isascii() and every.isdigit() and 1 <= int(every) <= 8):
        problem("every_weeks", "Write every 1 to 8 weeks, as a number.")
    starts, ends = times.get("starts_at"), times.get("ends_at")
    if starts and ends and ends <= starts:
        problem("ends_at", "The end must be after the start.")
    first, last = dates.get("starts_on"), dates.get("ends_on")
    if first and last:
        if last < first:
            problem("ends_on", "The last date must be on or after the first.")
        elif (last - first).days > 10 * 366:
            problem("ends_on", "Give at most ten years of sessions.")
        elif weekday is not None and not pattern_dates(
            weekday=weekday, every_weeks=1, starts_on=first, ends_on=last
        ):
            problem("ends_on", "No such day falls between these dates.")
    if len(plan.problems) > before:
        return None
    return {
        "weekday": weekday,
        "starts_at": starts,
        "ends_at": ends,
        "every_weeks": int(every),
        "starts_on": first,
        "ends_on": last,
    }


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    spaces = Space.objects.filter(
        organisation_id=ctx.organisation_id, pk__in=known.values()
    ).in_bulk()
    plans: list[Planned] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        check_id(ctx, plan)
        values = _check(ctx, row, plan)
        if any(problem.error for problem in plan.problems):
            continue
        space = spaces.get(known[external_id]) if external_id in known else None
        if space is None:
            plan.values, plan.action = values, CREATE
            continue
        plan.object_id = space.pk
        plan.values = {
            name: value
            for name, value in values.items()
            if name != "pattern" and getattr(space, name) != value
        }
        if pattern := values.get("pattern"):
            _plan_sessions(ctx, space, pattern, plan)
        plan.action = UPDATE if plan.values or plan.extra else SKIP
    return plans


def _year_pieces(pattern: dict[str, Any]) -> list[tuple[date, date]]:
    """The pattern's dates cut into pieces one pattern may cover (at most `MAX_PATTERN_DAYS`
    each), each from one of its dates, so a fortnightly rhythm goes on across the cut."""
    dates = pattern_dates(
        weekday=pattern["weekday"],
        every_weeks=pattern["every_weeks"],
        starts_on=pattern["starts_on"],
        ends_on=pattern["ends_on"],
    )
    pieces: list[tuple[date, date]] = []
    for day in dates:
        if pieces and (day - pieces[-1][0]).days < MAX_PATTERN_DAYS:
            pieces[-1] = (pieces[-1][0], day)
        else:
            pieces.append((day, day))
    return pieces


def _plan_sessions(ctx: Context, space: Space, pattern: dict[str, Any], plan: Planned) -> None:
    """A known space's row gives recurring sessions: what making them the space's would do."""
    dates = [
        day
        for first, last in _year_pieces(pattern)
        for day in pattern_dates(
            weekday=pattern["weekday"],
            every_weeks=pattern["every_weeks"],
            starts_on=first,
            ends_on=last,
        )
    ]
    change = plan_reschedule(space, dates=dates, starts_at=pattern["starts_at"])
    if not change.changes:
        return
    plan.extra["pattern"] = pattern
    words = [
        f"{len(change.add)} sessions will be added" if change.add else "",
        f"{len(change.cancel)} cancelled (no longer in the file)" if change.cancel else "",
        f"{change.kept} no longer in the file kept, as they have a register" if change.kept else "",
        f"{change.left_cancelled} in the file left cancelled, as they were cancelled before"
        if change.left_cancelled
        else "",
    ]
    plan.problems.append(
        ctx.problem(
            plan.line,
            "weekday",
            "The recurring sessions changed: " + "; ".join(w for w in words if w) + ".",
            error=False,
        )
    )


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    fields = {name: value for name, value in values.items() if name != "pattern"}
    if "host_id" in fields:
        host_id = fields.pop("host_id")
        fields["host"] = User.objects.get(pk=host_id) if host_id else None
    return fields


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    made = []
    for plan in creates:
        space = create_space(by=ctx.membership, **_fields(plan.values))
        if pattern := plan.values.get("pattern"):
            for first, last in _year_pieces(pattern):
                add_pattern(
                    space, by=ctx.membership, **(pattern | {"starts_on": first, "ends_on": last})
                )
        made.append(space)
    remember(ctx, KIND, creates, made)
    record_many(made, action=actions.IMPORTS_SPACE_IMPORTED, by=ctx.membership, summary=summary)
    updates = [p for p in plans if p.action == UPDATE]
    found = Space.objects.filter(
        organisation_id=ctx.organisation_id, pk__in=[p.object_id for p in updates]
    ).in_bulk()
    changed = []
    for plan in updates:
        space = found[plan.object_id]
        if plan.values:
            space = change_space(space, by=ctx.membership, **_fields(plan.values))
        if pattern := plan.extra.get("pattern"):
            reschedule(
                space,
                by=ctx.membership,
                pieces=_year_pieces(pattern),
                **{
                    name: pattern[name]
                    for name in ("weekday", "starts_at", "ends_at", "every_weeks")
                },
            )
        changed.append(space)
    record_many(changed, action=actions.IMPORTS_SPACE_UPDATED, by=ctx.membership, summary=summary)


SPACES = register(
    Kind(
        name=KIND,
        label="Spaces and groups",
        fields=(
            Field("external_id", "Id in the other system", required=True),
            Field("name", "Name", required=True),
            Field("venue", "Where", help="a venue, or an online link, or both"),
            Field("online_link", "Online link"),
            Field("about", "What happens there"),
            Field("access", "Who can come", help="drop_in or invitation"),
            Field("team", "Team"),
            Field("host", "Host", help="a worker's username, email or full name"),
            Field("weekday", "Day", help="recurring sessions: Monday … Sunday"),
            Field("starts_at", "Starts at", help="like 14:30"),
            Field("ends_at", "Ends at"),
            Field("every_weeks", "Every how many weeks", help="1 to 8; 1 when empty"),
            Field("starts_on", "From", help="the first date of the recurring sessions"),
            Field("ends_on", "Until", help="the last date"),
        ),
        plan=plan,
        write=write,
        help="One space or group per row, with its recurring sessions if given.",
    )
)
