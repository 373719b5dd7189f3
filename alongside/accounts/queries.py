"""Reading sign-in events back: a worker's own, and (for the data lead) the organisation's."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from alongside.access.models import Membership
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
