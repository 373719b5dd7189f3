"""Writes about relationships: named workers, requests, handovers and contacts.

Every function validates before it writes, runs in one transaction and records an audit
event in that transaction. Errors are `ValidationError`s keyed by form field.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access import words as local_words
from alongside.access.models import Membership, Role
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import date_problem
from alongside.common.spheres import system_rows
from alongside.eligibility.queries import has_assessed
from alongside.people.models import Person
from alongside.relationships.models import (
    LEGITIMATE_REASON_MAX_LENGTH,
    Allocation,
    Contact,
    ContactRevision,
    Handover,
    LegitimateRelationship,
    NamedWorkerSpell,
    ReviewOutcome,
    SpellReason,
    WorkerRequest,
)
from alongside.relationships.queries import may_review_history
from alongside.relationships.summaries import refresh_people
from alongside.support.services import save_contact_note
from alongside.visibility.people import confirmed_q
from alongside.visibility.roles import (
    ASSIGNING_ROLES,
    HISTORY_REQUESTERS,
    WORKER_ROLES,
)

MAX_MINUTES = 720


def _check_worker(worker: User, organisation_id: int, field: str) -> None:
    ok = (
        Membership.objects.active()
        .filter(user=worker, organisation_id=organisation_id, role__in=WORKER_ROLES)
        .exists()
    )
    if not ok:
        raise ValidationError({field: _("Choose a worker who works in this organisation.")})


def _check_not_assessor(worker: User, person: Person, field: str) -> None:
    """Separation of roles: who assessed a person's eligibility does not also support them.

    An organisation can relax this (`allow_assessor_and_supporter`), with a warning shown.
    """

    if has_assessed(worker.pk, person.pk) and not person.organisation.allow_assessor_and_supporter:
        raise ValidationError(
            {
                field: _(
                    "This worker checked their eligibility (a foodbank voucher). People speak more "
                    "freely to a supporter who does not decide what they get, so choose someone else."
                )
            }
        )


def open_spell(person: Person) -> NamedWorkerSpell | None:
    return NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True).first()


def assign_named_worker(
    person: Person,
    *,
    worker: User,
    by: Membership,
    started_on: date,
    reason: str = SpellReason.FIRST,
    chosen_by_person: bool = False,
    note: str = "",
) -> NamedWorkerSpell:
    """Give a person who has no named worker their first (or next) one.

    A person who already has a named worker changes through a handover instead. Their open
    worker requests are answered with it: agreed when they asked for no one in particular or
    for this worker, not possible otherwise (so they leave the coordinator's inbox).
    Side effects: one NamedWorkerSpell, one audit event (with the requests answered); the
    requests' status; an in-app notification to the new named worker (no names, no words).
    """
    _check_worker(worker, person.organisation_id, "worker")
    _check_not_assessor(worker, person, "worker")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if open_spell(person) is not None:
            raise ValidationError(
                {
                    "worker": _(
                        "They already have a named worker. Plan a handover so the new worker is introduced."
                    )
                }
            )
        spell = NamedWorkerSpell(
            organisation_id=person.organisation_id,
            person=person,
            worker=worker,
            started_on=started_on,
            reason=reason,
            chosen_by_person=chosen_by_person,
            note=note,
            created_by=by.user,
        )
        spell.full_clean()
        spell.save()
        answered = _answer_open_requests(person, worker=worker, on=started_on)
        refresh_people([person.pk])
        record(
            spell,
            action=actions.RELATIONSHIPS_NAMED_WORKER_ASSIGNED,
            by=by,
            summary={
                "worker": worker.pk,
                "reason": reason,
                "chosen_by_person": chosen_by_person,
                "worker_requests_answered": answered,
            },
        )
        if worker.pk != by.user_id:
            notify(
                [worker],
                organisation_id=person.organisation_id,
                text=NAMED_WORKER_TEXT,
                url=reverse("people:person", args=[person.pk]),
            )
    return spell


def _answer_open_requests(person: Person, *, worker: User, on: date) -> list[int]:
    """Close the person's open worker requests now that they have a named worker: agreed when
    they asked for no one in particular or for `worker`. Returns the ids answered."""
    answered = []
    for request in WorkerRequest.objects.select_for_update().filter(
        person=person, status=WorkerRequest.Status.OPEN
    ):
        agreed = request.requested_worker_id in (None, worker.pk)
        request.status = (
            WorkerRequest.Status.AGREED if agreed else WorkerRequest.Status.NOT_POSSIBLE
        )
        request.answered_on = on
        request.save(update_fields=["status", "answered_on"])
        answered.append(request.pk)
    return answered


def record_worker_request(
    person: Person,
    *,
    by: Membership,
    requested_worker: User | None,
    in_their_words: str,
    on: date,
) -> WorkerRequest:
    """Record that the person asked for a particular worker, or for a change of worker.

    It waits in the inbox of the coordinators of the person's team (of every coordinator, when
    the team has none, as the foodbank has none) until a named worker is chosen with them.
    Side effects: one WorkerRequest, one audit event; an in-app notification (no names, no
    words) to those coordinators and to the worker asked for.
    """
    if requested_worker is None and not in_their_words.strip():
        raise ValidationError(
            {"in_their_words": _("Choose a worker or write what they asked for.")}
        )
    if requested_worker is not None:
        _check_worker(requested_worker, person.organisation_id, "requested_worker")
    with transaction.atomic():
        request = WorkerRequest.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            requested_worker=requested_worker,
            in_their_words=in_their_words.strip(),
            requested_on=on,
            recorded_by=by.user,
        )
        record(
            request,
            action=actions.RELATIONSHIPS_WORKER_REQUEST_RECORDED,
            by=by,
            summary={"requested_worker": getattr(requested_worker, "pk", None)},
        )
        coordinators = [u for u in _request_coordinators(person) if u.pk != by.user_id]
        if coordinators:
            notify(
                coordinators,
                organisation_id=person.organisation_id,
                text=WORKER_REQUESTED_TEXT,
                url=reverse("inbox:inbox"),
            )
        if requested_worker is not None and requested_worker.pk != by.user_id:
            notify(
                [requested_worker],
                organisation_id=person.organisation_id,
                text=ASKED_FOR_YOU_TEXT,
                url=reverse("people:person", args=[person.pk]),
            )
    return request


WORKER_REQUEST_ANSWER_MAX_LENGTH = 500


def answer_not_possible(person: Person, *, by: Membership, answer: str, on: date) -> list[int]:
    """Answer the person's open worker requests "not possible", with why in plain words the
    person can be told (decision 0050). The requests leave the inbox; the answer shows on their
    page. Side effects: the requests' status, answer and who answered; one audit event on the
    person (the request ids, never the words); an in-app notification (no names, no words) to the
    workers who recorded the requests and to the workers asked for. Returns the ids answered."""
    words = answer.strip()
    if len(words) < 3:
        raise ValidationError(
            {"answer": _("Say why it is not possible, in words they can be told.")}
        )
    with transaction.atomic():
        requests = list(
            # Lock the requests only: PostgreSQL refuses FOR UPDATE on an outer join's side.
            WorkerRequest.objects.select_for_update(of=("self",))
            .filter(person=person, status=WorkerRequest.Status.OPEN)
            .select_related("recorded_by", "requested_worker")
            .order_by("pk")
        )
        if not requests:
            raise ValidationError(_("Their request has already been answered."))
        told: dict[int, User] = {}
        for request in requests:
            request.status = WorkerRequest.Status.NOT_POSSIBLE
            request.answered_on = on
            request.answered_by = by.user
            request.answer = words[:WORKER_REQUEST_ANSWER_MAX_LENGTH]
            request.save(update_fields=["status", "answered_on", "answered_by", "answer"])
            for worker in (request.recorded_by, request.requested_worker):
                if worker is not None and worker.pk != by.user_id:
                    told[worker.pk] = worker
        answered = [request.pk for request in requests]
        record(
            person,
            action=actions.RELATIONSHIPS_WORKER_REQUEST_NOT_POSSIBLE,
            by=by,
            summary={"worker_requests": answered, "told": sorted(told)},
        )
        if told:
            notify(
                list(told.values()),
                organisation_id=person.organisation_id,
                text=NOT_POSSIBLE_TEXT,
                url=reverse("people:person", args=[person.pk]),
            )
    return answered


NOT_POSSIBLE_TEXT = gettext_lazy(
    "A coordinator answered a request for a worker: not possible. Why is on the person's page."
)
WORKER_REQUESTED_TEXT = gettext_lazy(
    "Someone asked for a named worker. It is waiting in your inbox."
)
ASKED_FOR_YOU_TEXT = gettext_lazy(
    "Someone asked for you as their named worker. A coordinator will talk it over with you."
)
NAMED_WORKER_TEXT = gettext_lazy("You are now someone's named worker.")


def _request_coordinators(person: Person) -> list[User]:
    """Who answers a worker request: the coordinators of the person's team, or every active
    coordinator of the organisation when the team has none of its own (the inbox agrees)."""
    coordinators = (
        Membership.objects.active()
        .filter(organisation_id=person.organisation_id, role=Role.COORDINATOR)
        .select_related("user")
    )
    in_team = [m.user for m in coordinators if m.team_id == person.team_id and m.user.is_active]
    return in_team or [m.user for m in coordinators if m.user.is_active]


def plan_handover(
    person: Person,
    *,
    to_worker: User,
    by: Membership,
    reason: str,
    introduce_by: date | None,
    request: WorkerRequest | None = None,
) -> Handover:
    """Plan a change of named worker, to happen when the new worker is introduced.

    The current named worker stays until the introduction (a joint contact) is recorded.
    Side effects: one Handover; marks `request` agreed; one audit event.
    """
    _check_worker(to_worker, person.organisation_id, "to_worker")
    _check_not_assessor(to_worker, person, "to_worker")
    if reason not in local_words.codes_in_use(person.organisation_id, "spell_reason"):
        raise ValidationError({"reason": _("Choose why the named worker is changing.")})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        spell = open_spell(person)
        if spell is None:
            raise ValidationError(
                {"to_worker": _("They have no named worker yet. Assign one instead.")}
            )
        if spell.worker_id == to_worker.pk:
            raise ValidationError({"to_worker": _("This worker is already their named worker.")})
        if Handover.objects.filter(person=person, status=Handover.Status.PLANNED).exists():
            raise ValidationError(
                {"to_worker": _("A handover is already planned. Finish or cancel it first.")}
            )
        handover = Handover.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            from_worker_id=spell.worker_id,
            to_worker=to_worker,
            reason=reason,
            introduce_by=introduce_by,
            created_by=by.user,
        )
        if request is not None:
            if request.person_id != person.pk:
                raise ValidationError({"request": _("That request is for someone else.")})
            request.status = WorkerRequest.Status.AGREED
            request.answered_on = timezone.localdate()
            request.save(update_fields=["status", "answered_on"])
        record(
            handover,
            action=actions.RELATIONSHIPS_HANDOVER_PLANNED,
            by=by,
            summary={"from_worker": spell.worker_id, "to_worker": to_worker.pk, "reason": reason},
        )
    return handover


def _switch_named_worker(handover: Handover, *, on: date, by: Membership) -> NamedWorkerSpell:
    spell = open_spell(handover.person)
    if spell is not None:
        spell.ended_on = max(on, spell.started_on)
        spell.save(update_fields=["ended_on"])
    new_spell = NamedWorkerSpell(
        organisation_id=handover.organisation_id,
        person=handover.person,
        worker=handover.to_worker,
        started_on=on,
        reason=handover.reason,
        chosen_by_person=handover.reason == SpellReason.PERSON_CHOSE,
        created_by=by.user,
    )
    new_spell.full_clean()
    new_spell.save()
    refresh_people([handover.person_id])
    return new_spell


def complete_handover_without_introduction(
    handover: Handover, *, by: Membership, on: date, cold_reason: str
) -> NamedWorkerSpell:
    """Change the named worker when no introduction was possible; the reason is required.

    Side effects: ends the open spell, opens a new one, marks the handover cold; one audit event.
    """
    if handover.status != Handover.Status.PLANNED:
        raise ValidationError({"cold_reason": _("This handover is already finished.")})
    if len(cold_reason.strip()) < 10:
        raise ValidationError(
            {"cold_reason": _("Say in a sentence why no introduction was possible.")}
        )
    with transaction.atomic():
        spell = _switch_named_worker(handover, on=on, by=by)
        handover.status = Handover.Status.COLD
        handover.cold_reason = cold_reason.strip()
        handover.completed_on = on
        handover.save(update_fields=["status", "cold_reason", "completed_on"])
        record(handover, action=actions.RELATIONSHIPS_HANDOVER_COMPLETED_COLD, by=by)
    return spell


def cancel_handover(handover: Handover, *, by: Membership) -> None:
    """Drop a planned handover; the named worker stays. Side effects: deletes it; one audit event."""
    if handover.status != Handover.Status.PLANNED:
        raise ValidationError({"handover": _("Only a planned handover can be cancelled.")})
    with transaction.atomic():
        record(handover, action=actions.RELATIONSHIPS_HANDOVER_CANCELLED, by=by)
        handover.delete()


def _validate_contact(
    person: Person,
    *,
    at: datetime,
    worker: User,
    also_present: list[User],
    minutes: int,
    follow_up_on: date | None,
) -> None:
    errors: dict[str, str] = {}
    if timezone.is_naive(at):
        raise ValueError("contact times must be timezone-aware")
    if at > timezone.now() + timedelta(minutes=5):
        errors["at"] = "A contact can't be in the future. Record it after it happens."
    elif problem := date_problem(at):
        errors["at"] = problem
    if not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Enter minutes between 1 and {MAX_MINUTES}."
    if follow_up_on is not None and (problem := date_problem(follow_up_on)):
        errors["follow_up_on"] = problem
    elif follow_up_on is not None and follow_up_on < at.date():
        errors["follow_up_on"] = "The follow-up date must be on or after the contact."
    if errors:
        raise ValidationError(errors)
    _check_worker(worker, person.organisation_id, "worker")
    _check_not_assessor(worker, person, "worker")
    for other in also_present:
        _check_worker(other, person.organisation_id, "also_present")
        _check_not_assessor(other, person, "also_present")


def late_record_problem(person: Person, at: datetime, late_reason: str) -> dict[str, str]:
    """A contact further back than the organisation's window needs a reason in words; the
    window is `Organisation.late_record_days` (14 unless changed). Returns errors by field."""
    days = person.organisation.late_record_days
    oldest = timezone.localdate() - timedelta(days=days)
    if timezone.localdate(at) >= oldest or len(late_reason.strip()) >= 3:
        return {}
    return {
        "late_reason": _(
            "This contact was more than %(days)s days ago. Say why it is being recorded late."
        )
        % {"days": days}
    }


def record_contact(
    person: Person,
    *,
    by: Membership,
    at: datetime,
    worker: User,
    mode: str,
    minutes: int,
    initiated_by: str,
    also_present: list[User] | None = None,
    others_present: str = "",
    follow_up_on: date | None = None,
    asked_for: str = "",
    notes: str = "",
    handover: Handover | None = None,
    late_reason: str = "",
) -> Contact:
    """Record a contact. What the person asked for goes to the support sphere, not the contact.

    A contact can't be in the future; one longer ago than the organisation's window
    (`late_record_problem`) needs `late_reason`, kept with it and flagged in the audit event.

    With `handover`, this contact is the introduction: both workers must be there, and the
    named worker changes to the new worker from this contact (a warm handover).
    Side effects: one Contact, maybe one SupportNote, maybe a spell change; audit events.
    """
    also_present = [w for w in (also_present or []) if w.pk != worker.pk]
    _validate_contact(
        person,
        at=at,
        worker=worker,
        also_present=also_present,
        minutes=minutes,
        follow_up_on=follow_up_on,
    )
    if late := late_record_problem(person, at, late_reason):
        raise ValidationError(late)
    if handover is not None:
        if handover.person_id != person.pk or handover.status != Handover.Status.PLANNED:
            raise ValidationError({"handover": _("Choose a planned handover for this person.")})
        present = {worker.pk, *(w.pk for w in also_present)}
        if not {handover.from_worker_id, handover.to_worker_id} <= present:
            raise ValidationError(
                {
                    "also_present": _(
                        "For an introduction, both the current and the new worker must be there."
                    )
                }
            )
    with transaction.atomic():
        contact = Contact(
            organisation_id=person.organisation_id,
            person=person,
            at=at,
            worker=worker,
            others_present=others_present.strip(),
            mode=mode,
            minutes=minutes,
            initiated_by=initiated_by,
            follow_up_on=follow_up_on,
            recorded_by=by.user,
            handover=handover,
            late_reason=late_reason.strip(),
        )
        contact.full_clean(exclude=["handover"])
        contact.save()
        if also_present:
            contact.also_present.set(also_present)
        record(
            contact,
            action=actions.RELATIONSHIPS_CONTACT_RECORDED,
            by=by,
            summary={
                "mode": mode,
                "minutes": minutes,
                "initiated_by": initiated_by,
                **({"late_reason_given": True} if late_reason.strip() else {}),
            },
        )
        save_contact_note(contact, by=by, asked_for=asked_for, text=notes)
        if handover is None:
            refresh_people([person.pk])
        else:  # the switch refreshes the person's summary, this contact included
            _switch_named_worker(handover, on=timezone.localdate(at), by=by)
            handover.status = Handover.Status.WARM
            handover.completed_on = timezone.localdate(at)
            handover.save(update_fields=["status", "completed_on"])
            record(
                handover,
                action=actions.RELATIONSHIPS_HANDOVER_COMPLETED_WARM,
                by=by,
                summary={"contact": contact.pk},
            )
    return contact


CONTACT_FIELDS = (
    "at",
    "worker_id",
    "others_present",
    "mode",
    "minutes",
    "initiated_by",
    "follow_up_on",
    "late_reason",
)


def _snapshot(contact: Contact) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    data["at"] = contact.at.isoformat()
    data["follow_up_on"] = contact.follow_up_on.isoformat() if contact.follow_up_on else None
    data["also_present"] = sorted(contact.also_present.values_list("pk", flat=True))
    return data


def update_contact(
    contact: Contact,
    *,
    by: Membership,
    at: datetime,
    worker: User,
    mode: str,
    minutes: int,
    initiated_by: str,
    also_present: list[User] | None = None,
    others_present: str = "",
    follow_up_on: date | None = None,
    asked_for: str | None = None,
    notes: str | None = None,
    late_reason: str | None = None,
) -> Contact:
    """Edit a contact, keeping the previous version. `asked_for`/`notes`/`late_reason` None
    means unchanged.

    Moving the date is held to the same rules as recording: not in the future, and further back
    than the organisation's window (`late_record_problem`) only with a reason in words.

    Side effects: one ContactRevision when shared fields change, a note revision when the
    words change, version bumps; audit events naming changed fields (never their text).
    """
    also_present = [w for w in (also_present or []) if w.pk != worker.pk]
    _validate_contact(
        contact.person,
        at=at,
        worker=worker,
        also_present=also_present,
        minutes=minutes,
        follow_up_on=follow_up_on,
    )
    reason = contact.late_reason if late_reason is None else late_reason.strip()
    if at != contact.at and (late := late_record_problem(contact.person, at, reason)):
        raise ValidationError(late)
    with transaction.atomic():
        before = _snapshot(contact)
        contact.at, contact.worker, contact.mode, contact.minutes = at, worker, mode, minutes
        contact.initiated_by, contact.others_present = initiated_by, others_present.strip()
        contact.follow_up_on, contact.late_reason = follow_up_on, reason
        after = {**_snapshot(contact), "also_present": sorted(w.pk for w in also_present)}
        changed = sorted(name for name in after if after[name] != before[name])
        if changed:
            contact.full_clean(exclude=["handover"])
            ContactRevision.objects.create(
                contact=contact,
                version=contact.version,
                snapshot=before,
                replaced_by=by.user,
                replaced_at=timezone.now(),
            )
            contact.version += 1
            contact.save()
            contact.also_present.set(also_present)
            refresh_people([contact.person_id])
            record(
                contact,
                action=actions.RELATIONSHIPS_CONTACT_CHANGED,
                by=by,
                summary={"fields": changed, "version": contact.version},
            )
        if asked_for is not None or notes is not None:
            save_contact_note(contact, by=by, asked_for=asked_for, text=notes)
    return contact


def set_leaving_date(
    membership: Membership, *, by: Membership, leaving_on: date | None
) -> Membership:
    """Record that a worker is leaving, so their people's handovers can be planned in time.

    Side effects: saves the membership; one audit event.
    """
    if membership.organisation_id != by.organisation_id:
        raise ValidationError({"leaving_on": _("That worker is not in this organisation.")})
    if leaving_on is not None and leaving_on < timezone.localdate():
        raise ValidationError({"leaving_on": _("The leaving date can't be in the past.")})
    with transaction.atomic():
        membership.leaving_on = leaving_on
        membership.save(update_fields=["leaving_on"])
        record(
            membership,
            action=actions.ACCESS_MEMBERSHIP_LEAVING_DATE_SET,
            by=by,
            summary={"leaving_on": str(leaving_on)},
        )
    return membership


# Confirmed relationships: allocations and legitimate-relationship requests ---------------------

HISTORY_REQUESTED_TEXT = gettext_lazy(
    "A worker asked to read the history of someone you support, saying why. It is open to them "
    "for a few days and waits for a review."
)
ALLOCATED_TEXT = gettext_lazy("A coordinator allocated you to someone. You can read their history.")


def _team_coordinators(person: Person) -> list[User]:
    """The active coordinators of the person's team; those without a team when it has none."""
    coordinators = Membership.objects.filter(
        organisation_id=person.organisation_id, role=Role.COORDINATOR, left_on__isnull=True
    ).select_related("user")
    in_team = [m.user for m in coordinators if m.team_id == person.team_id and m.user.is_active]
    return in_team or [m.user for m in coordinators if m.team_id is None and m.user.is_active]


