"""Rota pages: a member's own shifts, hours and milestones (on a phone first); the coordinator's
rota, its patterns and a shift's page with "ask someone"; the gifts ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.rota import queries, services
from alongside.rota.forms import AskForm, GiftForm, HoursForm, ShiftPatternForm
from alongside.rota.models import GiftKind, ShiftRole, Signup


def _signup(request: AuthedHttpRequest, signup_id: int, rule: str) -> Signup:
    membership = membership_of(request)
    signup = queries.signup_for(membership, signup_id)
    require_rule(rule, membership, signup)
    assert signup is not None
    return signup


def _mine_page(request: AuthedHttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    membership = membership_of(request)
    today = timezone.localdate()
    hours = queries.member_hours(membership)
    return render(
        request,
        "rota/mine.html",
        {
            "error": error,
            "signups": queries.my_signups(membership),
            "open_places": queries.open_places(membership, today=today),
            "swaps": queries.swaps_offered(membership),
            "hours": hours,
            "added": queries.added_hours(membership, limit=5),
            "milestones": queries.milestones(membership, hours, today=today),
        },
        status=status,
    )


@rule_required("rota.mine")
def mine(request: AuthedHttpRequest) -> HttpResponse:
    """My shifts (answer an ask, offer a swap, withdraw), shifts with places, swaps on offer,
    my hours and my milestones."""
    return _mine_page(request)


def _refused(request: AuthedHttpRequest, error: ValidationError) -> HttpResponse:
    return _mine_page(request, error=" ".join(error.messages), status=INVALID_FORM_STATUS)


@require_POST
@rule_required("rota.mine")
def sign_up(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    membership = membership_of(request)
    role = (
        ShiftRole.objects.filter(pk=role_id, shift__organisation_id=membership.organisation_id)
        .select_related("shift")
        .first()
    )
    if role is None:
        raise Http404
    try:
        services.sign_up(role, by=membership)
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, _("You are on %(shift)s.") % {"shift": role.shift.name})
    return redirect("rota:mine")


def _act(
    request: AuthedHttpRequest,
    signup_id: int,
    rule: str,
    act: Callable[[Signup, Membership], object],
    done: str,
) -> HttpResponse:
    """One action on a signup from the member's page: checked by its rule (404 otherwise), done
    by the service, the page again with the reason when refused (400)."""
    signup = _signup(request, signup_id, rule)
    try:
        act(signup, membership_of(request))
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, done)
    return redirect("rota:mine")


@require_POST
def answer(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    accept = request.POST.get("answer") == "yes"
    return _act(
        request,
        signup_id,
        "rota.own_signup",
        lambda signup, by: services.answer(signup, accept=accept, by=by),
        _("Thank you: you are on it.") if accept else _("Thank you for saying."),
    )


@require_POST
def withdraw(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    return _act(
        request,
        signup_id,
        "rota.own_signup",
        lambda signup, by: services.withdraw(signup, by=by),
        _("You are off that shift. The coordinator can see the gap."),
    )


@require_POST
def offer_swap(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    return _act(
        request,
        signup_id,
        "rota.own_signup",
        lambda signup, by: services.offer_swap(signup, by=by),
        _("Offered. You stay on it until someone takes it."),
    )


@require_POST
def take_swap(request: AuthedHttpRequest, offer_id: int) -> HttpResponse:
    return _act(
        request,
        offer_id,
        "rota.take_swap",
        lambda signup, by: services.take_swap(signup, by=by),
        _("You took the shift. Thank you."),
    )


@submit_once
def add_hours(request: AuthedHttpRequest) -> HttpResponse:
    """Time given that the rota and contacts do not show: what, when, how long."""
    membership = membership_of(request)
    require_rule("rota.mine", membership)
    form = HoursForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_hours(
                membership,
                what=data["what"],
                on=data["on"],
                minutes=int((data["hours"] * 60).to_integral_value()),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added. Thank you for your time."))
            return redirect("rota:mine")
    return render(request, "rota/add_hours.html", {"form": form}, status=form_status(request, form))


@require_POST
@rule_required("rota.mine")
def share_milestone(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    try:
        services.share_milestone(
            membership,
            milestone=request.POST.get("milestone", "")[:20],
            shared=request.POST.get("shared") == "yes",
        )
    except ValidationError as error:
        return _refused(request, error)
    return redirect("rota:mine")


# The coordinator's pages ------------------------------------------------------------------------


@rule_required("rota.manage")
def rota(request: AuthedHttpRequest) -> HttpResponse:
    """The next four weeks of shifts, gaps first in the eye, swaps and shared milestones."""
    membership = membership_of(request)
    today = timezone.localdate()
    shifts = queries.rota(membership.organisation_id, start=today)
    soon = today + timedelta(days=queries.GAP_DAYS)
    return render(
        request,
        "rota/rota.html",
        {
            "shifts": shifts,
            "short_soon": [s for s in shifts if s.short and timezone.localdate(s.starts_at) < soon],  # type: ignore[attr-defined]
            "swaps": queries.recent_swaps(membership.organisation_id),
            "shared": queries.shared_milestones(membership.organisation_id),
            "gap_days": queries.GAP_DAYS,
        },
    )


@submit_once
def new_pattern(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("rota.manage", membership)
    form = ShiftPatternForm(
        request.POST if request.method == "POST" else None, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_pattern(
                membership.organisation,
                by=membership,
                name=data["name"],
                space=data["space"],
                place=data["place"],
                weekday=data["weekday"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                every_weeks=data["every_weeks"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                roles=data["roles"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added, with its shifts until its last date."))
            return redirect("rota:rota")
    return render(
        request, "rota/new_pattern.html", {"form": form}, status=form_status(request, form)
    )


@rule_required("rota.manage")
def shift(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    """One shift: who is on it in each role, and asking someone to fill a gap."""
    membership = membership_of(request)
    found = queries.shift_for(membership, shift_id)
    if found is None:
        raise Http404
    roles = ShiftRole.objects.filter(shift=found).order_by("pk")
    form = AskForm(
        request.POST if request.method == "POST" else None,
        members=queries.members_to_ask(membership.organisation_id),
        roles=roles,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ask(
                form.cleaned_data["role"], member=form.cleaned_data["member"], by=membership
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Asked. They will see it on their shifts page."))
            return redirect("rota:shift", shift_id=found.pk)
    return render(
        request,
        "rota/shift.html",
        {
            "shift": found,
            "roles": queries.roles_of(found),
            "people": queries.people_on(found),
            "form": form,
        },
        status=form_status(request, form),
    )


@submit_once
def gifts(request: AuthedHttpRequest) -> HttpResponse:
    """The gifts ledger: food, goods, rooms lent and money received, newest first."""
    membership = membership_of(request)
    require_rule("rota.gifts", membership)
    form = GiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_gift(
                membership.organisation,
                by=membership,
                kind=data["kind"],
                description=data["description"],
                received_on=data["received_on"],
                quantity=data["quantity"],
                unit=data["unit"],
                value=data["value"],
                donor=data["donor"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded in the ledger."))
            return redirect("rota:gifts")
    ledger = queries.gifts(membership.organisation_id)
    total = sum((g.value or Decimal(0) for g in ledger if g.kind == GiftKind.MONEY), Decimal(0))
    context: dict[str, Any] = {"form": form, "ledger": ledger, "money_total": total}
    return render(request, "rota/gifts.html", context, status=form_status(request, form))
