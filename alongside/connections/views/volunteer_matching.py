"""Volunteer matching for coordinators: proposals, volunteers' details, the lists of interests
and localities, and describing groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.common.forms import add_service_errors
from alongside.common.ids import parse_id
from alongside.common.keyset import BadCursor, keyset_page
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, bad_cursor, form_status
from alongside.connections import match_proposals, queries, services
from alongside.connections.commonality import slot_order
from alongside.connections.forms import ListForm, SpaceForm, VolunteerForm, WeightsForm
from alongside.connections.models import SLOT_LABELS, Interest, Locality, VolunteerProfile
from alongside.spaces.models import Space

# The volunteers' list on the matching page, a keyset page at a time (decision 0134).
VOLUNTEERS_PAGE = 50
VOLUNTEERS_SCOPE = "connections.matching.volunteers"


def matching_page(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("connections.match", membership)
    asked = request.GET.copy()
    asked.pop("after", None)
    asked.pop("cursor", None)
    weights_form = WeightsForm(asked or None)
    if weights_form.is_bound and not weights_form.is_valid():
        weights = WeightsForm().weights()
    else:
        weights = weights_form.weights()
    error = ""
    # Which batch of people (decision 0112): those after this person id.
    after = parse_id(request.POST.get("after", "") or request.GET.get("after", "")) or 0
    if request.method == "POST":
        chosen: list[tuple[int, int]] = []
        for value in request.POST.getlist("pair"):
            person_part, _, volunteer_part = value.partition(":")
            person_id, volunteer_id = parse_id(person_part), parse_id(volunteer_part)
            if person_id is None or volunteer_id is None:
                chosen = []
                error = "Choose pairs from the proposal."
                break
            chosen.append((person_id, volunteer_id))
        try:
            posted = match_proposals.clean_weights(request.POST)
        except (ValueError, TypeError):
            posted, error = weights, "Weights are between 0 and 10."
        if not error:
            try:
                made = services.confirm_matches(
                    by=membership,
                    chosen=chosen,
                    weights=posted,
                    request_id=request.request_id,
                    after=after,
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    f"Confirmed {len(made)} match(es). Ask each side on the introduction page.",
                )
                return redirect("connections:matching")
        weights = posted
    try:
        proposal: match_proposals.Proposal | None = match_proposals.propose(
            membership, weights, after=after
        )
    except ImportError:
        proposal = None
    # The volunteers a page at a time (decision 0134): all of them were 566 rows and most of the
    # page's size and rendering time on the 100,000-person demo.
    rows = queries.volunteer_memberships(membership)
    try:
        page = keyset_page(
            rows,
            request.GET.get("cursor"),
            size=VOLUNTEERS_PAGE,
            scope=f"{VOLUNTEERS_SCOPE}:{membership.organisation_id}",
        )
    except BadCursor as problem:
        return bad_cursor(request, problem)
    vprofiles = {
        v.membership_id: v
        for v in VolunteerProfile.objects.filter(membership__in=[m.pk for m in page])
    }
    held = set(
        queries.held_volunteer_ids(membership.organisation_id).filter(
            volunteer_id__in=[m.user_id for m in page]
        )
    )
    others = request.GET.copy()
    others.pop("cursor", None)
    return render(
        request,
        "connections/matching.html",
        {
            "weights_form": weights_form,
            "weights": weights,
            "proposal": proposal,
            "batch_size": match_proposals.BATCH,
            "next_query": _batch_query(request, proposal.next_after)
            if proposal and proposal.next_after
            else None,
            "first_query": _batch_query(request, None) if after else None,
            "error": error,
            "volunteers": [(v, vprofiles.get(v.pk), v.user_id in held) for v in page],
            "volunteer_count": rows.count(),
            "page": page,
            "query": others.urlencode(),
        },
        status=INVALID_FORM_STATUS if error else 200,
    )


def _batch_query(request: AuthedHttpRequest, after: int | None) -> str:
    """The query string of a batch's link, keeping the weights asked for."""
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("cursor", None)  # the volunteers' list starts again at its first page
    if after is not None:
        params["after"] = str(after)
    return "?" + params.urlencode()


