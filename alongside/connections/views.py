"""Views: a person's connections, their profile, suggesting and asking about introductions, each
side's private answer (a one-time link with no login, or with their worker), follow-ups, and
volunteer matching for coordinators. Refusals are 404s.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.models import Membership
from alongside.common import links
from alongside.common.forms import add_service_errors
from alongside.connections import match_proposals, queries, services
from alongside.connections.commonality import slot_order
from alongside.connections.forms import (
    AnswerForm,
    FollowUpForm,
    ListForm,
    ProfileForm,
    ProposeForm,
    SpaceForm,
    VolunteerForm,
    WeightsForm,
)
from alongside.connections.models import (
    SLOT_LABELS,
    Interest,
    Introduction,
    IntroductionSide,
    Locality,
    Status,
    VolunteerProfile,
)
from alongside.people.queries import get_person_for_user, people_visible_to


def _request_id(request: HttpRequest) -> str:
    return str(getattr(request, "request_id", ""))


# A person's connections -------------------------------------------------------------------------


def person(request: HttpRequest, person_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
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


def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
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
                request_id=_request_id(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved what they are happy to share.")
            return redirect("connections_person", found.pk)
    return render(
        request,
        "connections/profile.html",
        {"person": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def propose(request: HttpRequest, person_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = get_person_for_user(membership, person_id)
    require_rule("connections.use", membership, found)
    from alongside.spaces.models import Space

    if queries.is_person_held(found):
        # No form: nothing can be suggested for them now. Never says why.
        return render(
            request,
            "connections/propose.html",
            {"person": found, "form": None},
            status=400 if request.method == "POST" else 200,
        )
    left_out = queries.left_out_people(found)
    people = [
        (p.pk, p.display_name)
        for p in people_visible_to(membership)
        .exclude(pk__in=left_out)
        .exclude(pk__in=queries.held_person_ids(found.organisation_id))
        .order_by("given_name", "family_name", "pk")[:300]
    ]
    spaces = [
        (s.pk, s.name)
        for s in Space.objects.filter(organisation_id=membership.organisation_id, is_active=True)
        .exclude(pk__in=queries.left_out_spaces(found))
        .order_by("name")
    ]
    initial = {"other": request.GET.get("with", ""), "space": request.GET.get("group", "")}
    form = ProposeForm(people, spaces, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        other = space = None
        if form.cleaned_data["other"]:
            other = get_person_for_user(membership, form.cleaned_data["other"])
        else:
            space = get_object_or_404(
                Space, pk=form.cleaned_data["space"], organisation_id=membership.organisation_id
            )
        try:
            introduction = services.propose(
                found, by=membership, other=other, space=space, request_id=_request_id(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Suggested. Next, ask each side privately.")
            return redirect("connections_introduction", introduction.pk)
    return render(
        request,
        "connections/propose.html",
        {"person": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# One introduction, for workers ----------------------------------------------------------------


def _introduction(request: HttpRequest, introduction_id: int) -> tuple[Membership, Introduction]:
    membership = request.membership  # type: ignore[attr-defined]
    require_rule("connections.use", membership)
    found = queries.introduction_for_worker(membership, introduction_id)
    if found is None:
        raise Http404
    return membership, found


def introduction(request: HttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    view = services.read_introduction(membership, found)
    return render(request, "connections/introduction.html", {"view": view})


@require_POST
def ask(request: HttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    view = queries.view_for(membership, found)
    if not view.may_manage:
        raise Http404
    try:
        issued = services.ask(found, by=membership, request_id=_request_id(request))
    except (ValidationError, services.Closed):
        messages.error(request, "They have already been asked.")
        return redirect("connections_introduction", found.pk)
    names = {s.side.pk: s.name for s in view.sides}
    links = [
        {
            "name": names.get(side_id, ""),
            "url": request.build_absolute_uri(reverse("connections_answer", args=[token])),
        }
        for side_id, token in issued.items()
    ]
    response = render(
        request,
        "connections/links.html",
        {"view": queries.view_for(membership, found), "links": links},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def withdraw(request: HttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    if not queries.view_for(membership, found).may_manage:
        raise Http404
    try:
        services.withdraw(found, by=membership, request_id=_request_id(request))
    except (ValidationError, services.Closed):
        messages.error(request, "It can no longer be withdrawn.")
    else:
        messages.success(request, "Withdrawn. Their links no longer work.")
    return redirect("connections_introduction", found.pk)


def _side_for_worker(request: HttpRequest, side_id: int) -> tuple[Membership, IntroductionSide]:
    membership = request.membership  # type: ignore[attr-defined]
    require_rule("connections.use", membership)
    side = (
        IntroductionSide.objects.scoped()
        .filter(
            pk=side_id,
            introduction_id__in=queries.introductions_visible_to(membership).values("pk"),
        )
        .select_related("introduction", "person", "volunteer")
        .first()
    )
    if side is None:
        raise Http404
    return membership, side


def record_answer(request: HttpRequest, side_id: int) -> HttpResponse:
    """The worker records a side's answer with them (the same choices as the link)."""
    membership, side = _side_for_worker(request, side_id)
    view = queries.view_for(membership, side.introduction)
    if side.pk not in {s.pk for s in view.may_answer_for}:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.answer(
                side,
                agree=data["agree"],
                share_first_name=data["share_first_name"],
                share_in_common=data["share_in_common"],
                share_contact=data["share_contact"],
                contact_way=data["contact_way"],
                by=membership,
                request_id=_request_id(request),
            )
        except services.Closed:
            messages.error(request, "This can no longer be answered.")
            return redirect("connections_introduction", side.introduction_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Their answer is saved.")
            return redirect("connections_introduction", side.introduction_id)
    name = next((s.name for s in view.sides if s.side.pk == side.pk), "")
    return render(
        request,
        "connections/record_answer.html",
        {"view": view, "side": side, "name": name, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def follow_up(request: HttpRequest, introduced_side_id: int) -> HttpResponse:
    membership, side = _side_for_worker(request, introduced_side_id)
    view = queries.view_for(membership, side.introduction)
    if side.pk not in {s.pk for s in view.may_follow_up}:
        raise Http404
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up(
                side,
                by=membership,
                met=data["met"],
                how=data["how"],
                in_their_words=data["in_their_words"],
                request_id=_request_id(request),
            )
        except services.Closed:
            messages.error(request, "This introduction is closed.")
            return redirect("connections_introduction", side.introduction_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Follow-up saved.")
            return redirect("connections_introduction", side.introduction_id)
    name = next((s.name for s in view.sides if s.side.pk == side.pk), "")
    return render(
        request,
        "connections/follow_up.html",
        {"view": view, "side": side, "name": name, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# The public one-time link ---------------------------------------------------------------------


def _closed(
    request: HttpRequest, reason: str, organisation: object = None, status: int = 410
) -> HttpResponse:
    return links.private(
        render(
            request,
            "connections/closed.html",
            {"reason": reason, "organisation": organisation},
            status=status,
        )
    )


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """One side's private page: their first name and the organisation, nothing about the other
    side until both agreed, and then only what the other side chose to share."""
    if links.rate_limited(request, token, scope="connections"):
        response = _closed(request, "busy", status=429)
        response["Retry-After"] = str(links.RATE_WINDOW_SECONDS)
        return response
    side = queries.side_for_token(token)
    if side is None or not queries.link_readable(side):
        return _closed(request, "unknown", status=404)
    intro = side.introduction
    organisation = intro.organisation
    first_name = queries.first_name_of(side)
    form = None
    if side.answer == "waiting":
        status = queries.effective_status(intro)
        if status != Status.ASKING:
            return _closed(
                request, "expired" if status == Status.EXPIRED else "closed", organisation
            )
        if queries.introduction_is_held(intro):
            # The same page as a withdrawal: nothing says why.
            return _closed(request, "closed", organisation)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.answer(
                    side,
                    agree=data["agree"],
                    share_first_name=data["share_first_name"],
                    share_in_common=data["share_in_common"],
                    share_contact=data["share_contact"],
                    contact_way=data["contact_way"],
                    request_id=_request_id(request),
                )
            except services.Closed as closed:
                return _closed(request, closed.reason, organisation)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("connections_answer", token)
        if form.is_bound or request.method != "POST":
            return links.private(
                render(
                    request,
                    "connections/answer.html",
                    {
                        "form": form,
                        "first_name": first_name,
                        "organisation": organisation,
                        "kind": intro.kind,
                        "space": intro.space,
                    },
                    status=400 if request.method == "POST" else 200,
                )
            )
    # Answered: show the outcome as this side may see it.
    status = queries.effective_status(intro)
    introduced = status in (Status.INTRODUCED, Status.FOLLOWED_UP)
    others = []
    if introduced:
        for other in queries.other_sides(side):
            others.append(
                {
                    "name": queries.first_name_of(other) if other.share_first_name else "",
                    "contact": other.contact_way if other.share_contact else "",
                }
            )
    both_share_common = (
        introduced
        and side.share_in_common
        and all(o.share_in_common for o in queries.other_sides(side))
    )
    return links.private(
        render(
            request,
            "connections/answered.html",
            {
                "first_name": first_name,
                "organisation": organisation,
                "said_yes": side.answer == "agreed",
                "introduced": introduced,
                "not_going_ahead": status in (Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN),
                "others": others,
                "in_common": list(intro.in_common) if both_share_common else [],
                "kind": intro.kind,
                "space": intro.space if introduced else None,
            },
        )
    )


# Volunteer matching (coordinators) --------------------------------------------------------------


def matching_page(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    require_rule("connections.match", membership)
    weights_form = WeightsForm(request.GET or None)
    if weights_form.is_bound and not weights_form.is_valid():
        weights = WeightsForm().weights()
    else:
        weights = weights_form.weights()
    error = ""
    if request.method == "POST":
        chosen = []
        for value in request.POST.getlist("pair"):
            person_part, _, volunteer_part = value.partition(":")
            if not (person_part.isdigit() and volunteer_part.isdigit()):
                chosen = []
                error = "Choose pairs from the proposal."
                break
            chosen.append((int(person_part), int(volunteer_part)))
        try:
            posted = match_proposals.clean_weights(request.POST)
        except (ValueError, TypeError):
            posted, error = weights, "Weights are between 0 and 10."
        if not error:
            try:
                made = services.confirm_matches(
                    by=membership, chosen=chosen, weights=posted, request_id=_request_id(request)
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    f"Confirmed {len(made)} match(es). Ask each side on the introduction page.",
                )
                return redirect("connections_matching")
        weights = posted
    try:
        proposal: match_proposals.Proposal | None = match_proposals.propose(membership, weights)
    except ImportError:
        proposal = None
    volunteers = list(queries.volunteer_memberships(membership))
    vprofiles = {
        v.membership_id: v for v in VolunteerProfile.objects.filter(membership__in=volunteers)
    }
    held = set(queries.held_volunteer_ids(membership.organisation_id))
    return render(
        request,
        "connections/matching.html",
        {
            "weights_form": weights_form,
            "weights": weights,
            "proposal": proposal,
            "error": error,
            "volunteers": [(v, vprofiles.get(v.pk), v.user_id in held) for v in volunteers],
        },
        status=400 if error else 200,
    )


def volunteer(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
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
                request_id=_request_id(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("connections_volunteer", target.pk)
    # Coordinators see that a volunteer is on hold (never why); the volunteer is not told.
    held = target.pk != membership.pk and queries.is_volunteer_held(
        target.organisation_id, target.user_id
    )
    return render(
        request,
        "connections/volunteer.html",
        {"target": target, "form": form, "held": held},
        status=400 if request.method == "POST" else 200,
    )


def lists(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    require_rule("connections.match", membership)
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_list(
                by=membership,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                request_id=_request_id(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added.")
            return redirect("connections_lists")
    return render(
        request,
        "connections/lists.html",
        {
            "form": form,
            "interests": Interest.objects.filter(organisation_id=membership.organisation_id),
            "localities": Locality.objects.filter(organisation_id=membership.organisation_id),
        },
        status=400 if request.method == "POST" else 200,
    )


def space(request: HttpRequest, group_id: int) -> HttpResponse:
    """What a group (`spaces.Space`) is about, where and when: for suggesting it to people."""
    from alongside.spaces.models import Space

    membership = request.membership  # type: ignore[attr-defined]
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
                request_id=_request_id(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("connections_space", found.pk)
    return render(
        request,
        "connections/space.html",
        {
            "space": found,
            "form": form,
            "now": timezone.now(),
            "from_sessions": [str(SLOT_LABELS.get(c, c)) for c in from_sessions],
        },
        status=400 if request.method == "POST" else 200,
    )
