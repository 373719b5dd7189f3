"""Sustained engagement and the support sphere: the lapse check (who stopped coming, and whom
to tell), why someone stopped coming, and the people and groups someone can turn to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person
from alongside.relationships.models import NamedWorkerSpell
from alongside.spaces.models import (
    Attendance,
    LapsePrompt,
    Space,
    StoppingReason,
    Tie,
    TieCount,
    TieKind,
)
from alongside.visibility.roles import WORKER_ROLES

LAPSE_TEXT = gettext_lazy(
    "Someone who comes to %(space)s regularly has missed the last two sessions."
)


def _recipient(person: Person, space: Space) -> tuple[User | None, bool]:
    """Whom to tell: the named worker (True), else the host (False). Never a manager as such."""

    active = Membership.objects.active().filter(
        organisation_id=person.organisation_id, role__in=WORKER_ROLES
    )
    spell = (
        NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
        .select_related("worker")
        .first()
    )
    if spell is not None and active.filter(user_id=spell.worker_id).exists():
        return spell.worker, True
    if space.host_id is not None and active.filter(user_id=space.host_id).exists():
        return space.host, False
    return None, False


def check_lapses(space: Space, *, today: date | None = None) -> list[LapsePrompt]:
    """Tell the person someone trusts when they came regularly and then stopped (see
    `regularity.py` for the rule). Once per lapse: a lapse is named by the last session they came
    to. Nobody is told when a reason for stopping was recorded since, or when there is neither a
    named worker nor a host. Side effects: per lapse, one LapsePrompt, one Notification (no
    name, no support words), one audit event.
    """
    from alongside.spaces.queries import held_sessions, reason_recorded_since
    from alongside.spaces.regularity import (
        MISSED,
        REGULAR_OF,
        last_attended_index,
        stopped_after_coming_regularly,
    )

    today = today or timezone.localdate()
    held = held_sessions(space.pk, today=today)
    window = held[-(REGULAR_OF + MISSED) :]
    if len(window) < REGULAR_OF + MISSED:
        return []
    came: dict[int, set[int]] = {}
    for person_id, session_id in Attendance.objects.filter(
        space=space, session_id__in=[pk for pk, _on in window]
    ).values_list("person_id", "session_id"):
        came.setdefault(person_id, set()).add(session_id)
    prompts = []
    for person in Person.objects.filter(pk__in=list(came), organisation_id=space.organisation_id):
        pattern = [pk in came[person.pk] for pk, _on in window]
        if not stopped_after_coming_regularly(pattern):
            continue
        index = last_attended_index(pattern)
        assert index is not None  # they came to at least three of the window
        last_id, last_on = window[index]
        if LapsePrompt.objects.filter(
            person=person, space=space, last_attended_id=last_id
        ).exists():
            continue
        if reason_recorded_since(person.pk, space.pk, last_on):
            continue
        recipient, is_named_worker = _recipient(person, space)
        if recipient is None:
            continue
        url = (
            reverse("spaces:person", args=[person.pk])
            if is_named_worker
            else reverse("spaces:space", args=[space.pk])
        )
        try:
            with transaction.atomic():
                prompt = LapsePrompt.objects.create(
                    organisation_id=space.organisation_id,
                    person=person,
                    space=space,
                    last_attended_id=last_id,
                    sent_to=recipient,
                )
                notify(
                    [recipient],
                    organisation_id=space.organisation_id,
                    text=str(LAPSE_TEXT) % {"space": space.name},
                    url=url,
                )
                record(
                    prompt,
                    action=actions.SPACES_LAPSE_PROMPTED,
                    by=None,
                    summary={"space": space.pk, "to": recipient.pk},
                )
        except IntegrityError:
            continue  # another check prompted this lapse at the same moment
        prompts.append(prompt)
    return prompts


# --- support sphere -----------------------------------------------------------------------------


def record_stopping_reason(
    person: Person,
    *,
    by: Membership,
    reason: str,
    space: Space | None = None,
    in_their_words: str = "",
) -> StoppingReason:
    """Why they stopped coming, when they say. Support sphere: the words stay out of the audit."""
    if reason not in StoppingReason.Reason.values:
        raise ValidationError({"reason": _("Choose why they stopped.")})
    if space is not None and space.organisation_id != person.organisation_id:
        raise ValidationError({"space": _("Choose one of your organisation's spaces.")})
    if reason == StoppingReason.Reason.OTHER and not in_their_words.strip():
        raise ValidationError({"in_their_words": _("Say what it was, in their words.")})
    with transaction.atomic():
        stopping = StoppingReason.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            space=space,
            reason=reason,
            in_their_words=in_their_words.strip(),
            author=by.user,
        )
        record(
            stopping,
            action=actions.SPACES_STOPPING_REASON_RECORDED,
            by=by,
            summary={"space": space.pk if space else None},
        )
    return stopping  # type: ignore[no-any-return]


def record_ties(
    person: Person,
    *,
    by: Membership,
    added: Sequence[tuple[str, str]] = (),
    ended: Iterable[int] = (),
    on: date | None = None,
) -> TieCount:
    """Record, with the person, who they can turn to now: new ties, ties no longer there, and the
    count of each kind that results (the outcome over time; a recording with no change is a count
    too). Only ties the recorder may see can be ended. Side effects: Tie rows, one TieCount, one
    audit event (numbers only)."""
    from alongside.spaces.queries import open_tie_counts, ties_visible_to

    on = on or timezone.localdate()
    errors = []
    for kind, description in added:
        if kind not in TieKind.values:
            errors.append("Choose the kind of tie.")
        if not description.strip():
            errors.append("Say who, in their words.")
        if len(description.strip()) > 300:
            errors.append("Keep each description under 300 characters.")
    if errors:
        raise ValidationError({"description": sorted(set(errors))})
    ended_ids = sorted(set(ended))
    with transaction.atomic():
        if ended_ids:
            ending = ties_visible_to(by).filter(
                person=person, pk__in=ended_ids, ended_on__isnull=True
            )
            if ending.count() != len(ended_ids):
                raise ValidationError(_("Some of those ties are not there to end."))
            ending.update(ended_on=on)
        Tie.objects.bulk_create(
            [
                Tie(
                    organisation_id=person.organisation_id,
                    person=person,
                    kind=kind,
                    description=description.strip(),
                    recorded_on=on,
                    author=by.user,
                )
                for kind, description in added
            ]
        )
        counts = open_tie_counts(person.pk)
        count = TieCount.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            team_id=person.team_id,
            counted_on=on,
            author=by.user,
            **counts,
        )
        record(
            count,
            action=actions.SPACES_TIES_RECORDED,
            by=by,
            summary={"added": len(added), "ended": len(ended_ids), **counts},
        )
    return count  # type: ignore[no-any-return]
