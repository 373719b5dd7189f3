"""The `workers` kind: one worker per row, made without a usable password and without an email.

Fields (docs/imports.md): `external_id`, `email`, `first_name` and `role` (the role's code, its
label, or the organisation's own word for it) are required; `last_name`, `team` (a team's name;
empty: no team), `started_on` (today when empty), `leaving_on`, `languages` and `skills` (names,
separated by commas or semicolons; a skill the organisation has not named yet is added).

Nobody is emailed during the import: each new worker gets an invitation that was never sent
(`workers.services.add_imported_workers`), shown on the Workers page as "Imported: not invited
yet" with a **Send the invitation** button. A role the importer may not give (`access.give_role`)
or a team they may not place people in (`access.place_in_team`) is an error on that row.

Duplicates are decided by email: a new row whose email already has an account (here or in another
organisation) is skipped with a warning; two rows of one file with one email are an error. A row
whose id this source brought in before updates that worker's name, role, team, dates, languages
and skills (never the email: that is their sign-in).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import rules
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from alongside.access.models import Membership, Role, Skill, Team
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
from alongside.imports.reading import read_date, text_of
from alongside.imports.records import check_id, known_ids, remember
from alongside.people.names import fold
from alongside.workers.services import NewWorker, add_imported_workers, update_imported_workers

KIND = "workers"
MEMBERSHIP_FIELDS = ("role", "team_id", "started_on", "leaving_on", "languages")
USER_FIELDS = ("first_name", "last_name")


def _roles(ctx: Context) -> dict[str, str]:
    """Folded role words -> role code: the code, the default label and the organisation's own."""
    if "roles" not in ctx.cache:
        organisation = ctx.membership.organisation
        words: dict[str, str] = {}
        for code, label in Role.choices:
            for word in (code, str(label), organisation.role_name(code)):
                words[fold(word)] = code
        ctx.cache["roles"] = words
    roles: dict[str, str] = ctx.cache["roles"]
    return roles


def _teams(ctx: Context) -> dict[str, Team]:
    if "teams" not in ctx.cache:
        ctx.cache["teams"] = {
            fold(team.name): team
            for team in Team.objects.filter(organisation_id=ctx.organisation_id)
        }
    teams: dict[str, Team] = ctx.cache["teams"]
    return teams


def _check(ctx: Context, row: Row, plan: Planned, *, new: bool) -> dict[str, Any]:
    cells = row.values
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        plan.problems.append(ctx.problem(row.line, name, message))

    email = text_of(cells.get("email")).lower()
    if not email:
        problem("email", "Give their email address: they sign in with it.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", "Not an email address, like name@example.org.")
        else:
            if len(email) > 150:
                problem("email", "Longer than 150 characters.")
    values["email"] = email
    for name in ("first_name", "last_name"):
        text = text_of(cells.get(name))
        if len(text) > 150:
            problem(name, "Longer than 150 characters.")
        values[name] = text
    if not values["first_name"]:
        problem("first_name", "Enter their first name.")
    said = text_of(cells.get("role"))
    role = _roles(ctx).get(fold(said)) if said else None
    if role is None:
        choices = ", ".join(ctx.membership.organisation.role_name(code) for code in Role.values)
        problem(
            "role",
            f"“{said[:40]}” is not a role here: write one of {choices}."
            if said
            else f"Give their role: one of {choices}.",
        )
    elif not rules.test_rule("access.give_role", ctx.membership, role):
        problem(
            "role",
            f"You can't make someone a {ctx.membership.organisation.role_name(role)}: only the "
            "data lead gives that role.",
        )
    values["role"] = role
    named = text_of(cells.get("team"))
    team = _teams(ctx).get(fold(named)) if named else None
    if named and team is None:
        problem(
            "team",
            f"There is no team called “{named[:40]}”: use one of "
            f"{', '.join(t.name for t in _teams(ctx).values()) or 'the organisation’s teams'}.",
        )
    elif (named or "team" in cells) and not rules.test_rule(
        "access.place_in_team", ctx.membership, team
    ):
        problem("team", "Choose your own team: you can add people to it only.")
    if "team" in cells or new:
        values["team_id"] = team.pk if team is not None else None
    for name in ("started_on", "leaving_on"):
        if name in cells:
            try:
                values[name] = read_date(cells[name])
            except ValueError as wrong:
                problem(name, str(wrong))
    if new and values.get("started_on") is None:
        values["started_on"] = ctx.today
    if (
        values.get("started_on")
        and values.get("leaving_on")
        and values["leaving_on"] < values["started_on"]
    ):
        problem("leaving_on", "The leaving date is before the start date.")
    if "languages" in cells:
        languages = text_of(cells["languages"])
        if len(languages) > 200:
            problem("languages", "Longer than 200 characters.")
        values["languages"] = languages
    if "skills" in cells:
        skills = [s.strip() for s in text_of(cells["skills"]).replace(";", ",").split(",")]
        if any(len(skill) > 100 for skill in skills):
            problem("skills", "A skill's name is longer than 100 characters.")
        values["skills"] = sorted({skill for skill in skills if skill}, key=fold)
    return values


