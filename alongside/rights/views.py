"""The data lead's pages for a person's rights: fetch with a check, bind, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import form_status
from alongside.people.models import Person
from alongside.rights import queries, services
from alongside.rights.forms import (
    EraseForm,
    HoldForm,
    LiftHoldForm,
    OpenRequestForm,
    RetentionForm,
    ReviewForm,
)
from alongside.rights.models import Anonymisation, RequestStatus
from alongside.rights.render import render_pdf
from alongside.rights.services.subject_access import answer_bytes
from alongside.rights.tasks import queue_retention_check


@rule_required("rights.handle")
def home(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    organisation_id = membership.organisation_id
    return render(
        request,
        "rights/home.html",
        {
            "open": queries.open_requests(membership),
            "answered": queries.answered_requests(membership)[:20],
            "holds": queries.holds_in_force(organisation_id),
            "review": queries.waiting_review(organisation_id),
            "today": timezone.localdate(),
        },
    )


def _person(request: AuthedHttpRequest, person_id: int) -> Person:
    membership = membership_of(request)
    require_rule("rights.handle", membership)
    person = queries.person_for_rights(membership, person_id)
    require_rule("rights.handle", membership, person)
    return person


@submit_once
def open_request(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    membership = membership_of(request)
    form = OpenRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.open_request(person, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Request opened: the answer is due by {made.due_on:%-d %B %Y}."
            )
            return redirect("rights:request", made.pk)
    return render(
        request,
        "rights/open_request.html",
        {"person": person, "form": form},
        status=form_status(request),
    )


def subject_access(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    """The review: the whole record, what may be withheld, and the decisions."""
    membership = membership_of(request)
    require_rule("rights.handle", membership)
    sar = queries.get_request(membership, request_id)
    if sar.status == RequestStatus.ANSWERED:
        return render(request, "rights/request.html", {"sar": sar, "answered": True})
    found = services.read_record_for_review(sar, by=membership)
    decided = {w.item: ("names" if w.names_only else "withhold", w.reason)
               for w in sar.withholdings.all()}  # fmt: skip
    form = ReviewForm(request.POST or None, flags=found.flags, decided=decided)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(sar, by=membership, decisions=form.decisions(), flags=found.flags)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decisions saved. Produce the answer when you are ready.")
            return redirect("rights:request", sar.pk)
    return render(
        request,
        "rights/request.html",
        {
            "sar": sar,
            "record": found,
            "form": form,
            "today": timezone.localdate(),
            "withheld": len(decided),
        },  # fmt: skip
        status=form_status(request),
    )


@require_POST
def answer(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    membership = membership_of(request)
    require_rule("rights.handle", membership)
    sar = queries.get_request(membership, request_id)
    try:
        services.answer_request(sar, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The answer is ready: download it below.")
    return redirect("rights:request", sar.pk)


def _download(request: AuthedHttpRequest, request_id: int, kind: str) -> HttpResponse:
    membership = membership_of(request)
    require_rule("rights.handle", membership)
    sar = queries.get_request(membership, request_id)
    try:
        answer_data = services.download_answer(sar, by=membership, kind=kind)
    except ValidationError as error:
        raise Http404 from error
    name = f"subject-access-{sar.pk}.{kind}"
    if kind == "pdf":
        response = HttpResponse(render_pdf(answer_data), content_type="application/pdf")
    else:
        response = HttpResponse(answer_bytes(answer_data), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def answer_pdf(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    return _download(request, request_id, "pdf")


def answer_json(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    return _download(request, request_id, "json")


def erase(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    membership = membership_of(request)
    ids = queries.same_person_ids(person)
    hold = queries.hold_in_force(ids)
    done = Anonymisation.objects.filter(person=person).order_by("at")
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_person(person, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Erased: their name, contact details and words are gone.")
            return redirect("rights:erase", person.pk)
    return render(
        request,
        "rights/erase.html",
        {"person": person, "form": form, "hold": hold, "done": done},
        status=form_status(request),
    )


def legal_hold(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    membership = membership_of(request)
    hold = queries.hold_in_force(queries.same_person_ids(person))
    form = HoldForm(request.POST or None) if hold is None else LiftHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if hold is None:
                services.set_hold(person, by=membership, reason=form.cleaned_data["reason"])
            else:
                services.lift_hold(hold, by=membership, reason=form.cleaned_data["lift_reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Hold lifted." if hold else "Hold set: nothing of theirs "
                             "will be anonymised or erased while it is in force.")  # fmt: skip
            return redirect("rights:legal_hold", person.pk)
    return render(
        request,
        "rights/legal_hold.html",
        {"person": person, "form": form, "hold": hold},
        status=form_status(request),
    )


@rule_required("rights.handle")
def retention(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    settings = queries.retention_settings(membership.organisation_id)
    form = RetentionForm.for_settings(settings, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_settings(settings, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            queue_retention_check()
            messages.success(request, "Retention periods saved. The daily check uses them.")
            return redirect("rights:retention")
    return render(
        request,
        "rights/retention.html",
        {"form": form, "reviews": queries.recent_reviews(membership.organisation_id)},
        status=form_status(request),
    )


def retention_review(request: AuthedHttpRequest, review_id: int) -> HttpResponse:
    membership = membership_of(request)
    require_rule("rights.handle", membership)
    review = queries.get_review(membership, review_id)
    if request.method == "POST":
        try:
            done = services.confirm_review(review, by=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Anonymised {len(done)} record group(s).")
        return redirect("rights:retention_review", review.pk)
    return render(
        request,
        "rights/retention_review.html",
        {"review": review, "lines": queries.review_lines(review)},
    )