def request_history_access(
    person: Person,
    *,
    by: Membership,
    reason: str,
    now: datetime | None = None,
    request_id: str = "",
) -> LegitimateRelationship:
    """A worker with no confirmed relationship opens the person's history for themselves, now,
    for ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS, saying why (the NHS legitimate-relationship alert).

    Raises PermissionDenied unless `by` is an active requester role (HISTORY_REQUESTERS) in the
    person's organisation; ValidationError for an empty reason or one longer than
    LEGITIMATE_REASON_MAX_LENGTH, or when they can already read the history. Side effects: one
    LegitimateRelationship; audit event `relationships.legitimate_relationship.started` (summary:
    the expiry, never the reason); an in-app notification, without names or words, to the named
    worker and the coordinators of the person's team.
    """
    if (
        not by.is_active
        or by.role not in HISTORY_REQUESTERS
        or by.organisation_id != person.organisation_id
    ):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need their history.")})
    if len(reason) > LEGITIMATE_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep it to %(count)d characters or fewer.")
                % {"count": LEGITIMATE_REASON_MAX_LENGTH}
            }
        )
    now = now or timezone.now()
    with transaction.atomic():
        # Serialise this worker's requests, so two submits at once make one.
        list(Membership.objects.select_for_update().filter(pk=by.pk).values_list("pk"))
        if Person.objects.filter(confirmed_q(by.user_id, now=now), pk=person.pk).exists():
            raise ValidationError(_("You can already read their history."))
        grant = LegitimateRelationship.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            worker=by.user,
            reason=reason,
            started_at=now,
            expires_at=now + timedelta(days=settings.ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS),
        )
        record(
            grant,
            action=actions.RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_STARTED,
            by=by,
            summary={"expires_at": grant.expires_at.isoformat()},
            request_id=request_id,
        )
        spell = open_spell(person)
        named = [spell.worker] if spell is not None and spell.worker_id != by.user_id else []
        if named:
            notify(
                named,
                organisation_id=person.organisation_id,
                text=HISTORY_REQUESTED_TEXT,
                url=reverse("people:person", args=[person.pk]),
            )
        coordinators = [u for u in _team_coordinators(person) if u.pk != by.user_id]
        if coordinators:
            notify(
                coordinators,
                organisation_id=person.organisation_id,
                text=HISTORY_REQUESTED_TEXT,
                url=reverse("relationships:history_requests"),
            )
    return grant


