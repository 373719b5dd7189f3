"""A worker's weekly availability and days away, and team capacity for coordinators.

Short views: fetch with a check, bind, call a service, redirect. Refusals are 404 (through
`require_rule`), so what someone may not use stays hidden, as everywhere else.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.access.queries import chosen_team, teams_for
from alongside.common.dates import date_problem
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS
from alongside.scheduling import queries, services
from alongside.scheduling.availability_forms import AWAY, BLOCK, DaysAwayForm, WeeklyBlockForm
from alongside.scheduling.models import AvailabilityException, WeeklyAvailability

CAPACITY_DAYS = 28


# A worker's own availability ------------------------------------------------------------------


def _availability_page(
    request: AuthedHttpRequest,
    membership: Membership,
    *,
    block_form: WeeklyBlockForm | None = None,
    away_form: DaysAwayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "scheduling/availability.html",
        {
            "blocks": WeeklyAvailability.objects.filter(membership=membership),
            "away": AvailabilityException.objects.filter(membership=membership, ends_on__gte=today),
            "block_form": block_form or WeeklyBlockForm(),
            "away_form": away_form or DaysAwayForm(),
            "BLOCK": BLOCK,
            "AWAY": AWAY,
        },
        status=status,
    )


@submit_once
def my_availability(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("scheduling.set_availability", membership)
    if request.method != "POST":
        return _availability_page(request, membership)
    which = request.POST.get("form")
    if which == AWAY:
        away_form = DaysAwayForm(request.POST)
        if away_form.is_valid():
            try:
                services.add_exception(membership, by=membership, **away_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(away_form, error)
            else:
                data = away_form.cleaned_data
                _say_days_away_saved(request, membership, data["starts_on"], data["ends_on"])
                return redirect("scheduling:my_availability")
        return _availability_page(
            request, membership, away_form=away_form, status=INVALID_FORM_STATUS
        )
    block_form = WeeklyBlockForm(request.POST)  # the first form on the page (form=block)
    if block_form.is_valid():
        try:
            services.add_weekly_availability(membership, by=membership, **block_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(block_form, error)
        else:
            messages.success(request, _("Added to your usual week."))
            return redirect("scheduling:my_availability")
    return _availability_page(
        request, membership, block_form=block_form, status=INVALID_FORM_STATUS
    )


def _say_days_away_saved(
    request: AuthedHttpRequest, membership: Membership, starts_on: date, ends_on: date
) -> None:
    messages.success(request, _("Your days away are saved. No new bookings will be offered then."))
    booked = services.appointments_during(membership, starts_on, ends_on)
    if booked:
        messages.warning(
            request,
            ngettext(
                "You have %(count)d appointment booked in those days: it is still booked — "
                "rearrange it from your diary.",
                "You have %(count)d appointments booked in those days: they are still booked — "
                "rearrange them from your diary.",
                booked,
            )
            % {"count": booked},
        )


@require_POST
def remove_availability(request: AuthedHttpRequest, block_id: int) -> HttpResponse:
    membership = membership_of(request)
    require_rule("scheduling.set_availability", membership)
    block = get_object_or_404(
        WeeklyAvailability.objects.select_related("membership"), pk=block_id, membership=membership
    )
    services.remove_weekly_availability(block, by=membership)
    messages.success(
        request,
        _("Removed from your usual week. Appointments already booked then are still booked."),
    )
    return redirect("scheduling:my_availability")


@require_POST
def remove_exception(request: AuthedHttpRequest, exception_id: int) -> HttpResponse:
    membership = membership_of(request)
    require_rule("scheduling.set_availability", membership)
    exc = get_object_or_404(
        AvailabilityException.objects.select_related("membership"),
        pk=exception_id,
        membership=membership,
    )
    services.remove_exception(exc, by=membership)
    messages.success(request, _("Those days away are removed. You can be booked then again."))
    return redirect("scheduling:my_availability")


# Team capacity --------------------------------------------------------------------------------


def _start(request: AuthedHttpRequest) -> date:
    today = timezone.localdate()
    text = request.GET.get("from", "").strip()
    if not text:
        return today
    try:
        start = date.fromisoformat(text)
        if date_problem(start):
            raise ValueError(text)  # year 1 or 9999 overflows the weeks shown
        return start
    except ValueError:
        messages.info(
            request,
            _(
                "That start date could not be read, so the four weeks start today. Use a date like %(example)s."
            )
            % {"example": today.isoformat()},
        )
        return today


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def team_capacity(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("scheduling.see_capacity", membership)
    teams = list(teams_for(membership).order_by("name"))
    team = chosen_team(membership, request.GET.get("team"), teams)
    require_rule("scheduling.see_capacity", membership, team)
    start = _start(request)
    end = start + timedelta(days=CAPACITY_DAYS - 1)
    workers = list(
        queries.worker_memberships(
            membership.organisation_id, team_id=team.pk if team is not None else None
        )
    )
    rows = queries.team_capacity(workers, start=start, days=CAPACITY_DAYS)
    return render(
        request,
        "scheduling/capacity.html",
        {
            "teams": teams,
            "team": team,
            "can_see_all": membership.team_id is None,
            "start": start,
            "end": end,
            "rows": [
                {
                    "row": row,
                    "name": row.membership.user.get_full_name() or row.membership.user.username,
                    "available": _hours(row.available_minutes),
                    "booked": _hours(row.booked_minutes),
                    "free": _hours(row.free_minutes),
                    "skills": [skill.name for skill in row.membership.skills.all()],
                }
                for row in rows
            ],
            "totals": {
                "available": _hours(sum(r.available_minutes for r in rows)),
                "booked": _hours(sum(r.booked_minutes for r in rows)),
                "free": _hours(sum(r.free_minutes for r in rows)),
            },
            "earlier": (start - timedelta(days=CAPACITY_DAYS)).isoformat(),
            "later": (start + timedelta(days=CAPACITY_DAYS)).isoformat(),
        },
    )