def volunteer(request: AuthedHttpRequest, membership_id: int) -> HttpResponse:
    membership = membership_of(request)
    target = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_id,
        organisation_id=getattr(membership, "organisation_id", None),
    )
    if not queries.may_manage_volunteer(membership, target):
        raise Http404
    existing = VolunteerProfile.objects.filter(membership=target).first()
    initial: dict[str, object] = {"capacity": 1, "available_for_matching": True}
    if existing is not None:
        initial = {
            "capacity": existing.capacity,
            "available_for_matching": existing.available_for_matching,
            "interests": [i.pk for i in existing.interests.all()],
            "locality": existing.locality_id,
            "availability": existing.availability,
            "lived_experience": existing.usable_lived_experience,
            "lived_experience_consent": existing.lived_experience_consent,
            "gender": existing.gender,
        }
    form = VolunteerForm(target.organisation_id, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_volunteer_profile(
                target,
                by=membership,
                capacity=data["capacity"],
                available_for_matching=data["available_for_matching"],
                interest_ids=data["interests"],
                locality_id=data["locality"],
                availability=data["availability"],
                lived_experience=data["lived_experience"],
                lived_experience_consent=data["lived_experience_consent"],
                gender=data["gender"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("connections:volunteer", target.pk)
    # Coordinators see that a volunteer is on hold (never why); the volunteer is not told.
    held = target.pk != membership.pk and queries.is_volunteer_held(
        target.organisation_id, target.user_id
    )
    return render(
        request,
        "connections/volunteer.html",
        {"target": target, "form": form, "held": held},
        status=form_status(request),
    )


@submit_once
def lists(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("connections.match", membership)
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_list(
                by=membership,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added.")
            return redirect("connections:lists")
    return render(
        request,
        "connections/lists.html",
        {
            "form": form,
            "interests": Interest.objects.filter(organisation_id=membership.organisation_id),
            "localities": Locality.objects.filter(organisation_id=membership.organisation_id),
        },
        status=form_status(request),
    )


def space(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    """What a group (`spaces.Space`) is about, where and when: for suggesting it to people."""

    membership = membership_of(request)
    found = get_object_or_404(
        Space, pk=group_id, organisation_id=getattr(membership, "organisation_id", None)
    )
    if not services.may_describe_space(membership, found):
        raise Http404
    from alongside.connections.models import SpaceProfile

    existing = SpaceProfile.objects.filter(space=found).first()
    initial = {}
    if existing is not None:
        initial = {
            "interests": [i.pk for i in existing.interests.all()],
            "locality": existing.locality_id,
            "availability": existing.times,
            "lived_experience": existing.lived_experience,
        }
    form = SpaceForm(found.organisation_id, request.POST or None, initial=initial)
    from_sessions = sorted(
        queries.session_times(queries.group_with_times(found)),
        key=slot_order,
    )
    form.fields["availability"].label = "When it meets"
    form.fields["availability"].help_text = (
        "Only used while the group has no sessions planned. Once it has repeating or one-off "
        "sessions, the times come from those."
    )
    form.fields["lived_experience"].label = "Who it is especially for"
    del form.fields["lived_experience_consent"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_space_profile(
                found,
                by=membership,
                interest_ids=data["interests"],
                locality_id=data["locality"],
                times=data["availability"],
                lived_experience=data["lived_experience"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("connections:space", found.pk)
    return render(
        request,
        "connections/space.html",
        {
            "space": found,
            "form": form,
            "now": timezone.now(),
            "from_sessions": [str(SLOT_LABELS.get(c, c)) for c in from_sessions],
        },
        status=form_status(request),
    )
