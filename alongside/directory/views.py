"""The directory's pages for workers: search, a service, adding and keeping local services, the
organisation's own needs list, and imports and feeds with what changed. Every worker reads the
directory; coordinators and data leads keep it (`directory/permissions.py`)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Organisation
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import form_status
from alongside.directory import queries, services
from alongside.directory.forms import (
    FeedForm,
    PlaceForm,
    ScheduleForm,
    SearchForm,
    ServiceForm,
    TermForm,
)
from alongside.directory.models import DirectoryFeed, Location, Service, ServiceSource
from alongside.directory.tasks import queue_refresh
from alongside.people.models import Person
from alongside.people.queries import people_visible_to
from alongside.spaces.models import Space


def _keepers(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


def _places(organisation: Organisation) -> QuerySet[Location]:
    return Location.objects.filter(
        organisation=organisation, latitude__isnull=False, latitude__gte=-90, latitude__lte=90
    ).order_by("name", "id")


def _for_person(membership: Membership, value: str | None) -> Person | None:
    """The person the directory was opened for, from their page (`?for=`): someone this worker
    sees, or nobody."""
    if not value or not value.isdigit() or len(value) > 9:
        return None
    return people_visible_to(membership).filter(pk=int(value)).first()


@rule_required("directory.read")
def search(request: AuthedHttpRequest) -> HttpResponse:
    """Find a service by need, words, place and day; opening times in words. Opened from a
    person's page (`?for=`), each service found offers to refer them there."""
    membership = membership_of(request)
    organisation = membership.organisation
    for_person = _for_person(membership, request.GET.get("for"))
    query = request.GET.copy()
    query.pop("for", None)
    form = SearchForm(
        query or None,
        terms=queries.terms_of(organisation),
        places=_places(organisation),
    )
    results: list[queries.Found] = []
    searched = form.is_bound and form.is_valid()
    if searched:
        data = form.cleaned_data
        near = data.get("near")
        place = queries.Place(
            district=data.get("district") or "",
            latitude=near.latitude if near else None,
            longitude=near.longitude if near else None,
            within_km=(data.get("within") or 2.0) if near else None,
        )
        results = queries.search(
            organisation,
            words=data.get("words") or "",
            term_ids=[data["need"].pk] if data.get("need") else [],
            place=place,
            day=data.get("day") or "",
        )
    elif not form.is_bound:
        results = queries.search(organisation)
    return render(
        request,
        "directory/search.html",
        {"form": form, "results": results, "searched": searched, "for_person": for_person},
        status=400 if form.is_bound and form.errors else 200,
    )


def _service_or_404(membership: Membership, service_id: int) -> Service:
    service = queries.service_in(membership.organisation, service_id)
    if service is None:
        raise Http404
    return service


@rule_required("directory.read")
def service_detail(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    membership = membership_of(request)
    service = _service_or_404(membership, service_id)
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "opening_times": queries.opening_times(service),
            "stale": service.source == ServiceSource.LOCAL and service.is_stale(),
            "local": service.source == ServiceSource.LOCAL,
            "for_person": _for_person(membership, request.GET.get("for")),
        },
    )


def _service_form(request: AuthedHttpRequest, service: Service | None) -> ServiceForm:
    """The service form, its keeper chosen with the worker picker (decision 0045)."""
    membership = membership_of(request)
    organisation = membership.organisation
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        instance=service,
        terms=queries.terms_of(organisation),
        keepers=_keepers(organisation),
    )
    offer_pickers(form, membership, request)
    return form


@rule_required("directory.edit")
@submit_once
def add_service(request: AuthedHttpRequest) -> HttpResponse:
    """Add a local service: the ones no council lists."""
    membership = membership_of(request)
    form = _service_form(request, None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            service = form.save(commit=False)
            service.directory_organisation = services.own_directory_organisation(
                membership.organisation
            )
            services.save_service(membership, service, list(form.changed_data))
            form.save_m2m()
        messages.success(request, _("%(name)s is in the directory.") % {"name": service.name})
        return redirect("directory:service", service_id=service.pk)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "service": None},
        status=form_status(request, form),
    )


def _local_service_or_404(membership: Membership, service_id: int) -> Service:
    service = _service_or_404(membership, service_id)
    if service.source != ServiceSource.LOCAL:
        raise Http404  # an imported entry is kept by its source
    return service