def end_history_access(
    grant: LegitimateRelationship,
    *,
    by: Membership,
    now: datetime | None = None,
    request_id: str = "",
) -> LegitimateRelationship:
    """The requester, or a reviewer, ends a legitimate-relationship request before it expires.

    Raises PermissionDenied for anyone else; ValidationError when it is no longer in force.
    Side effects: `ended_at`, `ended_by`; audit event `relationships.legitimate_relationship.ended`.
    """
    person = grant.person
    own = by.is_active and by.user_id == grant.worker_id
    if by.organisation_id != grant.organisation_id or not (own or may_review_history(by, person)):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = LegitimateRelationship.objects.select_for_update().get(pk=grant.pk)
        if locked.ended_at is not None or locked.expires_at <= now:
            raise ValidationError(_("This access has already ended."))
        LegitimateRelationship.objects.filter(pk=locked.pk).update(ended_at=now, ended_by=by.user)
        record(
            locked,
            action=actions.RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_ENDED,
            by=by,
            summary={"by_requester": own},
            request_id=request_id,
        )
    grant.ended_at, grant.ended_by = now, by.user
    return grant


def review_history_access(
    grant: LegitimateRelationship,
    *,
    by: Membership,
    outcome: str,
    note: str,
    now: datetime | None = None,
    request_id: str = "",
) -> LegitimateRelationship:
    """A coordinator of the person's team, a safeguarding lead or a data lead records whether a
    legitimate-relationship request was appropriate.

    Raises PermissionDenied for anyone else; ValidationError when `by` made the request, it was
    reviewed already, the outcome is unknown, "not appropriate" comes without a note, or the note
    is too long. Side effects: the review fields; audit event
    `relationships.legitimate_relationship.reviewed` (summary: the outcome, never the note);
    "not appropriate" also ends the access if it is still in force (`.ended`).
    """
    if not may_review_history(by, grant.person):
        raise PermissionDenied
    if by.user_id == grant.worker_id:
        raise ValidationError(_("You asked for this access, so someone else must review it."))
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("Say whether it was appropriate.")]
    note = (note or "").strip()
    if outcome == ReviewOutcome.NOT_APPROPRIATE and not note:
        errors["note"] = [_("Say why it was not appropriate and what happens next.")]
    if len(note) > LEGITIMATE_REASON_MAX_LENGTH:
        errors["note"] = [
            _("Keep it to %(count)d characters or fewer.") % {"count": LEGITIMATE_REASON_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = LegitimateRelationship.objects.select_for_update().get(pk=grant.pk)
        if locked.reviewed_at is not None:
            raise ValidationError(_("This request has already been reviewed."))
        LegitimateRelationship.objects.filter(pk=locked.pk).update(
            reviewed_at=now, reviewed_by=by.user, review_outcome=outcome, review_note=note
        )
        record(
            locked,
            action=actions.RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_REVIEWED,
            by=by,
            summary={"outcome": outcome, "reviewer_role": by.role},
            request_id=request_id,
        )
        # Not appropriate: the access ends now, if it is still in force.
        if (
            outcome == ReviewOutcome.NOT_APPROPRIATE
            and locked.ended_at is None
            and locked.expires_at > now
        ):
            LegitimateRelationship.objects.filter(pk=locked.pk).update(
                ended_at=now, ended_by=by.user
            )
            record(
                locked,
                action=actions.RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_ENDED,
                by=by,
                summary={"by_requester": False, "not_appropriate": True},
                request_id=request_id,
            )
            grant.ended_at, grant.ended_by = now, by.user
    grant.reviewed_at, grant.reviewed_by = now, by.user
    grant.review_outcome, grant.review_note = outcome, note
    return grant


def allocate_worker(
    person: Person, *, worker: User, by: Membership, now: datetime | None = None
) -> Allocation:
    """A coordinator of the person's team allocates a worker to them: a confirmed relationship
    (the worker reads the person's history) beside the named worker.

    Raises PermissionDenied unless `by` assigns for the person's team (ASSIGNING_ROLES);
    ValidationError for a worker outside the organisation, one who assessed the person, or one
    already allocated. Side effects: one Allocation; audit event `relationships.allocation.made`;
    an in-app notification to the worker.
    """
    if (
        not by.is_active
        or by.role not in ASSIGNING_ROLES
        or by.organisation_id != person.organisation_id
        or (by.team_id is not None and by.team_id != person.team_id)
    ):
        raise PermissionDenied
    _check_worker(worker, person.organisation_id, "worker")
    _check_not_assessor(worker, person, "worker")
    with transaction.atomic():
        if Allocation.objects.filter(person=person, worker=worker, ended_at__isnull=True).exists():
            raise ValidationError({"worker": _("This worker is already allocated to them.")})
        allocation = Allocation.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            worker=worker,
            allocated_by=by.user,
            allocated_at=now or timezone.now(),
        )
        record(
            allocation,
            action=actions.RELATIONSHIPS_ALLOCATION_MADE,
            by=by,
            summary={"worker_id": worker.pk},
        )
        notify(
            [worker],
            organisation_id=person.organisation_id,
            text=ALLOCATED_TEXT,
            url=reverse("people:person", args=[person.pk]),
        )
    return allocation


def end_allocation(
    allocation: Allocation, *, by: Membership, now: datetime | None = None
) -> Allocation:
    """A coordinator of the person's team ends an allocation. Raises PermissionDenied for anyone
    else; ValidationError when it has ended already. Side effects: `ended_at`, `ended_by`; audit
    event `relationships.allocation.ended`."""
    person = allocation.person
    if (
        not by.is_active
        or by.role not in ASSIGNING_ROLES
        or by.organisation_id != person.organisation_id
        or (by.team_id is not None and by.team_id != person.team_id)
    ):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("This allocation has already ended."))
        Allocation.objects.filter(pk=locked.pk).update(ended_at=now, ended_by=by.user)
        record(
            locked,
            action=actions.RELATIONSHIPS_ALLOCATION_ENDED,
            by=by,
            summary={"worker_id": locked.worker_id},
        )
    allocation.ended_at, allocation.ended_by = now, by.user
    return allocation


