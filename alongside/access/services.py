"""Writes about organisations and memberships."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from alongside.access.models import (
    LocalWord,
    Membership,
    Notification,
    Organisation,
    Role,
    Team,
    TwoStepPolicy,
)
from alongside.access.tasks import queue_notification_emails
from alongside.access.words import new_code, word_list, words
from alongside.audit import actions
from alongside.audit.actions import Action
from alongside.audit.services import record


def notify(
    users: Iterable[User],
    *,
    organisation_id: int,
    text: StrOrPromise,
    url: str = "",
    email_subject: StrOrPromise = "",
) -> list[Notification]:
    """Tell users something in the app and, with `email_subject`, by email through the task queue.

    `text` must never hold support or safeguarding words: it is shown in lists and sent by email.
    Side effects: one Notification per user, in the caller's transaction; on commit, one queued
    email task per user with an address (`access/tasks.py`: retried, never sent inside the
    request, so a mail outage neither fails the caller nor stops the other emails).
    """
    recipients = list(users)
    text, email_subject = str(text), str(email_subject)  # in the language of the moment
    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            [
                Notification(organisation_id=organisation_id, user=user, text=text, url=url)
                for user in recipients
            ]
        )
        if email_subject:
            ids = [note.pk for note, user in zip(notes, recipients, strict=True) if user.email]
            transaction.on_commit(lambda: queue_notification_emails(ids, email_subject))
    return notes


def mark_notifications_read(membership: Membership) -> int:
    """Mark the user's unread notifications in this organisation as read. Returns how many."""
    return Notification.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, read_at__isnull=True
    ).update(read_at=timezone.now())


def _change_setting(
    organisation: Organisation,
    *,
    field: str,
    value: object,
    action: Action,
    by: Membership,
    summary: dict[str, object],
) -> Organisation:
    """Write one organisation setting and its audit event together; nothing when it is unchanged."""
    if getattr(organisation, field) == value:
        return organisation
    with transaction.atomic():
        setattr(organisation, field, value)
        organisation.save(update_fields=[field])
        record(organisation, action=action, by=by, summary=summary)
    return organisation


def set_role_separation(
    organisation: Organisation, *, by: Membership, allow_assessor_and_supporter: bool
) -> Organisation:
    """Relax (or restore) the separation of assessing from supporting. Side effects: one audit event."""
    if by.organisation_id != organisation.pk or by.role != "data_lead":
        raise PermissionError("only the organisation's data lead changes this setting")
    return _change_setting(
        organisation,
        field="allow_assessor_and_supporter",
        value=allow_assessor_and_supporter,
        action=actions.ACCESS_ORGANISATION_ROLE_SEPARATION_CHANGED,
        by=by,
        summary={"allow_assessor_and_supporter": allow_assessor_and_supporter},
    )


MAX_LATE_RECORD_DAYS = 366


def set_late_record_days(organisation: Organisation, *, by: Membership, days: int) -> Organisation:
    """How far back a contact may be recorded without a written reason. Side effects: one audit
    event (days before and after)."""
    if by.organisation_id != organisation.pk or by.role != "data_lead":
        raise PermissionError("only the organisation's data lead changes this setting")
    if not 0 <= days <= MAX_LATE_RECORD_DAYS:
        raise ValidationError(
            {"late_record_days": f"Enter a number of days from 0 to {MAX_LATE_RECORD_DAYS}."}
        )
    return _change_setting(
        organisation,
        field="late_record_days",
        value=days,
        action=actions.ACCESS_ORGANISATION_LATE_RECORD_DAYS_CHANGED,
        by=by,
        summary={"before": organisation.late_record_days, "after": days},
    )


ROLE_NAME_MAX_LENGTH = 60


def set_role_names(
    organisation: Organisation, *, by: Membership, names: dict[str, str]
) -> Organisation:
    """The organisation's own names for roles ({"assessor": "Foodbank desk"}); an empty name
    goes back to the default. Role codes never change (decision 0034). Side effects: one audit
    event with the names before and after, when anything changed."""
    if by.organisation_id != organisation.pk or by.role != "data_lead":
        raise PermissionError("only the organisation's data lead changes this setting")
    after: dict[str, str] = {}
    for role, name in names.items():
        if role not in Role.values:
            raise ValueError(f"unknown role {role!r}")
        name = " ".join((name or "").split())
        if len(name) > ROLE_NAME_MAX_LENGTH:
            raise ValidationError(
                {f"role_name_{role}": f"Keep it to {ROLE_NAME_MAX_LENGTH} characters or fewer."}
            )
        if name and name != str(Role(role).label):
            after[role] = name
    before = dict(organisation.role_names or {})
    if before == after:  # None and {} are the same: no names of its own
        return organisation
    return _change_setting(
        organisation,
        field="role_names",
        value=after,
        action=actions.ACCESS_ORGANISATION_ROLE_NAMES_CHANGED,
        by=by,
        summary={"before": before, "after": after},
    )


