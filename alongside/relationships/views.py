"""Views for my people, contacts, named workers and handovers: fetch with a check, bind, call a service."""

from datetime import timedelta
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Role
from alongside.access.nav import home_url_name
from alongside.common.forms import add_service_errors
from alongside.common.ids import parse_id
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.inbox.queries import inbox_for
from alongside.learning.contact_form import DemandOnContactForm
from alongside.people.models import Person
from alongside.people.queries import get_person_for_user, search_people, second_identifier
from alongside.relationships import services
from alongside.relationships.continuity import aggregate
from alongside.relationships.forms import (
    AllocateWorkerForm,
    AssignNamedWorkerForm,
    ColdHandoverForm,
    ContactForm,
    HandoverForm,
    HistoryAccessForm,
    HistoryAccessReviewForm,
    MoveContactForm,
    NotPossibleForm,
    RemoveContactForm,
    WorkerRequestForm,
)
from alongside.relationships.models import (
    Allocation,
    Contact,
    ContactRevision,
    Handover,
    LegitimateRelationship,
    WorkerRequest,
)
from alongside.relationships.queries import (
    CONTINUITY_WINDOW_DAYS,
    continuity_for_people,
    history_requests_to_review,
    may_review_history,
    my_people,
    planned_handover,
)
from alongside.support.models import SupportNote
from alongside.support.queries import note_revisions_visible_to, notes_for_contacts
from alongside.support.services import read_contact_notes
from alongside.visibility.people import has_confirmed


def home(request: AuthedHttpRequest) -> HttpResponse:
    membership = request.membership
    if membership is None:
        return render(request, "relationships/no_organisation.html", status=403)
    home = home_url_name(membership)
    if home is not None:
        return redirect(home)  # the role's home opens on its work (access/nav.py HOMES)
    if not rules.test_rule("relationships.my_people", membership):
        return render(request, "relationships/home_other.html")
    return _my_people_page(request, membership)


@rule_required("relationships.my_people")
def my_people_page(request: AuthedHttpRequest) -> HttpResponse:
    """My people at their own address, for workers whose home is elsewhere (a coordinator)."""
    return _my_people_page(request, membership_of(request))


def _my_people_page(request: AuthedHttpRequest, membership: Membership) -> HttpResponse:
    rows = my_people(membership)
    summary = aggregate(row.continuity for row in rows if row.continuity.contacts)
    return render(
        request,
        "relationships/my_people.html",
        {
            "rows": rows,
            "summary": summary,
            "today": timezone.localdate(),
            "inbox": inbox_for(membership) if rules.test_rule("inbox.own", membership) else None,
        },
    )


def _contact_context(
    request: AuthedHttpRequest,
    person: Person,
    form: ContactForm,
    demand: DemandOnContactForm | None = None,
) -> dict[str, Any]:
    """`demand`: the demand fields as sent, so their errors join the form's error summary."""
    return {"person": person, "form": form, "handover": form.handover, "demand_form": demand}


