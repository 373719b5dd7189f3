"""Plain words for each sign-in event, as the account pages show them."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alongside.audit import actions

ACCOUNT_EVENT_WORDS: dict[str, Promise] = {
    actions.ACCOUNT_SIGNED_IN.name: _("Signed in"),
    actions.ACCOUNT_SIGN_IN_FAILED.name: _("Wrong password"),
    actions.ACCOUNT_LOCKED_OUT.name: _("Sign-in refused: too many wrong passwords"),
    actions.ACCOUNT_TWO_STEP_FAILED.name: _("Wrong two-step code"),
    actions.ACCOUNT_TWO_STEP_ADDED.name: _("Two-step sign-in set up"),
    actions.ACCOUNT_TWO_STEP_REMOVED.name: _("Two-step sign-in removed"),
    actions.ACCOUNT_RECOVERY_CODES_RENEWED.name: _("New recovery codes made"),
    actions.ACCOUNT_PASSWORD_CHANGED.name: _("Password changed"),
    actions.ACCOUNT_PASSWORD_RESET.name: _("Password reset by email"),
    actions.ACCOUNT_SESSION_ENDED.name: _("Signed out another browser"),
    actions.ACCOUNT_OTHER_SESSIONS_ENDED.name: _("Signed out every other browser"),
}
