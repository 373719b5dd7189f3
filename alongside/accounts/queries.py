"""Reading sign-in events back: a worker's own, and (for the data lead) the organisation's."""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.functional import Promise

from alongside.access.models import Membership
from alongside.accounts.models import AccountSession
from alongside.accounts.words import ACCOUNT_EVENT_WORDS
from alongside.audit import actions
from alongside.audit.models import AuditEvent

ACCOUNT_ACTIONS = {
    actions.ACCOUNT_SIGNED_IN.name: actions.ACCOUNT_SIGNED_IN,
    actions.ACCOUNT_SIGN_IN_FAILED.name: actions.ACCOUNT_SIGN_IN_FAILED,
    actions.ACCOUNT_LOCKED_OUT.name: actions.ACCOUNT_LOCKED_OUT,
    actions.ACCOUNT_TWO_STEP_FAILED.name: actions.ACCOUNT_TWO_STEP_FAILED,
    actions.ACCOUNT_TWO_STEP_ADDED.name: actions.ACCOUNT_TWO_STEP_ADDED,
    actions.ACCOUNT_TWO_STEP_REMOVED.name: actions.ACCOUNT_TWO_STEP_REMOVED,
    actions.ACCOUNT_RECOVERY_CODES_RENEWED.name: actions.ACCOUNT_RECOVERY_CODES_RENEWED,
    actions.ACCOUNT_PASSWORD_CHANGED.name: actions.ACCOUNT_PASSWORD_CHANGED,
    actions.ACCOUNT_PASSWORD_RESET.name: actions.ACCOUNT_PASSWORD_RESET,
    actions.ACCOUNT_SESSION_ENDED.name: actions.ACCOUNT_SESSION_ENDED,
    actions.ACCOUNT_OTHER_SESSIONS_ENDED.name: actions.ACCOUNT_OTHER_SESSIONS_ENDED,
}
MEMBERSHIP_LABEL = "access.membership"


@dataclass(frozen=True)
class AccountEvent:
    at: datetime
    action: str
    what: str | Promise
    address: str
    method: str
    username: str
    is_problem: bool


def _what(action: str) -> str | Promise:
    return ACCOUNT_EVENT_WORDS.get(action, action)


def _events(rows: list[AuditEvent], usernames: dict[str, str]) -> list[AccountEvent]:
    problems = {
        actions.ACCOUNT_SIGN_IN_FAILED.name,
        actions.ACCOUNT_LOCKED_OUT.name,
        actions.ACCOUNT_TWO_STEP_FAILED.name,
        actions.ACCOUNT_TWO_STEP_REMOVED.name,
    }
    return [
        AccountEvent(
            at=row.at,
            action=row.action,
            what=_what(row.action),
            address=str(row.summary.get("address", "")),
            method=str(row.summary.get("method", row.summary.get("type", ""))),
            username=usernames.get(row.subject_id, ""),
            is_problem=row.action in problems,
        )
        for row in rows
    ]


def account_events_of(membership: Membership, *, limit: int = 50) -> list[AccountEvent]:
    """The latest sign-in events of one worker's account in the organisation, newest first."""
    rows = list(
        AuditEvent.objects.filter(
            organisation_id=membership.organisation_id,
            subject_type=MEMBERSHIP_LABEL,
            subject_id=str(membership.pk),
            action__in=list(ACCOUNT_ACTIONS),
        ).order_by("-id")[:limit]
    )
    return _events(rows, {str(membership.pk): membership.user.get_username()})


def organisation_account_events(membership: Membership, *, limit: int = 300) -> list[AccountEvent]:
    """The latest sign-in events of everyone in the membership's organisation, newest first."""
    rows = list(
        AuditEvent.objects.filter(
            organisation_id=membership.organisation_id,
            subject_type=MEMBERSHIP_LABEL,
            action__in=list(ACCOUNT_ACTIONS),
        ).order_by("-id")[:limit]
    )
    ids = {int(row.subject_id) for row in rows}
    usernames = {
        str(pk): username
        for pk, username in Membership.objects.filter(
            pk__in=ids, organisation_id=membership.organisation_id
        ).values_list("pk", "user__username")
    }
    return _events(rows, usernames)


def live_session_keys(keys: list[str]) -> set[str] | None:
    """Which of `keys` are sessions that have not ended (in the database session store), or
    None when the session engine keeps no table to ask (then every row is taken as live)."""
    get_model = getattr(
        import_module(settings.SESSION_ENGINE).SessionStore, "get_model_class", None
    )
    if get_model is None:
        return None
    return set(
        get_model()
        .objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        .values_list("session_key", flat=True)
    )


def sessions_of(user: AbstractBaseUser) -> list[AccountSession]:
    """The browsers `user` is signed in with now, the most recently active first."""
    rows = list(AccountSession.objects.filter(user_id=user.pk))
    live = live_session_keys([row.session_key for row in rows])
    return rows if live is None else [row for row in rows if row.session_key in live]