@submit_once
def record_contact(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.record_contact", membership, person)
    handover = planned_handover(person)
    if request.method == "POST":
        # The quick form on the person page says so: it offers only the workers around them.
        circle = person if request.POST.get("quick") else None
        form = ContactForm(request.POST, membership=membership, handover=handover, circle_of=circle)
        offer_pickers(form, membership, request)
        # Optional value/failure demand fields from alongside.learning, saved with the contact.

        demand = DemandOnContactForm(request.POST, organisation_id=membership.organisation_id)
        # Both checked at once, so every mistake shows on the first submit.
        contact_ok, demand_ok = form.is_valid(), demand.is_valid()
        if contact_ok and demand_ok:
            try:
                with transaction.atomic():
                    contact = services.record_contact(
                        person,
                        by=membership,
                        handover=handover if form.cleaned_data.get("is_introduction") else None,
                        late_reason=form.cleaned_data["late_reason"],
                        **form.contact_fields(),
                    )
                    demand.save(contact, by=membership)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx and contact.handover_id:
                    # The named worker changed: the whole page is different now.
                    messages.success(
                        request, _("Contact recorded. The new named worker is in place.")
                    )
                    return HttpResponseClientRedirect(reverse("people:person", args=[person.pk]))
                if request.htmx:
                    note = notes_for_contacts(membership, [contact.pk]).get(contact.pk)
                    since = timezone.now() - timedelta(days=CONTINUITY_WINDOW_DAYS)
                    fresh = ContactForm(
                        initial=ContactForm.initial_for(membership),
                        membership=membership,
                        handover=planned_handover(person),
                        circle_of=circle,
                    )
                    offer_pickers(fresh, membership, request)
                    return render(
                        request,
                        "relationships/partials/contact_recorded.html",
                        {
                            "person": person,
                            "contact": contact,
                            "note": note,
                            "form": fresh,
                            "handover": fresh.handover,
                            "continuity": continuity_for_people([person.pk], since=since)[
                                person.pk
                            ],
                        },
                    )
                messages.success(request, _("Contact recorded."))
                return redirect("people:person", person_id=person.pk)
        # htmx swaps a 400 in place (docs/decisions/0008), so the form shows what to fix.
        status = INVALID_FORM_STATUS
        template = (
            "relationships/partials/contact_form.html"
            if request.htmx
            else "relationships/contact_form.html"
        )
        return render(
            request, template, _contact_context(request, person, form, demand), status=status
        )
    form = ContactForm(
        initial=ContactForm.initial_for(membership), membership=membership, handover=handover
    )
    offer_pickers(form, membership, request)
    return render(
        request, "relationships/contact_form.html", _contact_context(request, person, form)
    )


def _visible_contact(
    request: AuthedHttpRequest, person_id: int, contact_id: int
) -> tuple[Membership, Person, Contact]:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    contact = get_object_or_404(
        Contact.objects.filter(person=person)
        .select_related("worker", "person")
        .prefetch_related("also_present"),
        pk=contact_id,
    )
    return membership, person, contact


def _read_note(
    request: AuthedHttpRequest, membership: Membership, contact: Contact
) -> SupportNote | None:
    """The contact's support note when this viewer may read it; the read is audited."""
    return read_contact_notes(
        membership,
        [contact.pk],
        person_id=contact.person_id,
        organisation_id=contact.organisation_id,
        request_id=request.request_id,
    ).get(contact.pk)


def edit_contact(request: AuthedHttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    membership, person, contact = _visible_contact(request, person_id, contact_id)
    require_rule("relationships.edit_contact", membership, contact)
    note = _read_note(request, membership, contact)
    if request.method == "POST":
        form = ContactForm(request.POST, membership=membership)
        offer_pickers(form, membership, request)
        if form.is_valid():
            try:
                services.update_contact(
                    contact,
                    by=membership,
                    late_reason=form.cleaned_data["late_reason"],
                    **form.contact_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Contact updated. The earlier version is kept."))
                return redirect("people:person", person_id=person.pk)
    else:
        form = ContactForm(
            initial={
                "at": timezone.localtime(contact.at),
                "worker": contact.worker_id,
                "mode": contact.mode,
                "minutes": contact.minutes,
                "initiated_by": contact.initiated_by,
                "also_present": [u.pk for u in contact.also_present.all()],
                "others_present": contact.others_present,
                "follow_up_on": contact.follow_up_on,
                "late_reason": contact.late_reason,
                "asked_for": note.asked_for if note else "",
                "notes": note.text if note else "",
            },
            membership=membership,
        )
        offer_pickers(form, membership, request)
    return render(
        request,
        "relationships/contact_edit.html",
        {"person": person, "contact": contact, "form": form},
        status=form_status(request, form),
    )


def contact_history(request: AuthedHttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    membership, person, contact = _visible_contact(request, person_id, contact_id)
    revisions = ContactRevision.objects.filter(contact=contact).select_related("replaced_by")
    note = _read_note(request, membership, contact)
    note_revisions = list(note_revisions_visible_to(membership, note.pk)) if note else []
    return render(
        request,
        "relationships/contact_history.html",
        {
            "person": person,
            "contact": contact,
            "revisions": revisions,
            "note": note,
            "note_revisions": note_revisions,
        },
    )


def assign_named_worker(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.assign_named_worker", membership, person)
    # Answering their request (from the inbox): the worker they asked for, as their choice.
    open_request = (
        WorkerRequest.objects.filter(person=person, status=WorkerRequest.Status.OPEN)
        .select_related("requested_worker")
        .order_by("requested_on", "pk")
        .first()
    )
    initial: dict[str, Any] = {"started_on": timezone.localdate()}
    if open_request is not None and open_request.requested_worker_id is not None:
        initial |= {"worker": open_request.requested_worker_id, "chosen_by_person": True}
    form = AssignNamedWorkerForm(
        request.POST if request.method == "POST" else None,
        membership=membership,
        initial=initial,
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reason = "person_chose" if data["chosen_by_person"] else "first"
        try:
            services.assign_named_worker(
                person,
                worker=data["worker"],
                by=membership,
                started_on=data["started_on"],
                reason=reason,
                chosen_by_person=data["chosen_by_person"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Named worker assigned."))
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/assign.html",
        {"person": person, "form": form, "open_request": open_request},
        status=form_status(request, form),
    )


@submit_once
def record_worker_request(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.record_worker_request", membership, person)
    form = WorkerRequestForm(
        request.POST if request.method == "POST" else None, membership=membership
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_worker_request(
                person,
                by=membership,
                on=timezone.localdate(),
                requested_worker=form.cleaned_data["requested_worker"],
                in_their_words=form.cleaned_data["in_their_words"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Their request is recorded. A coordinator will answer it."))
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/worker_request.html",
        {"person": person, "form": form},
        status=form_status(request, form),
    )


@submit_once
def plan_handover(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.plan_handover", membership, person)
    open_request = (
        WorkerRequest.objects.filter(person=person, status=WorkerRequest.Status.OPEN)
        .select_related("requested_worker")
        .first()
    )
    # Pre-filled by a link (`?reason=worker_left&to_worker=<id>`), or by their open request.
    initial: dict[str, Any] = {
        "reason": request.GET.get("reason", ""),
        "to_worker": request.GET.get("to_worker", ""),
    }
    if open_request is not None:
        initial = {"reason": "person_chose", "to_worker": open_request.requested_worker_id}
    form = HandoverForm(
        request.POST if request.method == "POST" else None, membership=membership, initial=initial
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_handover(
                person,
                to_worker=data["to_worker"],
                by=membership,
                reason=data["reason"],
                introduce_by=data["introduce_by"],
                request=open_request if data["reason"] == "person_chose" else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Handover planned. Record the introduction as a joint contact.")
            )
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/handover.html",
        {"person": person, "form": form, "open_request": open_request},
        status=form_status(request, form),
    )


def _planned_handover_for(
    request: AuthedHttpRequest, person_id: int, handover_id: int
) -> tuple[Membership, Person, Handover]:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.plan_handover", membership, person)
    handover = get_object_or_404(
        Handover.objects.filter(person=person).select_related("from_worker", "to_worker", "person"),
        pk=handover_id,
    )
    if handover.status != Handover.Status.PLANNED:
        raise Http404
    return membership, person, handover


def complete_handover_cold(
    request: AuthedHttpRequest, person_id: int, handover_id: int
) -> HttpResponse:
    membership, person, handover = _planned_handover_for(request, person_id, handover_id)
    form = ColdHandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_handover_without_introduction(
                handover,
                by=membership,
                on=timezone.localdate(),
                cold_reason=form.cleaned_data["cold_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Named worker changed without an introduction. The reason is kept.")
            )
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/handover_cold.html",
        {"person": person, "handover": handover, "form": form},
        status=form_status(request, form),
    )


@require_POST
def cancel_handover(request: AuthedHttpRequest, person_id: int, handover_id: int) -> HttpResponse:
    membership, person, handover = _planned_handover_for(request, person_id, handover_id)
    services.cancel_handover(handover, by=membership)
    messages.success(request, _("Handover cancelled. The named worker stays the same."))
    return redirect("people:person", person_id=person.pk)


# Confirmed relationships: allocations and legitimate-relationship requests ---------------------


def allocate_worker(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.allocate_worker", membership, person)
    form = AllocateWorkerForm(
        request.POST if request.method == "POST" else None, membership=membership
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_worker(person, worker=form.cleaned_data["worker"], by=membership)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Worker allocated. They can read the person's history."))
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/allocate.html",
        {"person": person, "form": form},
        status=form_status(request, form),
    )


@require_POST
def end_allocation(request: AuthedHttpRequest, person_id: int, allocation_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.allocate_worker", membership, person)
    allocation = get_object_or_404(Allocation, pk=allocation_id, person=person)
    try:
        services.end_allocation(allocation, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Allocation ended."))
    return redirect("people:person", person_id=person.pk)


def request_history_access(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.request_history", membership, person)
    if request.method != "POST" and has_confirmed(membership, person):
        messages.info(request, _("You can already read their history."))
        return redirect("people:person", person_id=person.pk)
    form = HistoryAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.request_history_access(
                person, by=membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            until = formats.date_format(timezone.localtime(grant.expires_at), "j F Y")
            messages.success(
                request,
                _(
                    "You can read their history until %(date)s. Their named worker and a "
                    "coordinator have been told, and a reviewer will look at your reason."
                )
                % {"date": until},
            )
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/history_access.html",
        {"person": person, "form": form, "days": settings.ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS},
        status=form_status(request, form),
    )


def _grant_for(request: AuthedHttpRequest, grant_id: int) -> tuple[Membership, Any]:
    membership = membership_of(request)
    grant = get_object_or_404(
        LegitimateRelationship.objects.select_related("person", "worker"),
        pk=grant_id,
        organisation_id=membership.organisation_id,
    )
    return membership, grant


@rule_required("relationships.review_history")
def history_requests(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    return render(
        request,
        "relationships/history_requests.html",
        {
            "grants": history_requests_to_review(membership),
            "now": timezone.now(),
            "shows_names": membership.role != Role.DATA_LEAD,
        },
    )


def review_history_access(request: AuthedHttpRequest, grant_id: int) -> HttpResponse:
    membership, grant = _grant_for(request, grant_id)
    if not may_review_history(membership, grant.person):
        raise Http404
    form = HistoryAccessReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_history_access(
                grant,
                by=membership,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("relationships:history_requests")
    return render(
        request,
        "relationships/history_review.html",
        {
            "grant": grant,
            "form": form,
            "now": timezone.now(),
            "shows_names": membership.role != Role.DATA_LEAD,
        },
        status=form_status(request, form),
    )


@require_POST
def end_history_access(request: AuthedHttpRequest, grant_id: int) -> HttpResponse:
    membership, grant = _grant_for(request, grant_id)
    own = grant.worker_id == membership.user_id
    if not own and not may_review_history(membership, grant.person):
        raise Http404
    try:
        services.end_history_access(grant, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Access to their history ended."))
    if own:
        return redirect("people:person", person_id=grant.person_id)
    return redirect("relationships:history_requests")


MOVE_SEARCH_ROWS = 20


def move_contact(request: AuthedHttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    """Move a contact recorded on the wrong person to the right one (audited on both)."""
    membership, person, contact = _visible_contact(request, person_id, contact_id)
    require_rule("relationships.edit_contact", membership, contact)
    text = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    found = (
        [
            other
            for other in search_people(membership, text)[:MOVE_SEARCH_ROWS]
            if other.pk != person.pk
        ]
        if text
        else []
    )
    if request.method == "POST" and request.POST.get("to"):
        # The chosen person must be one this worker may see, whatever the search shows now.
        picked = get_person_for_user(membership, parse_id(request.POST["to"]) or 0)
        if picked not in found:
            found.append(picked)
    choices = [(other.pk, f"{other.display_name} — {second_identifier(other)}") for other in found]
    form = MoveContactForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        to = next(other for other in found if other.pk == form.cleaned_data["to"])
        try:
            services.move_contact(contact, to=to, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The contact is now on %(name)s's record.") % {"name": to.display_name}
            )
            return redirect("people:person", person_id=to.pk)
    return render(
        request,
        "relationships/move_contact.html",
        {"person": person, "contact": contact, "form": form, "q": text, "searched": bool(text)},
        status=form_status(request, form),
    )


def remove_contact(request: AuthedHttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    """Remove a contact recorded on the wrong person, saying why (decision 0049)."""
    membership, person, contact = _visible_contact(request, person_id, contact_id)
    require_rule("relationships.remove_contact", membership, contact)
    form = RemoveContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_contact(contact, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The contact is removed: it no longer counts. It can be put back from the timeline."
                ),
            )
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "relationships/remove_contact.html",
        {"person": person, "contact": contact, "form": form},
        status=form_status(request, form),
    )


@require_POST
def restore_contact(request: AuthedHttpRequest, person_id: int, removed_id: int) -> HttpResponse:
    """Put back a contact removed by mistake."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    contact = get_object_or_404(
        Contact.with_removed.filter(person=person, removed_at__isnull=False).select_related(
            "person"
        ),
        pk=removed_id,
    )
    require_rule("relationships.remove_contact", membership, contact)
    try:
        services.restore_contact(contact, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The contact is back on the record."))
    return redirect("people:person", person_id=person.pk)


def worker_request_not_possible(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Answer a person's open worker requests "not possible", saying why (decision 0050)."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.answer_worker_request", membership, person)
    waiting = list(
        WorkerRequest.objects.filter(person=person, status=WorkerRequest.Status.OPEN)
        .select_related("requested_worker", "recorded_by")
        .order_by("requested_on", "pk")
    )
    form = NotPossibleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_not_possible(
                person, by=membership, answer=form.cleaned_data["answer"], on=timezone.localdate()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Answered: not possible. Their page says why, and their worker has been told."),
            )
            return redirect("inbox:inbox")
    return render(
        request,
        "relationships/worker_request_not_possible.html",
        {"person": person, "form": form, "waiting": waiting},
        status=form_status(request, form),
    )
