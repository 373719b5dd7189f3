"""Writes for measures: sittings (links, kiosk, read out), answers, instruments, the schedule.

Every function validates before it writes, runs in one transaction and records an audit event
in it. Errors are `ValidationError`s keyed by form field. Audit summaries hold ids, kinds and
instrument keys, never answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Role
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.common.links import hash_token, new_token
from alongside.measures.authoring import Entered, check_and_build
from alongside.measures.baselines import refresh_people as refresh_baselines
from alongside.measures.models import (
    Instrument,
    InstrumentVersion,
    Response,
    Schedule,
    Sitting,
    SittingKind,
)
from alongside.measures.queries import (
    FeedbackRow,
    ScoredResponse,
    latest_per_instrument,
    my_feedback,
    person_responses,
)
from alongside.measures.scoring import SUM, Definition, to_json, validate
from alongside.people.models import Person
from alongside.relationships.models import NamedWorkerSpell
from alongside.visibility.roles import WORKER_ROLES

LINK_DAYS = 14
MAX_LINK_DAYS = 60
IN_PERSON_HOURS = 4


def field_name(version: InstrumentVersion, code: str) -> str:
    """The form field for one item of one instrument in a sitting."""
    return f"{version.instrument.key}-{code}"


class SittingClosed(Exception):
    """The sitting was already used, or has expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start_sitting(
    person: Person,
    *,
    by: Membership,
    versions: Sequence[InstrumentVersion],
    kind: str,
    days: int = LINK_DAYS,
    now: datetime | None = None,
    request_id: str = "",
) -> tuple[Sitting, str | None]:
    """Open one chance for the person to answer these instruments. Returns the sitting and, for a
    link, the token (shown once; only its hash is kept).

    Side effects: one Sitting, one `measures.sitting.created` audit event.
    """

    now = now or timezone.now()
    if by.role not in WORKER_ROLES or by.organisation_id != person.organisation_id:
        raise ValidationError(_("Only workers in the person's organisation can ask them."))
    if kind not in SittingKind.values:
        raise ValidationError({"kind": _("Choose how they will answer.")})
    if not versions:
        raise ValidationError({"instruments": _("Choose at least one questionnaire.")})
    keys = [v.instrument.key for v in versions]
    if len(set(keys)) != len(keys):
        raise ValidationError({"instruments": _("Choose each questionnaire once.")})
    for version in versions:
        instrument = version.instrument
        if instrument.organisation_id not in (None, person.organisation_id):
            raise ValidationError(
                {"instruments": _("Choose one of your organisation's questionnaires.")}
            )
        if not instrument.licensed_permission_confirmed:
            raise ValidationError(
                {
                    "instruments": _("%(name)s has no confirmed permission.")
                    % {"name": instrument.name}
                }
            )
    if kind == SittingKind.LINK:
        if not 1 <= days <= MAX_LINK_DAYS:
            raise ValidationError(
                {"days": _("Between 1 and %(days)s days.") % {"days": MAX_LINK_DAYS}}
            )
        expires_at = now + timedelta(days=days)
        token: str | None = new_token()
    else:
        expires_at = now + timedelta(hours=IN_PERSON_HOURS)
        token = None
    named = (
        NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
        .values_list("worker_id", flat=True)
        .first()
    )
    with transaction.atomic():
        sitting = Sitting.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            kind=kind,
            token_hash=hash_token(token) if token else None,
            created_by_id=by.user_id,
            about_worker_id=named or by.user_id,
            expires_at=expires_at,
        )
        sitting.versions.set(versions)
        record(
            sitting,
            action=actions.MEASURES_SITTING_CREATED,
            by=by,
            summary={"kind": kind, "instruments": keys, "expires_at": expires_at.isoformat()},
            request_id=request_id,
        )
    return sitting, token


