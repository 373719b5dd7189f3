"""Your account (password, two-step sign-in, recent sign-ins) and the organisation's sign-ins."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.accounts.policy import has_authenticator_app, two_step_required
from alongside.accounts.queries import account_events_of, organisation_account_events, sessions_of
from alongside.accounts.services import current_session_id, end_other_sessions, end_session
from alongside.common.ids import parse_id


def account(request: AuthedHttpRequest) -> HttpResponse:
    """Your account: change your password, set up two-step sign-in, your recent sign-ins."""
    membership = request.membership
    return render(
        request,
        "accounts/account.html",
        {
            "events": account_events_of(membership) if membership else [],
            "has_app": has_authenticator_app(request.user),
            "required": two_step_required(membership),
        },
    )


def two_step_needed(request: AuthedHttpRequest) -> HttpResponse:
    """Where a lead without an authenticator app is sent: why, and the way to set one up."""
    return render(
        request, "accounts/two_step_needed.html", {"has_app": has_authenticator_app(request.user)}
    )


@rule_required("accounts.see_organisation_sign_ins")
def organisation_sign_ins(request: AuthedHttpRequest) -> HttpResponse:
    """Every worker's sign-ins, failures, lock-outs and changes in this organisation."""
    membership = membership_of(request)
    return render(
        request,
        "accounts/organisation_sign_ins.html",
        {"events": organisation_account_events(membership)},
    )


def signed_in_user(request: AuthedHttpRequest) -> AbstractBaseUser:
    """The signed-in user (LoginRequiredMiddleware lets no one else reach these pages)."""
    if not isinstance(request.user, AbstractBaseUser):
        raise Http404
    return request.user


def sessions(request: AuthedHttpRequest) -> HttpResponse:
    """The browsers you are signed in with: device, approximate address, last active; end one or
    every other (decision 0028)."""
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": sessions_of(signed_in_user(request)), "current": current_session_id(request)},
    )


@require_POST
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth is untyped here
def end_sessions(request: AuthedHttpRequest) -> HttpResponse:
    """`session`: one of your other sessions' ids, or "others" for all of them. 404 for anything
    else (this browser's own: sign out instead; someone else's: it does not exist for you).
    Asks for the password (or a code) again unless the user signed in or confirmed it in the
    last 5 minutes (allauth's reauthentication; the request goes on after it)."""
    which = request.POST.get("session", "")
    keep = current_session_id(request)
    if which == "others":
        ended = end_other_sessions(signed_in_user(request), keep=keep, request=request)
        messages.success(
            request,
            ngettext(
                "Signed out %(count)d other browser.",
                "Signed out %(count)d other browsers.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("accounts:sessions")
    row_id = parse_id(which)
    if row_id is None or not end_session(
        signed_in_user(request), row_id, keep=keep, request=request
    ):
        raise Http404
    messages.success(request, _("That browser is signed out."))
    return redirect("accounts:sessions")
