"""Training and supervision pages. Coordinators: courses, recording completions (one person or a
session's attendees), who runs out in the next 60 days, who supervises whom. Every member: their
own record (courses, what they still need, skills and languages). A supervision's two people:
its page, the notes (an audited read), and for the supervisor, recording its sessions."""

from __future__ import annotations

from collections.abc import Callable
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
from alongside.common.pickers import offer_pickers
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.training import queries, services
from alongside.training.forms import (
    CompletionChangeForm,
    CompletionForm,
    CourseChangeForm,
    CourseForm,
    PlanSessionForm,
    RemoveForm,
    SessionCompletionForm,
    SessionForm,
    SupervisionForm,
)
from alongside.training.models import Completion, Course, Supervision


@rule_required("training.manage")
@submit_once
def courses(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = CourseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.add_course(
                membership.organisation,
                by=membership,
                name=data["name"],
                provider=data["provider"],
                valid_for_months=data["valid_for_months"],
                is_core=data["is_core"],
                roles=data["roles"],
                activities=data["activities"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": course.name})
            return redirect("training:courses")
    return render(
        request,
        "training/courses.html",
        {"form": form, "courses": list(queries.courses_of(membership.organisation_id))},
        status=form_status(request, form),
    )


def _course(request: AuthedHttpRequest, course_id: int) -> Course:
    found = queries.course_of(membership_of(request), course_id)
    if found is None:
        raise Http404
    return found


def _course_fields(course: Course) -> dict[str, Any]:
    requirements = list(course.requirements.all())
    return {
        "name": course.name,
        "provider": course.provider,
        "valid_for_months": course.valid_for_months,
        "is_core": course.is_core,
        "roles": [r.role for r in requirements if r.role],
        "activities": [r.activity for r in requirements if r.activity],
    }


@rule_required("training.manage")
def course(request: AuthedHttpRequest, course_id: int) -> HttpResponse:
    """Correct a course (and what requires it); remove it if it was added in error."""
    found = _course(request, course_id)
    form = CourseChangeForm(
        request.POST if request.method == "POST" else None, initial=_course_fields(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_course(found, by=membership_of(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("training:courses")
    return _course_page(request, found, form, RemoveForm(), status=form_status(request, form))


def _course_page(
    request: AuthedHttpRequest,
    found: Course,
    form: CourseChangeForm,
    remove_form: RemoveForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "training/course.html",
        {
            "course": found,
            "form": form,
            "remove_form": remove_form,
            "completions": found.completions.count(),
            "failed_form": remove_form if remove_form.errors else form if form.errors else None,
        },
        status=status,
    )


@rule_required("training.manage")
@require_POST
def remove_course(request: AuthedHttpRequest, course_id: int) -> HttpResponse:
    found = _course(request, course_id)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            services.remove_course(found, by=membership_of(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s removed.") % {"name": found.name})
            return redirect("training:courses")
    return _course_page(
        request,
        found,
        CourseChangeForm(initial=_course_fields(found)),
        form,
        status=INVALID_FORM_STATUS,
    )


@rule_required("training.manage")
def completions(request: AuthedHttpRequest) -> HttpResponse:
    """The completions recorded lately, each to correct or remove, and what was removed, why."""
    organisation_id = membership_of(request).organisation_id
    return render(
        request,
        "training/completions.html",
        {
            "completions": queries.recorded_lately(organisation_id),
            "removals": queries.removals(organisation_id),
            "recent": queries.RECENT,
        },
    )


def _completion(request: AuthedHttpRequest, completion_id: int) -> Completion:
    found = queries.completion_of(membership_of(request), completion_id)
    if found is None:
        raise Http404
    return found


@rule_required("training.manage")
def completion(request: AuthedHttpRequest, completion_id: int) -> HttpResponse:
    """Correct a completion (course, day, evidence); remove it if it was recorded in error."""
    membership = membership_of(request)
    found = _completion(request, completion_id)
    form = _completion_form(request, found, bound=request.method == "POST")
    if request.method == "POST" and form.is_valid():
        try:
            services.change_completion(found, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("training:completions")
    return _completion_page(request, found, form, RemoveForm(), status=form_status(request, form))


def _completion_form(
    request: AuthedHttpRequest, found: Completion, *, bound: bool = False
) -> CompletionChangeForm:
    return CompletionChangeForm(
        request.POST if bound else None,
        membership=membership_of(request),
        initial={
            "course": found.course_id,
            "completed_on": found.completed_on,
            "evidence": found.evidence,
        },
    )


def _completion_page(
    request: AuthedHttpRequest,
    found: Completion,
    form: CompletionChangeForm,
    remove_form: RemoveForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "training/completion.html",
        {
            "completion": found,
            "form": form,
            "remove_form": remove_form,
            "failed_form": remove_form if remove_form.errors else form if form.errors else None,
        },
        status=status,
    )


@rule_required("training.manage")
@require_POST
def remove_completion(request: AuthedHttpRequest, completion_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = _completion(request, completion_id)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            services.remove_completion(found, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Removed. What it was, and why, is kept below."))
            return redirect("training:completions")
    return _completion_page(
        request, found, _completion_form(request, found), form, status=INVALID_FORM_STATUS
    )


def _record(
    request: AuthedHttpRequest,
    form_class: type[CompletionForm] | type[SessionCompletionForm],
    template: str,
) -> HttpResponse:
    membership = membership_of(request)
    form = form_class(
        request.POST if request.method == "POST" else None,
        membership=membership,
        # From the inbox's "Record a completion": the course chosen (the member is the
        # picker's, given by the same link).
        initial={"course": request.GET.get("course", "")},
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = list(data["members"]) if "members" in data else [data["member"]]
        try:
            done = services.record_completions(
                members,
                data["course"],
                by=membership,
                completed_on=data["completed_on"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(course)s recorded for %(count)s.")
                % {"course": data["course"].name, "count": _people(len(done))},
            )
            return redirect("training:expiring")
    return render(request, template, {"form": form}, status=form_status(request, form))


def _people(count: int) -> str:
    return _("1 person") if count == 1 else _("%(n)s people") % {"n": count}


@rule_required("training.manage")
@submit_once
def record(request: AuthedHttpRequest) -> HttpResponse:
    """Record that one person completed a course."""
    return _record(request, CompletionForm, "training/record.html")


@rule_required("training.manage")
@submit_once
def record_session(request: AuthedHttpRequest) -> HttpResponse:
    """Record a course for everyone who attended one session of it."""
    return _record(request, SessionCompletionForm, "training/record_session.html")


@rule_required("training.manage")
def expiring(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    today = timezone.localdate()
    rows = queries.expiring(membership, today)
    return render(
        request,
        "training/expiring.html",
        {
            "today": today,
            "days": queries.EXPIRING_DAYS,
            "ran_out": [c for c in rows if c.expires_on and c.expires_on < today],
            "running_out": [c for c in rows if c.expires_on and c.expires_on >= today],
        },
    )


@rule_required("training.own_record")
def mine(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    today = timezone.localdate()
    return render(
        request,
        "training/mine.html",
        {
            "record": queries.own_record(membership, today),
            "today": today,
            "supervisions": list(queries.supervisions_for(membership)),
        },
    )


# Supervision ------------------------------------------------------------------------------------


@rule_required("training.manage")
@submit_once
def arrangements(request: AuthedHttpRequest) -> HttpResponse:
    """Who supervises whom (names and dates only), overdue as a count, and setting one up."""
    membership = membership_of(request)
    form = SupervisionForm(
        request.POST if request.method == "POST" else None, membership=membership
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.arrange_supervision(
                data["supervisee"],
                data["supervisor"],
                by=membership,
                every_weeks=data["every_weeks"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Supervision arranged."))
            return redirect("training:arrangements")
    return render(
        request,
        "training/arrangements.html",
        {
            "form": form,
            "arrangements": list(queries.arrangements(membership)),
            "overdue": queries.overdue_count(membership.organisation_id, timezone.localdate()),
        },
        status=form_status(request, form),
    )


def _supervision(request: AuthedHttpRequest, supervision_id: int, rule: str) -> Supervision:
    membership = membership_of(request)
    supervision = queries.supervision_of(membership, supervision_id)
    if supervision is None:
        raise Http404
    require_rule(rule, membership, supervision)
    return supervision


def supervision(request: AuthedHttpRequest, supervision_id: int) -> HttpResponse:
    """A supervision's page: its sessions and notes, for its two people only."""
    found = _supervision(request, supervision_id, "training.supervision")
    return _supervision_page(request, found, SessionForm(), PlanSessionForm())


def _supervision_page(
    request: AuthedHttpRequest,
    found: Supervision,
    form: SessionForm,
    plan_form: PlanSessionForm,
    status: int = 200,
) -> HttpResponse:
    membership = membership_of(request)
    context: dict[str, Any] = {
        "supervision": found,
        "sessions": services.read_supervision_notes(membership, found),
        "next_due": queries.next_due(found),
        "form": form,
        "plan_form": plan_form,
        "today": timezone.localdate(),
    }
    return render(request, "training/supervision.html", context, status=status)


def _supervisor_posts(
    request: AuthedHttpRequest,
    supervision_id: int,
    form_class: type[SessionForm] | type[PlanSessionForm],
    write: Callable[[Supervision, Membership, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A supervisor's POST on a supervision's page: the form, the write, back to the page (or
    the page again with what to fix, 400). Anyone else: 404."""
    membership = membership_of(request)
    found = _supervision(request, supervision_id, "training.record_supervision")
    if request.method != "POST":
        return redirect("training:supervision", found.pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(found, membership, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("training:supervision", found.pk)
    if isinstance(form, SessionForm):
        return _supervision_page(request, found, form, PlanSessionForm(), status=400)
    return _supervision_page(request, found, SessionForm(), form, status=400)


def _record_held(found: Supervision, by: Membership, data: dict[str, Any]) -> object:
    planned = found.sessions.filter(held_on__isnull=True).order_by("planned_for").first()
    return services.record_session(
        found, by=by, held_on=data["held_on"], notes=data["notes"], session=planned
    )


def _plan(found: Supervision, by: Membership, data: dict[str, Any]) -> object:
    return services.plan_session(found, by=by, planned_for=data["planned_for"])


@submit_once
def record_supervision_session(request: AuthedHttpRequest, supervision_id: int) -> HttpResponse:
    """The supervisor records a session as held, with its notes (the next planned one, or not)."""
    return _supervisor_posts(
        request, supervision_id, SessionForm, _record_held, _("Session recorded.")
    )


@submit_once
def plan_supervision_session(request: AuthedHttpRequest, supervision_id: int) -> HttpResponse:
    """The supervisor plans the next session."""
    return _supervisor_posts(
        request, supervision_id, PlanSessionForm, _plan, _("Next session planned.")
    )