def plan(ctx: Context, rows: Sequence[Row]) -> list[Planned]:
    ids = [text_of(row.values.get("external_id")) for row in rows]
    known = known_ids(ctx, KIND, ids)
    members = (
        Membership.objects.filter(organisation_id=ctx.organisation_id, pk__in=known.values())
        .select_related("user")
        .prefetch_related("skills")
        .in_bulk()
    )
    emails = {text_of(row.values.get("email")).lower() for row in rows} - {""}
    if "first_pass_user" not in ctx.cache:  # accounts made by this pass are not duplicates
        last = User.objects.order_by("-pk").values_list("pk", flat=True).first()
        ctx.cache["first_pass_user"] = last or 0
    taken = dict(
        User.objects.filter(email__in=emails, pk__lte=ctx.cache["first_pass_user"]).values_list(
            "email", "pk"
        )
    ) | dict(
        User.objects.filter(username__in=emails, pk__lte=ctx.cache["first_pass_user"]).values_list(
            "username", "pk"
        )
    )
    lines: dict[str, int] = ctx.cache.setdefault("emails", {})
    plans: list[Planned] = []
    for row, external_id in zip(rows, ids, strict=True):
        plan = Planned(row.line, external_id)
        plans.append(plan)
        check_id(ctx, plan)
        member = members.get(known[external_id]) if external_id in known else None
        values = _check(ctx, row, plan, new=member is None)
        email = values["email"]
        if email and email in lines:
            plan.problems.append(
                ctx.problem(row.line, "email", f"The same email as line {lines[email]}.")
            )
        elif email:
            lines[email] = row.line
        if any(problem.error for problem in plan.problems):
            continue
        if member is not None:
            plan.object_id = member.pk
            changed = {
                name: value
                for name, value in values.items()
                if (name in MEMBERSHIP_FIELDS and getattr(member, name) != value)
                or (name in USER_FIELDS and getattr(member.user, name) != value)
            }
            if "skills" in values and values["skills"] != sorted(
                (s.name for s in member.skills.all()), key=fold
            ):
                changed["skills"] = values["skills"]
            plan.values = changed
            plan.action = UPDATE if changed else SKIP
            continue
        if email in taken:
            plan.action = SKIP
            plan.problems.append(
                ctx.problem(
                    row.line,
                    "email",
                    "Someone already has an account with this email address: not added. Find "
                    "them on the Workers page.",
                    error=False,
                )
            )
            continue
        plan.values = values
        plan.action = CREATE
    return plans


def _skills(ctx: Context, plans: Sequence[Planned]) -> dict[str, Skill]:
    """The organisation's skills by folded name, adding those the file names for the first time."""
    have = {fold(s.name): s for s in Skill.objects.filter(organisation_id=ctx.organisation_id)}
    wanted: dict[str, str] = {}
    for plan in plans:
        for name in plan.values.get("skills", []):
            if fold(name) not in have:
                wanted.setdefault(fold(name), name)
    made = Skill.objects.bulk_create(
        Skill(organisation_id=ctx.organisation_id, name=name) for name in wanted.values()
    )
    return have | {fold(s.name): s for s in made}


def write(ctx: Context, plans: Sequence[Planned]) -> None:
    summary = {"source": ctx.source, "kind": KIND, **({"run": ctx.run_id} if ctx.run_id else {})}
    creates = [p for p in plans if p.action == CREATE]
    updates = [p for p in plans if p.action == UPDATE]
    skills = _skills(ctx, plans)

    def skills_of(plan: Planned) -> list[Skill] | None:
        if "skills" not in plan.values:
            return None
        return [skills[fold(name)] for name in plan.values["skills"]]

    made = add_imported_workers(
        ctx.membership,
        [
            NewWorker(
                email=p.values["email"],
                first_name=p.values["first_name"],
                last_name=p.values["last_name"],
                role=p.values["role"],
                team_id=p.values["team_id"],
                started_on=p.values["started_on"],
                leaving_on=p.values.get("leaving_on"),
                languages=p.values.get("languages", ""),
                skills=skills_of(p) or [],
            )
            for p in creates
        ],
    )
    remember(ctx, KIND, creates, made)
    record_many(made, action=actions.IMPORTS_WORKER_IMPORTED, by=ctx.membership, summary=summary)
    if updates:
        changed = update_imported_workers(
            ctx.membership,
            {
                p.object_id: {k: v for k, v in p.values.items() if k != "skills"}
                for p in updates
                if p.object_id is not None
            },
            skills={
                p.object_id: found
                for p in updates
                if p.object_id is not None and (found := skills_of(p)) is not None
            },
        )
        record_many(
            changed, action=actions.IMPORTS_WORKER_UPDATED, by=ctx.membership, summary=summary
        )


WORKERS = register(
    Kind(
        name=KIND,
        label="Workers",
        fields=(
            Field("external_id", "Id in the other system", required=True),
            Field("email", "Email", required=True, help="they sign in with it"),
            Field("first_name", "First name", required=True),
            Field("last_name", "Last name"),
            Field("role", "Role", required=True, help="in your organisation's words"),
            Field("team", "Team", help="the team's name; empty: no team"),
            Field("started_on", "Started on", help="today when empty"),
            Field("leaving_on", "Leaving on"),
            Field("languages", "Languages", help="for example: English, Polish"),
            Field("skills", "Skills", help="separated by commas; new ones are added"),
        ),
        plan=plan,
        write=write,
        help="One worker per row. Nobody is emailed: invite them from the Workers page after.",
    )
)