# Putting a mistake right ---------------------------------------------------------------------


def _records_of_contact() -> list[tuple[Any, str]]:
    """Every model that hangs off a contact and names its person too (its support note, the
    demand it recorded, the appointment it came from): (model, contact field). From the models
    themselves, so a new one moves with the contact."""
    found = []
    for model in apps.get_models():
        fields = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
        person = fields.get("person")
        if person is None or person.related_model is not Person:
            continue
        for name, field in fields.items():
            if field.related_model is Contact:
                found.append((model, name))
    return found


def move_contact(contact: Contact, *, to: Person, by: Membership, reason: str) -> Contact:
    """Move a contact recorded on the wrong person to the right one, saying why.

    The late-record rule holds on the right person's record too: a contact older than the
    window keeps (or takes this reason as) its reason for being recorded late. Its support note
    and what hangs off it move with it. Side effects: the contact and its records updated; one
    audit event on each person (the reason kept as the contact's late reason when late, never
    in the event).
    """
    if to.pk == contact.person_id or to.organisation_id != contact.organisation_id:
        raise ValidationError({"to": _("Choose the person the contact was really with.")})
    if len(reason.strip()) < 3:
        raise ValidationError({"reason": _("Say why it was on the wrong person.")})
    late = late_record_problem(to, contact.at, contact.late_reason)
    with transaction.atomic():
        from_id = contact.person_id
        for model, field in _records_of_contact():
            rows = system_rows(model, "moving a contact to the right person")
            rows.filter(**{field: contact, "person_id": from_id}).update(person_id=to.pk)
        contact.person = to
        fields = ["person"]
        if late:
            contact.late_reason = reason.strip()[:300]
            fields.append("late_reason")
        contact.save(update_fields=fields)
        refresh_people([from_id, to.pk])
        summary = {"contact": contact.pk}
        record(
            contact,
            action=actions.RELATIONSHIPS_CONTACT_MOVED_AWAY,
            by=by,
            person_id=from_id,
            summary={**summary, "to": to.pk},
        )
        record(
            contact,
            action=actions.RELATIONSHIPS_CONTACT_MOVED_IN,
            by=by,
            summary={**summary, "from": from_id, "late_reason_given": bool(late)},
        )
    return contact