@rule_required("directory.edit")
def edit_service(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    """Change a local service, add where and when it runs, or say it is still right."""
    membership = membership_of(request)
    service = _local_service_or_404(membership, service_id)
    form = _service_form(request, service)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            service = form.save(commit=False)
            services.save_service(membership, service, list(form.changed_data))
            form.save_m2m()
        messages.success(request, _("%(name)s is saved.") % {"name": service.name})
        return redirect("directory:service", service_id=service.pk)
    return render(
        request,
        "directory/service_form.html",
        {
            "form": form,
            "service": service,
            "opening_times": queries.opening_times(service),
        },
        status=form_status(request, form),
    )


def _add_part(
    request: AuthedHttpRequest,
    service_id: int,
    form_class: type[PlaceForm] | type[ScheduleForm],
    title: str,
    save: Callable[[Membership, Service, Any], object],
    done: str,
) -> HttpResponse:
    """A page that adds one part (a place, an opening time) to a local service."""
    membership = membership_of(request)
    service = _local_service_or_404(membership, service_id)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        save(membership, service, form.save(commit=False))
        messages.success(request, done)
        return redirect("directory:edit_service", service_id=service.pk)
    return render(
        request,
        "directory/part_form.html",
        {"form": form, "service": service, "title": title},
        status=form_status(request, form),
    )


@rule_required("directory.edit")
def add_place(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    return _add_part(
        request,
        service_id,
        PlaceForm,
        _("Where it runs"),
        services.add_place,
        _("The place is added."),
    )


@rule_required("directory.edit")
def add_schedule(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    return _add_part(
        request,
        service_id,
        ScheduleForm,
        _("When it runs"),
        services.add_schedule,
        _("The opening time is added."),
    )


@rule_required("directory.edit")
@require_POST
def check_service(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    """Someone rang them: the entry is still right today."""
    membership = membership_of(request)
    service = _local_service_or_404(membership, service_id)
    services.mark_checked(membership, service)
    messages.success(request, _("%(name)s is marked as checked today.") % {"name": service.name})
    return redirect("directory:service", service_id=service.pk)


@rule_required("directory.edit")
@submit_once
def needs(request: AuthedHttpRequest) -> HttpResponse:
    """The organisation's own words for needs, and the taxonomies it has adopted or imported."""
    membership = membership_of(request)
    form = TermForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        term = services.add_term(
            membership, form.cleaned_data["name"], form.cleaned_data["description"]
        )
        messages.success(request, _("%(name)s is added.") % {"name": term.name})
        return redirect("directory:needs")
    return render(
        request,
        "directory/needs.html",
        {"form": form, "taxonomies": queries.taxonomies_of(membership.organisation)},
        status=form_status(request, form),
    )


@rule_required("directory.edit")
@submit_once
def imports(request: AuthedHttpRequest) -> HttpResponse:
    """Feeds, and what changed at each import: the coordinator's view of the refreshes."""
    membership = membership_of(request)
    organisation = membership.organisation
    form = FeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        feed = services.save_feed(membership, form.save(commit=False), list(form.changed_data))
        transaction.on_commit(lambda: _read_now_and_on_schedule(feed))
        messages.success(request, _("%(name)s will be read shortly.") % {"name": feed.name})
        return redirect("directory:imports")
    return render(
        request,
        "directory/imports.html",
        {
            "form": form,
            "feeds": queries.feeds_of(organisation),
            "refreshes": queries.refreshes_of(organisation),
            "stale": queries.stale_services(organisation),
            "spaces": queries.drop_in_spaces(organisation),
        },
        status=form_status(request, form),
    )


@rule_required("directory.edit")
@require_POST
def list_space(request: AuthedHttpRequest, space_id: int) -> HttpResponse:
    """Put a drop-in space in the directory as a local service, or bring its entry up to date."""
    membership = membership_of(request)
    space = (
        Space.objects.filter(organisation=membership.organisation, access=Space.Access.DROP_IN)
        .filter(pk=space_id)
        .first()
    )
    if space is None:
        raise Http404
    service = services.list_space(membership, space)
    messages.success(request, _("%(name)s is in the directory.") % {"name": service.name})
    return redirect("directory:service", service_id=service.pk)


def _read_now_and_on_schedule(feed: DirectoryFeed) -> None:
    queue_refresh(feed)
    queue_refresh(feed, later=True)


@rule_required("directory.edit")
@require_POST
def refresh_now(request: AuthedHttpRequest, feed_id: int) -> HttpResponse:
    membership = membership_of(request)
    feed = queries.feeds_of(membership.organisation).filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    transaction.on_commit(lambda: queue_refresh(feed))
    messages.success(request, _("%(name)s will be read shortly.") % {"name": feed.name})
    return redirect("directory:imports")