def submit_answers(
    sitting: Sitting,
    answers: Mapping[int, Mapping[str, Any]],
    *,
    actor: Any = None,
    now: datetime | None = None,
    request_id: str = "",
) -> list[Response]:
    """Save the person's answers to every instrument of the sitting, all or nothing, and close it.

    `answers` maps version id -> item code -> option value (None: prefer not to say).
    Raises SittingClosed when used or expired, ValidationError (keyed by form field) when any
    answer is missing or not on its scale: then nothing is saved.
    Side effects: one Response per instrument, the person's baseline rows rewritten
    (`baselines.refresh_people`), the sitting marked used, one
    `measures.sitting.answered` audit event (response ids and mode, never answers).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Sitting.objects.select_for_update().select_related("person").get(pk=sitting.pk)
        if locked.used_at is not None:
            raise SittingClosed("used")
        if locked.expires_at <= now:
            raise SittingClosed("expired")
        versions = list(locked.versions.select_related("instrument").order_by("instrument__name"))
        problems: dict[str, str] = {}
        for version in versions:
            given = answers.get(version.pk, {})
            for code, message in validate(version.definition, given).items():
                problems[field_name(version, code)] = message
        if problems:
            raise ValidationError(problems)
        responses = [
            Response.objects.create(
                organisation_id=locked.organisation_id,
                person_id=locked.person_id,
                version=version,
                sitting=locked,
                mode=locked.kind,
                author_id=locked.created_by_id,
                about_worker_id=locked.about_worker_id,
                completed_at=now,
                answers={code: answers[version.pk][code] for code in version.definition.codes},
            )
            for version in versions
        ]
        refresh_baselines([locked.person_id])
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        record(
            locked,
            action=actions.MEASURES_SITTING_ANSWERED,
            by=actor,
            summary={"mode": locked.kind, "responses": [r.pk for r in responses]},
            request_id=request_id,
        )
    sitting.used_at = now
    return responses


def _unique_key(organisation: Organisation, name: str) -> str:
    base = slugify(name)[:50] or "instrument"
    key = base
    number = 2
    while Instrument.objects.filter(organisation=organisation, key=key).exists():
        key = f"{base}-{number}"
        number += 1
    return key


def add_instrument(
    *,
    by: Membership,
    name: str,
    notice: str,
    permission_confirmed: bool,
    questions: Sequence[str],
    options: Sequence[tuple[int, str]],
    scoring: str,
    total_label: str = "",
    total_bands: Sequence[tuple[float, float, str]] = (),
    reverse: Sequence[int] = (),
    total_questions: Sequence[int] = (),
    total_table: Sequence[tuple[int, float]] = (),
    subscales: Sequence[tuple[str, Sequence[int]]] = (),
    subscale_scoring: str = SUM,
    request_id: str = "",
) -> Instrument:
    """A data lead adds a licensed instrument for their organisation, after getting permission.

    Scoring may reverse some questions, add subscales (sum or mean), and make an overall total
    (sum or mean) perhaps converted by a table covering every possible raw total. Problems are
    raised keyed by form field, and then nothing is saved.
    Side effects: one Instrument, its version 1, one `measures.instrument.added` audit event.
    """
    errors: dict[str, str] = {}
    if by.role != Role.DATA_LEAD:
        raise ValidationError(_("Only a data lead can add an instrument."))
    if not name.strip():
        errors["name"] = "Give the instrument's name."
    if not notice.strip():
        errors["notice"] = "Copy its copyright and licence notice exactly."
    if not permission_confirmed:
        errors["permission_confirmed"] = "Tick this only once you have permission to use it."
    definition, problems = check_and_build(
        Entered(
            name=name,
            questions=questions,
            options=options,
            scoring=scoring,
            reverse=reverse,
            total_questions=total_questions,
            total_label=total_label,
            total_table=total_table,
            total_bands=total_bands,
            subscales=subscales,
            subscale_scoring=subscale_scoring,
        )
    )
    errors |= problems
    if errors or definition is None:
        raise ValidationError(errors or _("Check the questions and scoring."))
    items = definition.items
    organisation = by.organisation
    with transaction.atomic():
        instrument = Instrument.objects.create(
            organisation=organisation,
            key=_unique_key(organisation, name),
            name=name.strip(),
            notice=notice.strip(),
            licensed_permission_confirmed=True,
            added_by_id=by.user_id,
        )
        InstrumentVersion.objects.create(
            instrument=instrument, number=1, definition_json=to_json(definition)
        )
        record(
            instrument,
            action=actions.MEASURES_INSTRUMENT_ADDED,
            by=by,
            summary={
                "key": instrument.key,
                "items": len(items),
                "scoring": scoring,
                "subscales": len(definition.subscales),
                "table": bool(definition.total and definition.total.table),
            },
            request_id=request_id,
        )
    return instrument


def new_version(
    instrument: Instrument, definition: Definition, *, by: Membership, request_id: str = ""
) -> InstrumentVersion:
    """A changed instrument is a new version; answers keep the version they were given to."""
    if instrument.organisation_id != by.organisation_id or by.role != Role.DATA_LEAD:
        raise ValidationError(_("Only the organisation's data lead can change its instruments."))
    with transaction.atomic():
        latest = instrument.versions.order_by("-number").first()
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            number=(latest.number if latest else 0) + 1,
            definition_json=to_json(definition),
        )
        record(
            instrument,
            action=actions.MEASURES_INSTRUMENT_VERSIONED,
            by=by,
            summary={"key": instrument.key, "version": version.number},
            request_id=request_id,
        )
    return version


def save_schedule(
    *,
    by: Membership,
    review_every_weeks: int | None,
    review_after_contacts: int | None,
    request_id: str = "",
) -> Schedule:
    """The data lead sets when people are asked again. Side effects: one audit event."""
    if by.role != Role.DATA_LEAD:
        raise ValidationError(_("Only a data lead can change when people are asked again."))
    if review_every_weeks is not None and not 1 <= review_every_weeks <= 104:
        raise ValidationError({"review_every_weeks": _("Between 1 and 104 weeks.")})
    if review_after_contacts is not None and not 1 <= review_after_contacts <= 100:
        raise ValidationError({"review_after_contacts": _("Between 1 and 100 contacts.")})
    with transaction.atomic():
        schedule, _created = Schedule.objects.select_for_update().get_or_create(
            organisation_id=by.organisation_id
        )
        schedule.review_every_weeks = review_every_weeks
        schedule.review_after_contacts = review_after_contacts
        schedule.save()
        record(
            schedule,
            action=actions.MEASURES_SCHEDULE_CHANGED,
            by=by,
            summary={"every_weeks": review_every_weeks, "after_contacts": review_after_contacts},
            request_id=request_id,
        )
    return schedule


def record_aggregate_view(membership: Membership, *, page: str, request_id: str = "") -> None:
    """Audit that a coordinator opened aggregate figures made from answers (no person ids)."""
    with transaction.atomic():
        record(
            membership.organisation,
            action=actions.MEASURES_AGGREGATES_VIEWED,
            by=membership,
            summary={"page": page, "team": membership.team_id},
            request_id=request_id,
        )


# Audited reads -------------------------------------------------------------------------------
# Answers are support-sphere: each read writes one `measures.response.viewed` event (ids only).


def _read_responses(
    membership: Membership, responses: list[Response], person_id: int | None
) -> None:
    record_read(
        Response,
        [response.pk for response in responses],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )


def read_person_answers(membership: Membership, person: Person) -> list[ScoredResponse]:
    """Every answer of this person the membership may read, newest first.

    Side effects: one audit event when there are any."""
    rows = person_responses(membership, person)
    _read_responses(membership, [row.response for row in rows], person.pk)
    return rows


def read_latest_answers(membership: Membership, person: Person) -> list[ScoredResponse]:
    """The person's latest answer to each questionnaire, for the person page's measures panel.

    Side effects: one audit event when there are any."""
    latest = latest_per_instrument(person_responses(membership, person))
    _read_responses(membership, [row.response for row in latest], person.pk)
    return latest


def read_my_feedback(membership: Membership) -> list[FeedbackRow]:
    """The Relationship Check answers about this worker, latest per person.

    Side effects: one audit event (about no one person) when there are any."""
    rows = my_feedback(membership)
    _read_responses(membership, [row.latest.response for row in rows], None)
    return rows
