"""Your account (password, two-step sign-in, recent sign-ins) and the organisation's sign-ins."""

from django.http import HttpResponse
from django.shortcuts import render

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.accounts.policy import has_authenticator_app, two_step_required
from alongside.accounts.queries import account_events_of, organisation_account_events


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
