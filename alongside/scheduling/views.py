"""Views for the diary, booking and appointments: fetch with a check, bind, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.people.queries import get_person_for_user, sees_person
from alongside.scheduling import services
from alongside.scheduling.forms import AttendedForm, BookingForm, CancelForm, FromDateForm
from alongside.scheduling.models import Appointment, AppointmentMode, AppointmentStatus
from alongside.scheduling.queries import booking_options, offered_slot
from alongside.scheduling.queries import diary as diary_query


def _when(appointment: Appointment) -> str:
    return date_format(timezone.localtime(appointment.starts_at), "l j F \\a\\t H:i")


def diary(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("scheduling.set_availability", membership)
    now = timezone.now()
    appointments = list(diary_query(membership))
    waiting = [
        a for a in appointments if a.status == AppointmentStatus.BOOKED and a.starts_at <= now
    ]
    coming = [a for a in appointments if a.starts_at > now]
    return render(
        request,
        "scheduling/diary.html",
        {"waiting": waiting, "coming": coming, "now": now},
    )


@submit_once
def book(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("scheduling.book", membership, person)
    from_form = FromDateForm(request.GET or None)
    start = max(from_form.start_or(timezone.localdate()), timezone.localdate())
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        worker_id, starts_at = form.cleaned_data["slot"]
        slot = offered_slot(person.organisation_id, worker_id, starts_at)
        worker = get_user_model().objects.filter(pk=worker_id).first()
        if slot is None or worker is None:
            form.add_error("slot", "That time is not offered any more. Choose another.")
        else:
            try:
                appointment = services.book(
                    person,
                    by=membership,
                    worker=worker,
                    starts_at=starts_at,
                    minutes=slot.minutes,
                    mode=form.cleaned_data["mode"],
                    place=form.cleaned_data["place"] or slot.place,
                    video_link=form.cleaned_data["video_link"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Booked: {_when(appointment)} with {worker.get_full_name()}. "
                    "A reminder goes to them a day before, if they like reminders by text or email.",
                )
                return redirect("people:person", person.pk)
    options = booking_options(person, start=start)
    return render(
        request,
        "scheduling/book.html",
        {
            "person": person,
            "form": form,
            "options": options,
            "start": start,
            "chosen": request.POST.get("slot", ""),
        },
        status=form_status(request, form),
    )


def _appointment_for(request: AuthedHttpRequest, appointment_id: int) -> Appointment:
    """The appointment, when the viewer may see its person; 404 otherwise."""
    membership = membership_of(request)
    appointment = (
        Appointment.objects.filter(
            sees_person(membership),
            pk=appointment_id,
            organisation_id=membership.organisation_id,
        )
        .select_related("person", "worker", "with_worker", "handover", "contact")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def _appointment_page(
    request: AuthedHttpRequest,
    appointment: Appointment,
    *,
    cancel_form: CancelForm | None = None,
    attended_form: AttendedForm | None = None,
    status: int = 200,
) -> HttpResponse:
    import rules

    membership = membership_of(request)
    may_change = rules.test_rule("scheduling.change_appointment", membership, appointment)
    started = appointment.starts_at <= timezone.now()
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "person": appointment.person,
            "may_change": may_change and appointment.status == AppointmentStatus.BOOKED,
            "started": started,
            "cancel_form": cancel_form or CancelForm(),
            "attended_form": attended_form or AttendedForm(),
            "is_video": appointment.mode == AppointmentMode.VIDEO,
        },
        status=status,
    )


def appointment(request: AuthedHttpRequest, appointment_id: int) -> HttpResponse:
    return _appointment_page(request, _appointment_for(request, appointment_id))


def _changeable(request: AuthedHttpRequest, appointment_id: int) -> Appointment:
    appointment = _appointment_for(request, appointment_id)
    require_rule("scheduling.change_appointment", membership_of(request), appointment)
    return appointment


@require_POST
def cancel_appointment(request: AuthedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _changeable(request, appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(
                appointment,
                by=membership_of(request),
                cancelled_by=form.cleaned_data["cancelled_by"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Cancelled. The time is free again.")
            return redirect("scheduling:book", appointment.person_id)
    return _appointment_page(request, appointment, cancel_form=form, status=INVALID_FORM_STATUS)


@require_POST
def did_not_attend(request: AuthedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _changeable(request, appointment_id)
    try:
        services.record_did_not_attend(appointment, by=membership_of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("scheduling:appointment", appointment.pk)
    messages.success(
        request,
        "Recorded that it did not happen. Things get in the way: get in touch when it suits them.",
    )
    return redirect("people:person", appointment.person_id)


@require_POST
def attended(request: AuthedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _changeable(request, appointment_id)
    form = AttendedForm(request.POST)
    if form.is_valid():
        try:
            services.record_attended(
                appointment,
                by=membership_of(request),
                initiated_by=form.cleaned_data["initiated_by"],
                follow_up_on=form.cleaned_data["follow_up_on"],
                asked_for=form.cleaned_data["asked_for"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded as a contact.")
            return redirect("people:person", appointment.person_id)
    return _appointment_page(request, appointment, attended_form=form, status=INVALID_FORM_STATUS)