CONTACT_REMOVE_REASON_MAX_LENGTH = 300


def remove_contact(contact: Contact, *, by: Membership, reason: str) -> Contact:
    """Remove a contact recorded on the wrong person when there is no right person to move it
    to, saying why (decision 0049).

    Kept, not deleted: `Contact.objects` (every page, figure, report and the inbox) leaves it
    out from now on, and so do its support note and its demand mark; the person's page lists it
    as removed to those who may put it back (`restore_contact`). Side effects: the contact
    updated; one audit event on the person (the reason stays on the contact, not in the event).
    """
    words = reason.strip()
    if len(words) < 3:
        raise ValidationError({"reason": _("Say why it was recorded on the wrong person.")})
    with transaction.atomic():
        locked = Contact.with_removed.select_for_update().get(pk=contact.pk)
        if locked.removed_at is not None:
            raise ValidationError(_("This contact has already been removed."))
        locked.removed_at = timezone.now()
        locked.removed_by = by.user
        locked.removed_reason = words[:CONTACT_REMOVE_REASON_MAX_LENGTH]
        locked.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        refresh_people([locked.person_id])
        record(
            locked,
            action=actions.RELATIONSHIPS_CONTACT_REMOVED,
            by=by,
            summary={"contact": locked.pk},
        )
    return locked


