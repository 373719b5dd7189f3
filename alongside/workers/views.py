"""The Workers pages: list, invite, one worker (role, leaving, switch off/on, invitation), and
the public page where an invited worker chooses their password."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.common import links
from alongside.common.forms import add_service_errors
from alongside.common.keyset import BadCursor, keyset_page
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, bad_cursor, form_status
from alongside.workers import queries, services
from alongside.workers.forms import (
    ChoosePasswordForm,
    FilterForm,
    InviteForm,
    LeavingForm,
    RoleForm,
)

PAGE_SIZE = 25
# The Workers list by name a page at a time (decision 0128); the filters narrow it, so a
# cursor is kept with them in the page's links.
WORKERS_SCOPE = "workers.list"


def _name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.username


@rule_required("access.manage_workers")
def worker_list(request: AuthedHttpRequest) -> HttpResponse:
    manager = membership_of(request)
    form = FilterForm(request.GET or None, manager=manager)
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    team = chosen.get("team")
    rows = queries.workers_for(
        manager,
        text=chosen.get("q", ""),
        status=chosen.get("status", ""),
        role=chosen.get("role", ""),
        team_id=team.pk if team is not None else None,
    )
    try:
        page = keyset_page(rows, request.GET.get("cursor"), size=PAGE_SIZE, scope=WORKERS_SCOPE)
    except BadCursor as error:
        return bad_cursor(request, error)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    return render(
        request,
        "workers/list.html",
        {
            "form": form,
            "page": page,
            "count": rows.count(),
            "rows": [(m, queries.status_of(m)) for m in page],
            "query": query.urlencode(),
        },
    )


@rule_required("access.manage_workers")
@submit_once
def invite(request: AuthedHttpRequest) -> HttpResponse:
    manager = membership_of(request)
    form = InviteForm(request.POST if request.method == "POST" else None, manager=manager)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite_worker(
                manager.organisation, by=manager, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # No names or addresses in messages: they may travel in a cookie.
            messages.success(request, _("Invitation sent. The link works for 7 days."))
            return redirect("workers:worker", worker_id=invitation.membership_id)
    return render(request, "workers/invite.html", {"form": form}, status=form_status(request, form))


def _managed(request: AuthedHttpRequest, worker_id: int) -> tuple[Membership, Membership]:
    manager = membership_of(request)
    worker = queries.worker_for(manager, worker_id)
    require_rule("access.manage_worker", manager, worker)
    return manager, worker


def _worker_page(
    request: AuthedHttpRequest,
    manager: Membership,
    worker: Membership,
    *,
    role_form: RoleForm | None = None,
    leaving_form: LeavingForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workers/worker.html",
        {
            "worker": worker,
            "name": _name(worker),
            "status": queries.status_of(worker),
            "is_self": worker.pk == manager.pk,
            "held": queries.open_spells_count(worker),
            "role_form": role_form
            or RoleForm(initial={"role": worker.role, "team": worker.team_id}, manager=manager),
            "leaving_form": leaving_form or LeavingForm(initial={"leaving_on": worker.leaving_on}),
            "error": error,
        },
        status=status,
    )


def worker(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    manager, found = _managed(request, worker_id)
    return _worker_page(request, manager, found)


@require_POST
def change_role(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    manager, found = _managed(request, worker_id)
    form = RoleForm(request.POST, manager=manager)
    if form.is_valid():
        try:
            services.change_role(found, by=manager, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Role and team saved."))
            return redirect("workers:worker", worker_id=found.pk)
    found = queries.worker_for(manager, worker_id)  # as saved: nothing changed
    return _worker_page(request, manager, found, role_form=form, status=INVALID_FORM_STATUS)


@require_POST
def set_leaving(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    manager, found = _managed(request, worker_id)
    form = LeavingForm(request.POST)
    if form.is_valid():
        try:
            services.mark_leaving(found, by=manager, leaving_on=form.cleaned_data["leaving_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Leaving date saved. Their team's coordinator is asked to plan handovers.")
                if form.cleaned_data["leaving_on"]
                else _("Leaving date cleared."),
            )
            return redirect("workers:worker", worker_id=found.pk)
    found = queries.worker_for(manager, worker_id)
    return _worker_page(request, manager, found, leaving_form=form, status=INVALID_FORM_STATUS)


def _action(request: AuthedHttpRequest, worker_id: int, act: Any, done: str) -> HttpResponse:
    manager, found = _managed(request, worker_id)
    try:
        act(found, by=manager)
    except ValidationError as error:
        return _worker_page(
            request, manager, found, error=" ".join(error.messages), status=INVALID_FORM_STATUS
        )
    messages.success(request, done)
    return redirect("workers:worker", worker_id=found.pk)


@require_POST
def switch_off(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    return _action(
        request,
        worker_id,
        services.switch_off,
        _("Account switched off. They were signed out everywhere."),
    )


@require_POST
def switch_on(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    return _action(request, worker_id, services.switch_on, _("Account switched on again."))


@require_POST
def resend(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    return _action(
        request,
        worker_id,
        services.resend_invitation,
        _("A new invitation is on its way. The old link no longer works."),
    )


@require_POST
def withdraw(request: AuthedHttpRequest, worker_id: int) -> HttpResponse:
    return _action(
        request,
        worker_id,
        services.withdraw_invitation,
        _("Invitation withdrawn: the link no longer works."),
    )


@login_not_required
@never_cache
def accept(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """Choose a password from an invitation link: once, before it expires. Plain Django forms
    (no sign-in library), then on to the sign-in page."""
    invitation = queries.invitation_for_token(token)
    if links.rate_limited(request, token, scope="workers", known=invitation is not None):
        response = render(request, "workers/link_closed.html", {"reason": "busy"}, status=429)
        response["Retry-After"] = str(links.RATE_WINDOW_SECONDS)
        return links.private(response)
    if invitation is None:
        return links.private(
            render(request, "workers/link_closed.html", {"reason": "unknown"}, status=404)
        )
    if not invitation.is_usable or invitation.membership.left_on is not None:
        return links.private(
            render(
                request,
                "workers/link_closed.html",
                {"reason": "closed", "organisation": invitation.organisation},
                status=410,
            )
        )
    user = invitation.membership.user
    form = ChoosePasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation, password=form.cleaned_data["new_password1"])
        except ValidationError:
            return links.private(
                render(request, "workers/link_closed.html", {"reason": "closed"}, status=410)
            )
        messages.success(
            request,
            _("Your password is set. Sign in with your email address and your new password."),
        )
        return links.private(redirect(resolve_url(settings.LOGIN_URL)))
    return links.private(
        render(
            request,
            "workers/accept.html",
            {"form": form, "organisation": invitation.organisation, "email": user.email},
            status=form_status(request, form),
        )
    )
