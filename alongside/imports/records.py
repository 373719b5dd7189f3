"""Steps every kind takes alike: its rows' external ids (checked, and looked up among those the
source brought in before), remembering what each row became, and writing support notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

from alongside.imports.kinds import Context, Planned
from alongside.imports.models import ImportedRecord
from alongside.support.models import SupportNote


def known_ids(ctx: Context, kind: str, ids: Iterable[str]) -> dict[str, int]:
    """external id -> the record it became, for the ids this source brought in before."""
    return dict(
        ImportedRecord.objects.filter(
            organisation_id=ctx.organisation_id,
            source=ctx.source,
            kind=kind,
            external_id__in=[i for i in ids if i],
        ).values_list("external_id", "object_id")
    )


def check_id(ctx: Context, plan: Planned) -> None:
    """A row's id is given, short enough, and not used by an earlier row of the file."""
    external_id, line = plan.external_id, plan.line
    if not external_id:
        plan.problems.append(ctx.problem(line, "external_id", "Give every row an id."))
    elif len(external_id) > 100:
        plan.problems.append(ctx.problem(line, "external_id", "Longer than 100 characters."))
    elif external_id in ctx.cache.setdefault("lines", {}):
        first = ctx.cache["lines"][external_id]
        plan.problems.append(ctx.problem(line, "external_id", f"The same id as line {first}."))
    else:
        ctx.cache["lines"][external_id] = line


def remember(
    ctx: Context, kind: str, plans: Sequence[Planned], made: Sequence[models.Model]
) -> None:
    """Keep which record each row became, so the same id from this source never makes another."""
    ImportedRecord.objects.bulk_create(
        ImportedRecord(
            organisation_id=ctx.organisation_id,
            source=ctx.source,
            kind=kind,
            external_id=plan.external_id,
            object_id=record.pk,
        )
        for plan, record in zip(plans, made, strict=True)
    )


def write_notes(ctx: Context, notes: Iterable[tuple[str, int, int | None]]) -> list[SupportNote]:
    """Support notes (support sphere), each (text, person id, contact id or None), by the
    worker importing."""
    made = [
        SupportNote(
            organisation_id=ctx.organisation_id,
            person_id=person_id,
            contact_id=contact_id,
            text=text,
            author_id=ctx.membership.user_id,
        )
        for text, person_id, contact_id in notes
        if text
    ]
    SupportNote.objects.bulk_create(made)
    return made
