"""People: find, add, read and change the shared record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.audit.queries import access_log as access_log_lines
from alongside.audit.services import reads_written_together
from alongside.common.forms import add_service_errors
from alongside.common.keyset import BadCursor
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import bad_cursor, form_status
from alongside.people import services
from alongside.people.forms import CloseForm, PersonForm, SearchForm
from alongside.people.models import Person
from alongside.people.page import person_page
from alongside.people.panels import one_page
from alongside.people.queries import (
    Filters,
    get_person_for_user,
    merged_ids,
    merged_survivor_id,
    people_findable_by,
    search_people,
    second_identifier,
)
from alongside.visibility.people import remembered_relationships

PAGE_SIZE = 50


def person_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("people.find", membership)
    if people_findable_by(membership).query.is_empty():
        raise Http404
    form = SearchForm(request.GET or None, membership=membership)
    offer_pickers(form, membership, request)
    text, filters = form.text(), form.filters()
    found = search_people(membership, text, filters)
    try:
        page = found.page(request.GET.get("cursor"), PAGE_SIZE)
    except BadCursor as error:
        return bad_cursor(request, error)
    # HTMX asks for the results as you type; the worker picker's matches come in the whole page.
    partial = request.htmx and request.htmx.target == "results"
    template = "people/partials/results.html" if partial else "people/person_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "count": found.count(),
            "q": text,
            "query": query.urlencode(),
            "filtered": filters != Filters(),
        },
    )


@submit_once
def person_create(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("people.add_person", membership)
    form = PersonForm(request.POST if request.method == "POST" else None, membership=membership)
    matches: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = services.create_person(
                by=membership, team=data.pop("team"), given_name=data.pop("given_name"), **data
            )
        except services.PossibleMatch as question:
            matches = question.people
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": person.display_name})
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": None, "matches": matches_with_identifiers(matches)},
        # A possible match is a question, not a mistake: 409, so the one-time token is kept fresh.
        status=409 if matches else form_status(request, form),
    )


def matches_with_identifiers(people: list[Person]) -> list[tuple[Person, str]]:
    """The possible matches with the words that tell them apart (`queries.second_identifier`)."""
    return [(person, second_identifier(person)) for person in people]


def person_edit(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.change_person", membership, person)
    form = PersonForm(
        request.POST if request.method == "POST" else None, instance=person, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        # The ModelForm has already copied values onto `person`; reload so the service sees what changed.
        fresh = get_person_for_user(membership, person_id)
        data = dict(form.cleaned_data)
        data.pop("confirm_new", None)
        try:
            services.update_person(fresh, by=membership, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:person", person_id=person_id)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person},
        status=form_status(request, form),
    )


def person_detail(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    try:
        person = get_person_for_user(membership, person_id)
    except Http404:
        # Asked only when the record is not found as itself (one query fewer per page).
        survivor = merged_survivor_id(membership, person_id)
        if survivor is None:
            raise
        messages.info(request, _("That record was merged into this one."))
        return redirect("people:person", person_id=survivor)
    # The page's rules and panels ask whom the viewer works with many times: once each here.
    # The support notes and answers it shows are audited together, in one write.
    with remembered_relationships(), one_page(), reads_written_together():
        page = person_page(
            membership,
            person,
            show_all=request.GET.get("all") == "1",
            request_id=request.request_id,
        )
        return render(request, "people/person_detail.html", {"page": page, "person": person})


def access_log(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Who saw or changed this person's record: to show the person on request."""
    membership = membership_of(request)
    if membership.role == "data_lead":
        # Data leads answer subject access requests: they may see the log, not the record.
        person = get_object_or_404(
            Person.objects.filter(organisation_id=membership.organisation_id), pk=person_id
        )
    else:
        person = get_person_for_user(membership, person_id)
    require_rule("people.see_access_log", membership, person)
    lines = access_log_lines(
        person.pk, person.organisation_id, viewer=membership, also_person_ids=merged_ids(person)
    )
    return render(request, "people/access_log.html", {"person": person, "lines": lines})


def close_involvement(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Close their involvement (their need is met, in their words), or open it again."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.change_person", membership, person)
    if request.method == "POST" and request.POST.get("reopen") and person.closed_on:
        services.reopen_involvement(person, by=membership)
        messages.success(request, _("Their involvement is open again."))
        return redirect("people:person", person_id=person.pk)
    form = CloseForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": timezone.localdate()},
    )
    if request.method == "POST" and not person.closed_on and form.is_valid():
        try:
            services.close_involvement(
                person,
                by=membership,
                on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["closed_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Their involvement is closed."))
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/close_form.html",
        {"form": form, "person": person},
        status=form_status(request, form),
    )
