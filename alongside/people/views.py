"""People: find, add, read and change the shared record."""

from datetime import timedelta

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.decorators import require_rule
from alongside.audit.queries import access_log as access_log_lines
from alongside.common.forms import add_service_errors
from alongside.people import services
from alongside.people.consent import describe, grantee_name
from alongside.people.forms import PersonForm, SearchForm
from alongside.people.models import ConsentToShare, Person
from alongside.people.queries import get_person_for_user, people_visible_to, search_people
from alongside.relationships.forms import ContactForm
from alongside.relationships.models import WorkerRequest
from alongside.relationships.queries import (
    CONTINUITY_WINDOW_DAYS,
    TIMELINE_ALL,
    TIMELINE_CONTACTS,
    continuity_for_people,
    current_spell,
    planned_handover,
    timeline,
)
from alongside.support.services import read_contact_notes
from alongside.visibility.consent import consents_in_force

PAGE_SIZE = 50


def person_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if membership is None or people_visible_to(membership).query.is_empty():
        raise Http404
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(search_people(membership, text), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/partials/results.html" if request.htmx else "people/person_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page, "q": text})


def person_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    require_rule("people.add_person", membership)
    form = PersonForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = services.create_person(
                by=membership, team=data.pop("team"), given_name=data.pop("given_name"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": person.display_name})
            return redirect("person", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = get_person_for_user(membership, person_id)
    require_rule("people.change_person", membership, person)
    form = PersonForm(
        request.POST if request.method == "POST" else None, instance=person, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        # The ModelForm has already copied values onto `person`; reload so the service sees what changed.
        fresh = get_person_for_user(membership, person_id)
        try:
            services.update_person(fresh, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("person", person_id=person_id)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = get_person_for_user(membership, person_id)
    spell = current_spell(person)
    handover = planned_handover(person)
    since = timezone.now() - timedelta(days=CONTINUITY_WINDOW_DAYS)
    continuity = continuity_for_people([person.pk], since=since)[person.pk]
    show_all = request.GET.get("all") == "1"
    history = timeline(person, contacts_shown=TIMELINE_ALL if show_all else TIMELINE_CONTACTS)
    entries = history.entries
    contacts = [entry.item for entry in entries if entry.kind == "contact"]
    notes = read_contact_notes(
        membership,
        [contact.pk for contact in contacts],
        person_id=person.pk,
        organisation_id=person.organisation_id,
        request_id=getattr(request, "request_id", ""),
    )
    for contact in contacts:
        contact.support_note_visible = notes.get(contact.pk)
    open_requests = list(
        WorkerRequest.objects.filter(
            person=person, status=WorkerRequest.Status.OPEN
        ).select_related("requested_worker")
    )
    can_record = rules.test_rule("relationships.record_contact", membership, person)
    form = (
        ContactForm(
            initial=ContactForm.initial_for(membership),
            membership=membership,
            handover=handover,
            circle_of=person,
        )
        if can_record
        else None
    )
    can_consent = rules.test_rule("people.record_consent", membership, person)
    from alongside.eligibility.queries import has_assessed

    both_roles_warning = person.organisation.allow_assessor_and_supporter and has_assessed(
        membership.user_id, person.pk
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "consents": _consent_lines(person) if can_consent else None,
            "may": {
                name: rules.test_rule(rule, membership, person)
                for name, rule in (
                    ("change_person", "people.change_person"),
                    ("record_worker_request", "relationships.record_worker_request"),
                    ("plan_handover", "relationships.plan_handover"),
                    ("assign_named_worker", "relationships.assign_named_worker"),
                )
            },
            "both_roles_warning": both_roles_warning,
            "can_see_access_log": rules.test_rule("people.see_access_log", membership, person),
            "person": person,
            "spell": spell,
            "handover": handover,
            "continuity": continuity,
            "entries": entries,
            "timeline_complete": history.complete,
            "open_requests": open_requests,
            "form": form,
            "days_with_worker": (timezone.localdate() - spell.started_on).days if spell else None,
        },
    )


def _consent_lines(person: Person) -> list[tuple[ConsentToShare, str, bool]]:
    """Each consent with its plain words and whether it is in force (one query)."""
    in_force = set(consents_in_force().filter(person=person).values_list("pk", flat=True))
    consents = ConsentToShare.objects.filter(person=person).select_related("grantee_user", "note")[
        :20
    ]
    return [
        (
            consent,
            describe(
                consent,
                person=person,
                grantee_name=grantee_name(
                    role=consent.grantee_role,
                    user=consent.grantee_user,
                    organisation_name=person.organisation.name,
                ),
            ),
            consent.pk in in_force,
        )
        for consent in consents
    ]


def access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who saw or changed this person's record: to show the person on request."""
    membership = request.membership  # type: ignore[attr-defined]
    if membership is not None and membership.role == "data_lead":
        # Data leads answer subject access requests: they may see the log, not the record.
        person = get_object_or_404(
            Person.objects.filter(organisation_id=membership.organisation_id), pk=person_id
        )
    else:
        person = get_person_for_user(membership, person_id)
    require_rule("people.see_access_log", membership, person)
    lines = access_log_lines(person.pk, person.organisation_id, viewer=membership)
    return render(request, "people/access_log.html", {"person": person, "lines": lines})
