"""The `people` kind: one person per row, with an optional note that lands in the support sphere.

Fields (docs/imports.md): `external_id` and `given_name` are required; `family_name`,
`preferred_name`, `date_of_birth` (ISO, DD/MM/YYYY or an Excel serial), `postcode`, `phone`,
`email`, `languages`, `service` (a service's name; the organisation's first service when empty),
`named_worker` (a worker's username, email or full name: their first named worker; an unknown
worker is a warning, and the person comes in without one), `notes` (support sphere) and
`confirmed_new` (yes: add them even though someone like them is on
the record).

A row whose external id this source brought in before updates that person (only the columns the
file has; unchanged rows are skipped). A new row that may be someone already on the record (the
same check as adding a person, `people.queries.possible_matches_many`) is skipped with a warning
unless `confirmed_new` says yes. Notes are written when the person is first imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from alongside.access.models import Membership, Role, Sphere, Team
from alongside.audit import actions
from alongside.audit.services import record_many
from alongside.common.dates import birth_date_problem
from alongside.imports.kinds import (
    CREATE,
    SKIP,
    UPDATE,
    Context,
    Field,
    Kind,
    Planned,
    Problem,
    Row,
    register,
)
from alongside.imports.reading import read_date, text_of
from alongside.imports.records import check_id, known_ids, remember, write_notes
from alongside.people.matching import (
    Identity,
    name_key,
    normalise_postcode,
    phone_key,
    phone_problem,
)
from alongside.people.models import KEY_FIELDS, Person
from alongside.people.names import fold
from alongside.people.queries import possible_matches_many
from alongside.relationships.models import NamedWorkerSpell, SpellReason
from alongside.relationships.services import import_spells
from alongside.rights.models import Anonymisation

KIND = "people"
NOTE_KIND = "people.note"

# Text fields: (field, the person's attribute, the longest it may be).
TEXTS = (
    ("given_name", 100),
    ("family_name", 100),
    ("preferred_name", 100),
    ("languages", 200),
)
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "languages",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "team_id",
)
YES = {"yes", "y", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}
NOTE_LIMIT = 10_000
NAMED_WORKER_ROLES = (Role.SUPPORTER, Role.VOLUNTEER, Role.COORDINATOR)


def _teams(ctx: Context) -> dict[str, int]:
    if "teams" not in ctx.cache:
        found = Team.objects.filter(organisation_id=ctx.organisation_id).order_by("id")
        ctx.cache["teams"] = {fold(t.name): t.pk for t in found}
        ctx.cache["first_team"] = next(iter(ctx.cache["teams"].values()), None)
    teams: dict[str, int] = ctx.cache["teams"]
    return teams


def workers_of(
    ctx: Context, roles: Iterable[str] = NAMED_WORKER_ROLES, *, with_leavers: bool = False
) -> dict[str, int]:
    """Who may be a named worker here (or who holds one of `roles`), by folded username, email
    or full name (a name two workers share names neither); `with_leavers`: those who have left
    too (for history)."""
    key = f"workers:{','.join(sorted(roles))}:{with_leavers}"
    if key not in ctx.cache:
        found: dict[str, int | None] = {}
        members = (
            (Membership.objects.all() if with_leavers else Membership.objects.active())
            .filter(organisation_id=ctx.organisation_id, role__in=list(roles))
            .select_related("user")
        )
        for member in members:
            user = member.user
            for name in {user.username, user.email, user.get_full_name()} - {""}:
                folded = fold(name)
                found[folded] = user.pk if found.get(folded, user.pk) == user.pk else None
        ctx.cache[key] = {name: pk for name, pk in found.items() if pk is not None}
    workers: dict[str, int] = ctx.cache[key]
    return workers


def _up_to_id(ctx: Context) -> int:
    """The people on the record before this pass began: matching asks only about them."""
    if "up_to_id" not in ctx.cache:
        last = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
        ctx.cache["up_to_id"] = last or 0
    return int(ctx.cache["up_to_id"])


def _check(ctx: Context, row: Row, plan: Planned) -> dict[str, Any]:
    """The row's fields, checked and written one way; problems go on `plan`."""
    values: dict[str, Any] = {}
    cells = row.values

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    for name, longest in TEXTS:
        if name in cells:
            text = text_of(cells[name])
            if len(text) > longest:
                problem(name, f"Longer than {longest} characters.")
            values[name] = text
    if not values.get("given_name"):
        problem("given_name", "Enter their first name.")
    if "date_of_birth" in cells:
        try:
            born = read_date(cells["date_of_birth"])
        except ValueError as wrong:
            problem("date_of_birth", str(wrong))
        else:
            why = birth_date_problem(born, today=ctx.today) if born else None
            if why:
                problem("date_of_birth", why)
            values["date_of_birth"] = born
    if "postcode" in cells:
        text = text_of(cells["postcode"])
        postcode = normalise_postcode(text) if text else ""
        if postcode is None:
            problem("postcode", f"“{text[:12]}” is not a UK postcode, like SW1A 1AA.")
        values["postcode"] = postcode or ""
    if "phone" in cells:
        phone = " ".join(text_of(cells["phone"]).split())
        why = phone_problem(phone)
        if why:
            problem("phone", why)
        values["phone"] = phone[:30]
    if "email" in cells:
        email = text_of(cells["email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem("email", "Not an email address, like name@example.org.")
        values["email"] = email[:254]
    if "service" in cells:
        named = text_of(cells["service"])
        teams = _teams(ctx)
        team_id = teams.get(fold(named)) if named else ctx.cache["first_team"]
        if team_id is None:
            problem(
                "service",
                f"There is no service called “{named[:40]}”: use one of "
                f"{', '.join(sorted(teams)) or 'the organisation’s services'}.",
            )
        values["team_id"] = team_id
    if "named_worker" in cells:
        named = text_of(cells["named_worker"])
        worker_id = workers_of(ctx).get(fold(named)) if named else None
        if named and worker_id is None:
            plan.problems.append(
                ctx.problem(
                    row.line,
                    "named_worker",
                    f"No worker called “{named[:40]}” works here: imported without a named "
                    "worker (give them one on their page).",
                    error=False,
                )
            )
        values["named_worker_id"] = worker_id
    if "notes" in cells:
        values["notes"] = text_of(cells["notes"])[:NOTE_LIMIT]
    if "confirmed_new" in cells:
        answer = text_of(cells["confirmed_new"]).lower()
        if answer not in YES | NO:
            problem("confirmed_new", "Write yes or no.")
        values["confirmed_new"] = answer in YES
    return values


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    people = Person.objects.filter(
        organisation_id=ctx.organisation_id, pk__in=list(known.values())
    ).in_bulk()
    _teams(ctx)
    # People erased on request or at the end of retention are never filled in again by a file.
    erased = set(
        Anonymisation.objects.filter(person_id__in=list(people), sphere=Sphere.SHARED).values_list(
            "person_id", flat=True
        )
    )
    plans: list[Planned] = []
    new: list[tuple[Planned, Identity]] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        check_id(ctx, plan)
        values = _check(ctx, row, plan)
        person = people.get(known[external_id]) if external_id in known else None
        if "team_id" not in values and person is None:
            values["team_id"] = ctx.cache["first_team"]
            if values["team_id"] is None:
                plan.problems.append(
                    ctx.problem(row.line, "service", "The organisation has no service yet.")
                )
        if any(problem.error for problem in plan.problems):
            continue
        plan.values = values
        if person is not None and person.pk in erased:
            plan.object_id, plan.values, plan.action = person.pk, {}, SKIP
            plan.problems.append(
                ctx.problem(
                    row.line,
                    "external_id",
                    "This person's record was erased (on their request or at the end of its "
                    "retention period): it is not imported again.",
                    error=False,
                )
            )
            continue
        if person is not None:
            changed = {
                name: value
                for name, value in values.items()
                if name in PERSON_FIELDS and getattr(person, name) != value
            }
            plan.object_id = person.pk
            plan.values = changed
            plan.action = UPDATE if changed else SKIP
            continue
        plan.action = CREATE
        if not values.get("confirmed_new"):
            identity = Identity(
                name_key=name_key(values["given_name"], values.get("family_name", "")),
                date_of_birth=values.get("date_of_birth"),
                postcode=values.get("postcode", ""),
                phone_key=phone_key(values.get("phone", "")),
            )
            new.append((plan, identity))
    if new:
        matches = possible_matches_many(
            ctx.membership, [identity for _, identity in new], up_to_id=_up_to_id(ctx)
        )
        for (plan, _identity), found in zip(new, matches, strict=True):
            if found:
                plan.action = SKIP
                plan.problems.append(
                    Problem(
                        plan.line,
                        ctx.column("given_name"),
                        "May be the same person as someone already on the record "
                        f"(record {found[0]}): not added. To add them as someone new, write yes "
                        "in a confirmed_new column.",
                        error=False,
                    )
                )
    return plans


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    updates = [p for p in plans if p.action == UPDATE]
    if creates:
        people = []
        for plan in creates:
            person = Person(
                organisation_id=ctx.organisation_id,
                **{k: v for k, v in plan.values.items() if k in PERSON_FIELDS},
            )
            person.fill_keys()
            people.append(person)
        Person.objects.bulk_create(people)
        remember(ctx, KIND, creates, people)
        notes = write_notes(
            ctx,
            (
                (plan.values.get("notes", ""), person.pk, None)
                for plan, person in zip(creates, people, strict=True)
            ),
        )
        spells = [
            NamedWorkerSpell(
                organisation_id=ctx.organisation_id,
                person_id=person.pk,
                worker_id=plan.values["named_worker_id"],
                started_on=ctx.today,
                reason=SpellReason.FIRST,
                created_by_id=ctx.membership.user_id,
            )
            for plan, person in zip(creates, people, strict=True)
            if plan.values.get("named_worker_id")
        ]
        # Through the relationships service, so the continuity summary is kept in step.
        spells, _ = import_spells(ctx.membership, spells)
        record_many(
            people, action=actions.IMPORTS_RECORD_IMPORTED, by=ctx.membership, summary=summary
        )
        record_many(
            spells, action=actions.IMPORTS_RECORD_IMPORTED, by=ctx.membership, summary=summary
        )
        record_many(
            notes, action=actions.IMPORTS_RECORD_IMPORTED, by=ctx.membership, summary=summary
        )
    if updates:
        found = Person.objects.filter(
            organisation_id=ctx.organisation_id, pk__in=[p.object_id for p in updates]
        ).in_bulk()
        changed_fields: set[str] = set()
        people = []
        for plan in updates:
            person = found[plan.object_id]
            for name, value in plan.values.items():
                setattr(person, name, value)
                changed_fields.add(name)
            person.fill_keys()
            people.append(person)
        Person.objects.bulk_update(people, [*sorted(changed_fields), *KEY_FIELDS], batch_size=500)
        record_many(
            people,
            action=actions.IMPORTS_RECORD_UPDATED,
            by=ctx.membership,
            summary=summary,
        )


PEOPLE = register(
    Kind(
        name=KIND,
        label="People",
        fields=(
            Field("external_id", "Id in the other system", required=True),
            Field("given_name", "First name", required=True),
            Field("family_name", "Last name"),
            Field("preferred_name", "Preferred name"),
            Field("date_of_birth", "Date of birth", help="2026-12-05, 05/12/2026 or an Excel date"),
            Field("postcode", "Postcode"),
            Field("phone", "Phone"),
            Field("email", "Email"),
            Field("languages", "Languages"),
            Field("service", "Service", help="the service's name; empty: the first service"),
            Field(
                "named_worker",
                "Named worker",
                help="a worker's username, email or full name; unknown: imported without one",
            ),
            Field("notes", "Notes", help="kept in the support sphere"),
            Field(
                "confirmed_new", "Confirmed new", help="yes: add even if someone like them exists"
            ),
        ),
        plan=plan,
        write=write,
        help="One person per row.",
    )
)