def restore_contact(contact: Contact, *, by: Membership) -> Contact:
    """Put back a contact removed by mistake: it counts again everywhere. Side effects: the
    contact updated (the earlier reason cleared: the audit log keeps that it happened); one
    audit event on the person."""
    with transaction.atomic():
        locked = Contact.with_removed.select_for_update().get(pk=contact.pk)
        if locked.removed_at is None:
            raise ValidationError(_("This contact has not been removed."))
        locked.removed_at, locked.removed_by, locked.removed_reason = None, None, ""
        locked.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        refresh_people([locked.person_id])
        record(
            locked,
            action=actions.RELATIONSHIPS_CONTACT_RESTORED,
            by=by,
            summary={"contact": locked.pk},
        )
    return locked


def import_spells(
    by: Membership,
    new: Sequence[NamedWorkerSpell],
    *,
    ends: dict[int, date | None] | None = None,
) -> tuple[list[NamedWorkerSpell], list[NamedWorkerSpell]]:
    """Named-worker spells an import brings in (`new`, unsaved), and new end dates for spells a
    file brought in before (`ends`: spell id -> its end, None to reopen), already checked by the
    importer: workers of the organisation, no two spells of one person overlapping, at most one
    open. Keeps the continuity summary in step (`refresh_people`). Returns (made, changed).
    Side effects: the spells; the caller audits, in its transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("imported spells are written inside the import's transaction")
    for spell in new:
        spell.organisation_id = by.organisation_id
        spell.created_by_id = by.user_id
    made = NamedWorkerSpell.objects.bulk_create(new)
    changed = list(
        NamedWorkerSpell.objects.filter(organisation_id=by.organisation_id, pk__in=ends or {})
    )
    for spell in changed:
        spell.ended_on = (ends or {})[spell.pk]
    NamedWorkerSpell.objects.bulk_update(changed, ["ended_on"])
    refresh_people({spell.person_id for spell in [*made, *changed]})
    return made, changed
