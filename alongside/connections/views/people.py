"""A person's connections: what they share (their profile), and suggesting introductions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import form_status
from alongside.connections import queries, services
from alongside.connections.forms import ProfileForm, ProposeForm
from alongside.connections.models import SLOT_LABELS
from alongside.people.queries import get_person_for_user, people_visible_to
from alongside.spaces.models import Space


def person(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = get_person_for_user(membership, person_id)
    require_rule("connections.use", membership, found)
    profile = services.read_profile(membership, found)
    return render(
        request,
        "connections/person.html",
        {
            "person": found,
            "profile": profile,
            "lived": [queries.LIVED_LABELS.get(c, c) for c in profile.usable_lived_experience]
            if profile
            else [],
            "slots": [str(SLOT_LABELS.get(c, c)) for c in profile.availability] if profile else [],
            "may_edit": queries.may_edit_profile(membership, found),
            "people": queries.suggest_people(membership, found),
            "groups": queries.suggest_groups(membership, found),
            "introductions": queries.introductions_for_person(membership, found),
            "held": queries.is_person_held(found),
        },
    )


def profile(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = get_person_for_user(membership, person_id)
    require_rule("connections.use", membership, found)
    if not queries.may_edit_profile(membership, found):
        raise Http404
    existing = queries.profile_for(membership, found)
    initial = {}
    if existing is not None:
        initial = {
            "interests": [i.pk for i in existing.interests.all()],
            "locality": existing.locality_id,
            "availability": existing.availability,
            "lived_experience": existing.usable_lived_experience,
            "lived_experience_consent": existing.lived_experience_consent,
            "open_to_introductions": existing.open_to_introductions,
            "wants_volunteer": existing.wants_volunteer,
            "volunteer_preference": existing.volunteer_preference,
            "not_from_my_area": existing.not_from_my_area,
            "in_their_words": existing.in_their_words,
        }
    form = ProfileForm(found.organisation_id, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_person_profile(
                found,
                by=membership,
                interest_ids=data["interests"],
                locality_id=data["locality"],
                availability=data["availability"],
                lived_experience=data["lived_experience"],
                lived_experience_consent=data["lived_experience_consent"],
                open_to_introductions=data["open_to_introductions"],
                wants_volunteer=data["wants_volunteer"],
                volunteer_preference=data["volunteer_preference"],
                not_from_my_area=data["not_from_my_area"],
                excluded_people_ids=[p.pk for p in existing.excluded_people.all()]
                if existing
                else [],
                excluded_volunteer_ids=[u.pk for u in existing.excluded_volunteers.all()]
                if existing
                else [],
                in_their_words=data["in_their_words"],
                request_id=request.request_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved what they are happy to share.")
            return redirect("connections:person", found.pk)
    return render(
        request,
        "connections/profile.html",
        {"person": found, "form": form},
        status=form_status(request),
    )


@submit_once
def propose(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = get_person_for_user(membership, person_id)
    require_rule("connections.use", membership, found)

    if queries.is_person_held(found):
        # No form: nothing can be suggested for them now. Never says why.
        return render(
            request,
            "connections/propose.html",
            {"person": found, "form": None},
            status=form_status(request),
        )
    left_out = queries.left_out_people(found)
    people = (
        people_visible_to(membership)
        .exclude(pk__in=left_out)
        .exclude(pk__in=queries.held_person_ids(found.organisation_id))
    )
    spaces = [
        (s.pk, s.name)
        for s in Space.objects.filter(organisation_id=membership.organisation_id, is_active=True)
        .exclude(pk__in=queries.left_out_spaces(found))
        .order_by("name")
    ]
    initial = {"other": request.GET.get("with", ""), "space": request.GET.get("group", "")}
    form = ProposeForm(
        people,
        spaces,
        request.POST or None,
        initial=initial,
        membership=membership,
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        other = space = None
        if form.cleaned_data["other"]:
            other = get_person_for_user(membership, form.cleaned_data["other"].pk)
        else:
            space = get_object_or_404(
                Space, pk=form.cleaned_data["space"], organisation_id=membership.organisation_id
            )
        try:
            introduction = services.propose(
                found, by=membership, other=other, space=space, request_id=request.request_id
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Suggested. Next, ask each side privately.")
            return redirect("connections:introduction", introduction.pk)
    return render(
        request,
        "connections/propose.html",
        {"person": found, "form": form},
        status=form_status(request),
    )
