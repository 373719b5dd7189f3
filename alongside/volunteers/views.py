"""Volunteer pages: the public enquiry form (no sign-in), the coordinator's and data lead's
journey pages, and a volunteer's own lived experience. Views are thin: fetch with a check, bind,
call a service, redirect; an invalid form answers 400 with the page again (decision 0008).

No page here reads `people` or any sphere (decision 0071): a volunteer once supported is managed
as a volunteer with nothing of their support history in reach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Organisation
from alongside.common import links, once
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.connections.models import LivedExperience, VolunteerProfile
from alongside.volunteers import queries, services
from alongside.volunteers.forms import (
    CheckForm,
    EnquiryForm,
    LivedExperienceForm,
    MoveForm,
    ReferenceBackForm,
    ReferenceForm,
    RequirementsForm,
)
from alongside.volunteers.models import ORDER, Check, Reference, Stage, Volunteer


@login_not_required
@never_cache
def enquire(request: AuthedHttpRequest, organisation_slug: str) -> HttpResponse:
    """Anyone offers to volunteer: no sign-in, the organisation named, rate limited by address."""
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    counted = request.method == "POST" or organisation is None  # sends, and guessed addresses
    if counted and links.rate_limited(request, organisation_slug, scope="volunteers", known=False):
        response = render(
            request, "volunteers/busy.html", {"organisation": organisation}, status=429
        )
        response["Retry-After"] = str(links.RATE_WINDOW_SECONDS)
        return links.private(response)
    if organisation is None:
        raise Http404
    form = EnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquire(
                organisation,
                submit_token=request.POST.get(once.FIELD, ""),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return links.private(
                render(request, "volunteers/thanks.html", {"organisation": organisation})
            )
    return links.private(
        render(
            request,
            "volunteers/enquire.html",
            {"form": form, "organisation": organisation},
            status=form_status(request, form),
        )
    )


@rule_required("volunteers.manage")
def volunteer_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    return render(
        request,
        "volunteers/list.html",
        {
            "stages": queries.by_stage(membership),
            "enquiry_url": request.build_absolute_uri(
                reverse("volunteers:enquire", args=[membership.organisation.slug])
            ),
        },
    )


@rule_required("volunteers.manage")
def requirements(request: AuthedHttpRequest) -> HttpResponse:
    """What the organisation needs before a volunteer starts induction or becomes active."""
    membership = membership_of(request)
    needs = queries.requirements_of(membership.organisation_id)
    form = RequirementsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "references": needs.references,
            "dbs_level": needs.dbs_level,
            "dbs_renew_months": needs.dbs_renew_months,
            "right_to_volunteer": needs.right_to_volunteer,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_requirements(membership.organisation, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. It applies to the next move of each volunteer."))
            return redirect("volunteers:list")
    return render(
        request,
        "volunteers/requirements.html",
        {"form": form},
        status=form_status(request, form),
    )


def _volunteer(request: AuthedHttpRequest, volunteer_id: int) -> Volunteer:
    membership = membership_of(request)
    volunteer = queries.get_volunteer(membership, volunteer_id)
    require_rule("volunteers.manage_volunteer", membership, volunteer)
    assert volunteer is not None
    return volunteer


def _next_stage(stage: str) -> str:
    """The stage after this one (from paused: back to active; from leaving: stay)."""
    if stage == Stage.PAUSED:
        return Stage.ACTIVE
    index = ORDER.index(stage)
    return ORDER[min(index + 1, len(ORDER) - 1)]


def _page(
    request: AuthedHttpRequest, volunteer: Volunteer, status: int = 200, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "volunteer": volunteer,
        "changes": volunteer.changes.select_related("by"),
        "references": [
            (
                r,
                None
                if r.received_on
                else forms["back_form"]
                if forms.get("back_for") == r.pk
                else ReferenceBackForm(prefix=f"r{r.pk}", initial={"received_on": today}),
            )
            for r in volunteer.references.all()
        ],
        "checks": [
            (
                c,
                forms["check_form"]
                if forms.get("check_for") == c.pk
                else CheckForm(
                    prefix=f"c{c.pk}",
                    initial={
                        "kind": c.kind,
                        "requested_on": c.requested_on,
                        "level": c.level,
                        "certificate_number": c.certificate_number,
                        "issued_on": c.issued_on,
                        "update_service_checked_on": c.update_service_checked_on
                        or (today if c.issued_on else None),
                        "confirmed_on": c.confirmed_on,
                    },
                ),
            )
            for c in volunteer.checks.all()
        ],
        "move_form": forms.get("move_form")
        or MoveForm(initial={"on": today, "to": _next_stage(volunteer.stage)}),
        "reference_form": forms.get("reference_form") or ReferenceForm(initial={"asked_on": today}),
        "check_form": (forms.get("check_form") if forms.get("check_for") is None else None)
        or CheckForm(initial={"requested_on": today}),
        "back_for": forms.get("back_for"),
        "stage_label": Stage(volunteer.stage).label,
        # What still holds them back from induction or active (decision 0092).
        "missing": queries.still_missing(volunteer, on=today)
        if volunteer.stage not in (Stage.ACTIVE, Stage.LEAVING)
        else None,
        # The form sent with mistakes, whichever it was: its error summary opens the page.
        "failed_form": next(
            (form for form in forms.values() if isinstance(form, BaseForm) and form.errors), None
        ),
    }
    return render(request, "volunteers/volunteer.html", context, status=status)


def volunteer(request: AuthedHttpRequest, volunteer_id: int) -> HttpResponse:
    return _page(request, _volunteer(request, volunteer_id))


@require_POST
def move(request: AuthedHttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = _volunteer(request, volunteer_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move(volunteer, by=membership_of(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now at: %(stage)s.")
                % {"name": volunteer.name, "stage": Stage(volunteer.stage).label},
            )
            return redirect("volunteers:volunteer", volunteer.pk)
    return _page(request, volunteer, INVALID_FORM_STATUS, move_form=form)


@require_POST
@submit_once
def add_reference(request: AuthedHttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = _volunteer(request, volunteer_id)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            services.ask_reference(volunteer, by=membership_of(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("volunteers:volunteer", volunteer.pk)
    return _page(request, volunteer, INVALID_FORM_STATUS, reference_form=form)


@require_POST
def reference_back(request: AuthedHttpRequest, reference_id: int) -> HttpResponse:
    membership = membership_of(request)
    reference = (
        Reference.objects.filter(volunteer__in=queries.volunteers_for(membership), pk=reference_id)
        .select_related("volunteer")
        .first()
    )
    if reference is None:
        raise Http404
    volunteer = _volunteer(request, reference.volunteer_id)
    form = ReferenceBackForm(request.POST, prefix=f"r{reference.pk}")
    if form.is_valid():
        try:
            services.reference_received(reference, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("volunteers:volunteer", volunteer.pk)
    return _page(request, volunteer, INVALID_FORM_STATUS, back_form=form, back_for=reference.pk)


@require_POST
@submit_once
def add_check(request: AuthedHttpRequest, volunteer_id: int) -> HttpResponse:
    return _save_check(request, _volunteer(request, volunteer_id), None)


@require_POST
def update_check(request: AuthedHttpRequest, check_id: int) -> HttpResponse:
    membership = membership_of(request)
    check = Check.objects.filter(
        volunteer__in=queries.volunteers_for(membership), pk=check_id
    ).first()
    if check is None:
        raise Http404
    return _save_check(request, _volunteer(request, check.volunteer_id), check)


def _save_check(
    request: AuthedHttpRequest, volunteer: Volunteer, check: Check | None
) -> HttpResponse:
    form = CheckForm(request.POST, prefix=f"c{check.pk}" if check else None)
    if form.is_valid():
        try:
            services.save_check(
                volunteer, by=membership_of(request), check=check, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("volunteers:volunteer", volunteer.pk)
    return _page(
        request, volunteer, INVALID_FORM_STATUS, check_form=form, check_for=check and check.pk
    )


@rule_required("volunteers.own_lived_experience")
def my_lived_experience(request: AuthedHttpRequest) -> HttpResponse:
    """A volunteer's own page: their lived experience in their words, and two agreements."""
    membership = membership_of(request)
    profile = VolunteerProfile.objects.filter(membership=membership).first()
    initial = (
        {
            "codes": profile.lived_experience,
            "words": profile.lived_experience_words,
            "for_matching": profile.lived_experience_consent,
            "for_telling": profile.lived_experience_tell,
        }
        if profile is not None
        else {}
    )
    form = LivedExperienceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_lived_experience(membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. You can change or withdraw this at any time."))
            return redirect("volunteers:my_lived_experience")
    labels = dict(LivedExperience.choices)
    return render(
        request,
        "volunteers/my_lived_experience.html",
        {
            "form": form,
            "profile": profile,
            "labels": [labels.get(c, c) for c in (profile.lived_experience if profile else [])],
        },
        status=form_status(request, form),
    )
