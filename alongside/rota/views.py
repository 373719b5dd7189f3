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
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.rota import queries, services
from alongside.rota.forms import (
    AskForm,
    CancelShiftForm,
    ChangePatternForm,
    GiftForm,
    HoursForm,
    ShiftPatternForm,
)
from alongside.rota.models import HOLDS_PLACE, GiftKind, Shift, ShiftRole, Signup
from alongside.spaces.models import Weekday


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
            "cancelled": queries.my_cancelled(membership),
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
            "patterns": queries.running_patterns(membership.organisation_id, today=today),
            "recent": queries.recent_shifts(membership.organisation_id, today=today),
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
            messages.success(request, _("Added, with its shifts for the next 12 weeks."))
            return redirect("rota:rota")
    return render(
        request, "rota/new_pattern.html", {"form": form}, status=form_status(request, form)
    )


def _shift_found(request: AuthedHttpRequest, shift_id: int) -> Shift:
    found = queries.shift_for(membership_of(request), shift_id)
    if found is None:
        raise Http404
    return found


def _shift_page(
    request: AuthedHttpRequest,
    found: Shift,
    *,
    form: AskForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    membership = membership_of(request)
    if form is None:
        form = _ask_form(request, found, bound=False)
    return render(
        request,
        "rota/shift.html",
        {
            "shift": found,
            "roles": queries.roles_of(found),
            "people": queries.people_on(found),
            "form": form,
            "error": error,
            "started": found.starts_at <= timezone.now(),
            "pattern_running": found.pattern is not None
            and (found.pattern.ends_on is None or found.pattern.ends_on >= timezone.localdate()),
            "membership": membership,
        },
        status=status,
    )


def _ask_form(request: AuthedHttpRequest, found: Shift, *, bound: bool) -> AskForm:
    return AskForm(
        request.POST if bound else None,
        members=queries.members_to_ask(found.organisation_id),
        roles=ShiftRole.objects.filter(shift=found).order_by("pk"),
    )


@rule_required("rota.manage")
def shift(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    """One shift: who is on it in each role, asking someone to fill a gap, and (once it has
    started) who did not come; links to cancel it or change its repeating shift."""
    membership = membership_of(request)
    found = _shift_found(request, shift_id)
    form = _ask_form(request, found, bound=request.method == "POST")
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
    return _shift_page(request, found, form=form, status=form_status(request, form))


@submit_once
def cancel_shift(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    """Cancel a shift still to come, with the reason those on it are told."""
    membership = membership_of(request)
    require_rule("rota.manage", membership)
    found = _shift_found(request, shift_id)
    form = CancelShiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.cancel_shift(found, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Cancelled. The %(n)d person on it has been told.",
                    "Cancelled. The %(n)d people on it have been told.",
                    told,
                )
                % {"n": told}
                if told
                else _("Cancelled. No one was on it."),
            )
            return redirect("rota:shift", shift_id=found.pk)
    people = [p for p in queries.people_on(found) if p.status in HOLDS_PLACE]
    return render(
        request,
        "rota/cancel_shift.html",
        {"shift": found, "form": form, "people": people},
        status=form_status(request, form),
    )


@require_POST
@rule_required("rota.manage")
def attendance(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    """Mark someone on a shift that has started as "did not come", or undo it."""
    membership = membership_of(request)
    signup = queries.signup_for(membership, signup_id)
    if signup is None:
        raise Http404
    came = request.POST.get("came") == "yes"
    try:
        services.mark_attendance(signup, came=came, by=membership)
    except ValidationError as error:
        found = _shift_found(request, signup.shift_id)
        return _shift_page(
            request, found, error=" ".join(error.messages), status=INVALID_FORM_STATUS
        )
    name = signup.membership.user.get_full_name() or signup.membership.user.username
    messages.success(
        request,
        _("%(name)s is marked as having come.") % {"name": name}
        if came
        else _("%(name)s is marked “did not come”: those hours are not counted as given.")
        % {"name": name},
    )
    return redirect("rota:shift", shift_id=signup.shift_id)


@submit_once
def change_pattern(request: AuthedHttpRequest, pattern_id: int) -> HttpResponse:
    """Change a repeating shift's times, roles and numbers from a date on."""
    membership = membership_of(request)
    require_rule("rota.manage", membership)
    pattern = queries.pattern_for(membership, pattern_id)
    if pattern is None:
        raise Http404
    initial = {
        "from_day": timezone.localdate(),
        "starts_at": pattern.starts_at,
        "ends_at": pattern.ends_at,
        "ends_on": pattern.ends_on,
        "roles": "\n".join(f"{r.name}: {r.needed}" for r in pattern.roles.all()),
    }
    form = ChangePatternForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.change_pattern(
                pattern,
                by=membership,
                from_day=data["from_day"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                roles=data["roles"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("Changed: %(made)d shifts made the new way.") % {"made": change.made}
            if change.kept:
                done += " " + ngettext(
                    "%(kept)d shift with people on it stays as it was; they have been told.",
                    "%(kept)d shifts with people on them stay as they were; they have been told.",
                    change.kept,
                ) % {"kept": change.kept}
            messages.success(request, done)
            return redirect("rota:rota")
    return render(
        request,
        "rota/change_pattern.html",
        {
            "pattern": pattern,
            "day": Weekday(pattern.weekday).label,
            "form": form,
            "taken": queries.shifts_with_people(pattern, today=timezone.localdate()),
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