def set_two_step_policy(organisation: Organisation, *, by: Membership, policy: str) -> Organisation:
    """Choose who must use two-step sign-in (`TwoStepPolicy`). Side effects: one audit event."""
    if by.organisation_id != organisation.pk or by.role != "data_lead":
        raise PermissionError("only the organisation's data lead changes this setting")
    if policy not in TwoStepPolicy.values:
        raise ValueError(f"unknown two-step policy {policy!r}")
    return _change_setting(
        organisation,
        field="two_step_sign_in",
        value=policy,
        action=actions.ACCESS_ORGANISATION_TWO_STEP_CHANGED,
        by=by,
        summary={"from": organisation.two_step_sign_in, "to": policy},
    )


def end_sessions_of(user_id: int) -> int:
    """Sign a user out everywhere at once: delete every unexpired session that is theirs.

    Database sessions hold the user id only inside the encoded data, so this walks the unexpired
    sessions in chunks and decodes each (decision 0019: switching off is rare and a charity has
    few sessions; no per-user index to keep in step). Each is deleted through the session store,
    so a cached_db engine drops its cache entry too. A cookie-only engine keeps no sessions
    here: there the next request finds the user inactive or the membership ended. Returns how many.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        return 0
    wanted = str(user_id)
    keys = [
        key
        for key, data in get_model()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=500)
        if str(store_class().decode(data).get(USER_SESSION_KEY)) == wanted
    ]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


LOCAL_WORD_MAX_LENGTH = 100


@dataclass(frozen=True)
class WordEdit:
    """One row of the "Our words" form: a word's code (empty for a new word), its label, its
    place in the list and whether it is in use."""

    code: str
    label: str
    position: int
    active: bool


def _tidy(text: str) -> str:
    return " ".join((text or "").split())


def save_words(
    organisation: Organisation, *, by: Membership, key: str, edits: Sequence[WordEdit]
) -> list[LocalWord]:
    """Write the organisation's whole list `key` (decision 0088): rename, reorder, retire and add
    in one go. `edits` holds every existing word (by code) and any new ones (empty code).
    Refuses, naming the row (`label_<n>`), a blank or duplicate label, a label over 100
    characters, retiring a word the software needs or the last word in use, and adding to a list
    that takes no new words. Nothing is written unless all of it is. Side effects: one audit
    event with the words before and after, when anything changed."""
    if by.organisation_id != organisation.pk or by.role not in (Role.DATA_LEAD, Role.COORDINATOR):
        raise PermissionError("only the organisation's coordinator or data lead changes its words")
    spec = word_list(key)
    current = {word.code: word for word in words(organisation.pk, key)}
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    cleaned: list[WordEdit] = []
    for n, edit in enumerate(edits):
        text = _tidy(edit.label)
        if edit.code and edit.code not in current:
            raise ValueError(f"{edit.code!r} is not a word of {key}")
        if not edit.code and not text:
            continue  # the empty "add a word" row
        if not edit.code and not spec.can_add:
            errors[f"label_{n}"] = (
                "This list keeps the words the software acts on: rename them only."
            )
        elif not text:
            errors[f"label_{n}"] = (
                "Write the word. To stop offering it, untick “in use” instead of emptying it."
            )
        elif len(text) > LOCAL_WORD_MAX_LENGTH:
            errors[f"label_{n}"] = f"Keep it to {LOCAL_WORD_MAX_LENGTH} characters or fewer."
        elif text.casefold() in seen:
            errors[f"label_{n}"] = f"“{text}” is already in this list: use a different word."
        else:
            seen[text.casefold()] = n
        if edit.code and not edit.active and edit.code in spec.fixed:
            errors[f"active_{n}"] = (
                "Alongside acts on this word, so it stays in use: rename it instead."
            )
        cleaned.append(WordEdit(edit.code, text, edit.position, edit.active))
    missing = set(current) - {edit.code for edit in cleaned if edit.code}
    if missing:
        raise ValueError(f"every word of {key} must be sent; missing {sorted(missing)}")
    if not errors and not any(edit.active and edit.code not in spec.not_picked for edit in cleaned):
        errors["__all__"] = "Keep at least one word in use: a list with none cannot be chosen from."
    if errors:
        raise ValidationError(errors)
    ordered = sorted(enumerate(cleaned), key=lambda pair: (pair[1].position, pair[0]))
    taken = set(current)
    after: list[dict[str, object]] = []
    for position, (_n, edit) in enumerate(ordered):
        code = edit.code or new_code(edit.label, taken, max_length=spec.max_code_length)
        taken.add(code)
        after.append(
            {"code": code, "label": edit.label, "active": edit.active, "position": position}
        )
    before = [
        {"code": w.code, "label": w.label, "active": w.active, "position": i}
        for i, w in enumerate(current.values())
    ]
    if before == after:
        return list(LocalWord.objects.filter(organisation=organisation, word_list=key))
    with transaction.atomic():
        stored = {
            row.code: row
            for row in LocalWord.objects.select_for_update().filter(
                organisation=organisation, word_list=key
            )
        }
        saved: list[LocalWord] = []
        for item in after:
            row = stored.get(str(item["code"])) or LocalWord(
                organisation=organisation, word_list=key, code=str(item["code"])
            )
            row.label = str(item["label"])
            row.active = bool(item["active"])
            row.position = int(str(item["position"]))
            row.save()
            saved.append(row)
        record(
            organisation,
            action=actions.ACCESS_ORGANISATION_WORDS_CHANGED,
            by=by,
            summary={"list": key, "before": before, "after": after},
        )
    return saved


SERVICE_NAME_MAX_LENGTH = 200


def save_services(
    organisation: Organisation, *, by: Membership, names: dict[int, str], new: str = ""
) -> list[Team]:
    """Rename the organisation's services (`Team`) and add one (`new`, optional). Refuses a
    blank or duplicate name, naming the field (`service_<id>`, `new`); all or nothing. Side
    effects: one audit event with the names before and after, when anything changed."""
    if by.organisation_id != organisation.pk or by.role not in (Role.DATA_LEAD, Role.COORDINATOR):
        raise PermissionError("only the organisation's coordinator or data lead names services")
    teams = {team.pk: team for team in Team.objects.filter(organisation=organisation)}
    errors: dict[str, str] = {}
    seen: set[str] = set()
    wanted: dict[int, str] = {}
    for pk, team in teams.items():
        name = _tidy(names.get(pk, team.name))
        if not name:
            errors[f"service_{pk}"] = "Write the service's name."
        elif len(name) > SERVICE_NAME_MAX_LENGTH:
            errors[f"service_{pk}"] = f"Keep it to {SERVICE_NAME_MAX_LENGTH} characters or fewer."
        elif name.casefold() in seen:
            errors[f"service_{pk}"] = f"Another service is called “{name}”: use a different name."
        seen.add(name.casefold())
        wanted[pk] = name
    added = _tidy(new)
    if added and added.casefold() in seen:
        errors["new"] = f"A service is already called “{added}”: use a different name."
    elif len(added) > SERVICE_NAME_MAX_LENGTH:
        errors["new"] = f"Keep it to {SERVICE_NAME_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)
    before = {str(pk): team.name for pk, team in teams.items()}
    changed = [pk for pk, name in wanted.items() if teams[pk].name != name]
    if not changed and not added:
        return list(teams.values())
    with transaction.atomic():
        # Two steps, so that swapping two names does not trip the unique name on the way.
        for pk in changed:
            Team.objects.filter(pk=pk).update(name=f"renaming {pk} {uuid.uuid4().hex}")
        for pk in changed:
            teams[pk].name = wanted[pk]
            teams[pk].save(update_fields=["name"])
        if added:
            team = Team.objects.create(organisation=organisation, name=added)
            teams[team.pk] = team
        record(
            organisation,
            action=actions.ACCESS_ORGANISATION_SERVICES_CHANGED,
            by=by,
            summary={"before": before, "after": {str(pk): t.name for pk, t in teams.items()}},
        )
    return list(teams.values())
