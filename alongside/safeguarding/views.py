"""Safeguarding pages: raise a concern, leads' concern pages, overrides and their review, and
holds on matching and introductions.

Every view fetches through `queries` (404 when the viewer may not see it), binds a form, calls a
service and redirects. Pages that show concern text or a justification record the read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Role
from alongside.common.forms import add_service_errors
from alongside.common.keyset import BadCursor
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, bad_cursor, form_status
from alongside.people.queries import get_person_for_user
from alongside.safeguarding import queries, services
from alongside.safeguarding.forms import (
    ConcernActionForm,
    ConcernForm,
    HoldForm,
    LiftHoldForm,
    OverrideForm,
    ReviewForm,
    VolunteerHoldForm,
)
from alongside.safeguarding.models import OVERRIDE_MINUTES

PAGE_SIZE = 50


@rule_required("safeguarding.raise_concern")
@submit_once
def raise_concern(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.raise_concern(
                person, by=membership, request_id=request.request_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("safeguarding:concern_raised", concern_id=concern.pk)
    return render(
        request,
        "safeguarding/raise_concern.html",
        {"person": person, "form": form},
        status=form_status(request, form),
    )


@rule_required("safeguarding.raise_concern")
def concern_raised(request: AuthedHttpRequest, concern_id: int) -> HttpResponse:
    concern = queries.get_raised_concern_for_user(membership_of(request), concern_id)
    return render(request, "safeguarding/concern_raised.html", {"concern": concern})


@rule_required("safeguarding.lead")
def concern_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    try:
        page = queries.concern_page(membership, request.GET.get("cursor"), size=PAGE_SIZE)
    except BadCursor as error:
        return bad_cursor(request, error)
    services.read_concerns(membership, page)
    return render(request, "safeguarding/concern_list.html", {"page": page})


@rule_required("safeguarding.lead")
@submit_once
def concern_detail(request: AuthedHttpRequest, concern_id: int) -> HttpResponse:
    membership = membership_of(request)
    concern = queries.get_concern_for_user(membership, concern_id)
    form = ConcernActionForm(
        request.POST if request.method == "POST" else None, initial={"status": concern.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_concern_action(
                concern, by=membership, request_id=request.request_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("What was done is recorded."))
            return redirect("safeguarding:concern", concern_id=concern.pk)
    services.read_concern(membership, concern)
    actions = list(queries.concern_actions(concern))
    return render(
        request,
        "safeguarding/concern_detail.html",
        {"concern": concern, "actions": actions, "form": form},
        status=form_status(request, form),
    )


@rule_required("safeguarding.lead")
@submit_once
def start_override(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            override = services.start_override(
                person, by=membership, request_id=request.request_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            ends = timezone.localtime(override.expires_at)
            messages.success(
                request,
                _("You can open their support records until %(time)s.")
                % {"time": ends.strftime("%H:%M")},
            )
            return redirect("people:person", person_id=person.pk)
    current = queries.override_in_force(membership, person.pk)
    return render(
        request,
        "safeguarding/start_override.html",
        {"person": person, "form": form, "current": current, "minutes": OVERRIDE_MINUTES},
        status=form_status(request, form),
    )


@rule_required("safeguarding.lead")
@require_POST
def end_override(request: AuthedHttpRequest, override_id: int) -> HttpResponse:
    membership = membership_of(request)
    override = queries.get_override_for_user(membership, override_id)
    try:
        services.end_override(override, by=membership, request_id=request.request_id)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The override has ended. Their support records are closed."))
    return redirect("people:person", person_id=override.person_id)


@rule_required("safeguarding.review_overrides")
def override_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    waiting = list(queries.overrides_waiting_review(membership))
    reviewed = list(queries.overrides_recently_reviewed(membership))
    return render(
        request,
        "safeguarding/override_list.html",
        {
            "waiting": waiting,
            "reviewed": reviewed,
            "days": queries.RECENTLY_REVIEWED_DAYS,
            "shows_names": membership.role == Role.SAFEGUARDING_LEAD,
            "now": timezone.now(),
        },
    )


@rule_required("safeguarding.review_overrides")
def override_detail(request: AuthedHttpRequest, override_id: int) -> HttpResponse:
    membership = membership_of(request)
    override = queries.get_override_for_user(membership, override_id)
    is_own = override.lead_id == membership.user_id
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if override.reviewed_at is None and form.is_valid():
            try:
                services.review_override(
                    override,
                    by=membership,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    request_id=request.request_id,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("safeguarding:overrides")
        elif override.reviewed_at is not None:
            form.add_error(None, _("This override has already been reviewed."))
    services.read_override(membership, override)
    return render(
        request,
        "safeguarding/override_detail.html",
        {
            "override": override,
            "form": form,
            "is_own": is_own,
            "reads": queries.support_reads_during(override),
            "shows_names": membership.role == Role.SAFEGUARDING_LEAD,
            "in_force": override.ended_at is None and override.expires_at > timezone.now(),
        },
        status=form_status(request, form),
    )


# Holds on matching and introductions


def _name(user: object) -> str:
    return str(user.get_full_name() or user.get_username())  # type: ignore[attr-defined]


@rule_required("safeguarding.lead")
def hold_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    holds = services.read_open_holds(membership)
    return render(request, "safeguarding/hold_list.html", {"holds": holds})


@rule_required("safeguarding.lead")
@submit_once
def hold_person(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_matching_hold(
                by=membership,
                person=person,
                reason=form.cleaned_data["reason"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Matching and introductions are on hold for %(name)s.")
                % {"name": person.display_name},
            )
            return redirect("safeguarding:holds")
    current = services.read_open_hold_for_person(membership, person.pk)
    return render(
        request,
        "safeguarding/hold_person.html",
        {"person": person, "form": form, "current": current},
        status=INVALID_FORM_STATUS if form.errors else 200,
    )


@rule_required("safeguarding.lead")
@submit_once
def hold_volunteer(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    held = set(queries.held_volunteer_ids(membership.organisation_id))
    candidates = {
        member.user_id: member
        for member in queries.holdable_volunteers(membership)
        if member.user_id not in held
    }
    choices = [
        (user_id, f"{_name(member.user)} ({member.role_name})")
        for user_id, member in candidates.items()
    ]
    form = VolunteerHoldForm(choices, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        volunteer = candidates[form.cleaned_data["volunteer"]].user
        try:
            services.place_matching_hold(
                by=membership,
                volunteer=volunteer,
                reason=form.cleaned_data["reason"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Matching and introductions are on hold for %(name)s.")
                % {"name": _name(volunteer)},
            )
            return redirect("safeguarding:holds")
    return render(
        request,
        "safeguarding/hold_volunteer.html",
        {"form": form},
        status=INVALID_FORM_STATUS if form.errors else 200,
    )


@rule_required("safeguarding.lead")
def lift_hold(request: AuthedHttpRequest, hold_id: int) -> HttpResponse:
    membership = membership_of(request)
    hold = queries.get_open_hold_for_user(membership, hold_id)
    form = LiftHoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_matching_hold(
                hold,
                by=membership,
                reason=form.cleaned_data["reason"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The hold is lifted. Matching and introductions can start again.")
            )
            return redirect("safeguarding:holds")
    services.read_hold(membership, hold)
    return render(
        request,
        "safeguarding/lift_hold.html",
        {"hold": hold, "form": form},
        status=INVALID_FORM_STATUS if form.errors else 200,
    )
